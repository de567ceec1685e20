import { chmod, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderFile } from '../../src/core/plan.js';
import { DEFAULT_SCAN_OPTIONS, scanProject } from '../../src/core/scan.js';
import { encode } from '../../src/core/text.js';
import type { Decision } from '../../src/core/types.js';
import { reviewProject } from '../../bench/generate.mjs';
import { comparePaths } from '../../src/core/paths.js';
import { HOSTILE, SHOWN } from '../helpers/hostile.js';
import { cleanup, project } from '../helpers/project.js';
import { copyFixture } from './harness.js';
import { BIN, hasTmux, killTmux, session, tmux } from './tmux.js';

// An editor gets the statement's whole lines, indented as in the file, and gives them back.
const EDITED = '    missing, unexpected = KeyMapper.from_torch(dict(state))';

afterAll(async () => {
  killTmux();
  await cleanup();
});

describe.skipIf(!hasTmux)(`the built bin's review in tmux${hasTmux ? '' : ' (skipped: tmux is not installed; CI installs it)'}`, () => {
  it('accepts one, skips one, edits one through $EDITOR, writes exactly that', async () => {
    const root = await copyFixture();
    const tools = await mkdtemp(join(tmpdir(), 'switcheroo-editor-'));
    const editor = join(tools, 'editor.sh');
    await writeFile(editor, `#!/bin/sh\nprintf '%s\\n' '${EDITED}' > "$1"\n`);
    await chmod(editor, 0o755);
    const { files } = await scanProject(root, DEFAULT_SCAN_OPTIONS);
    const before = new Map(await Promise.all(files.map(async (f) => [f.path, await readFile(f.absPath)] as const)));

    const cache = await mkdtemp(join(tmpdir(), 'switcheroo-cache-')); // the undo journal, not in the user's cache
    const command = `cd '${root}' && env -u VISUAL EDITOR='${editor}' XDG_CACHE_HOME='${cache}' NO_COLOR=1 node '${BIN}' .; echo "EXIT=$?"; sleep 600`;
    const { settled, press } = session('review', command);
    const first = await settled('scanned 3 files · 7 sites in 3 files');
    expect(first).toContain('change 2/7 · file 1/3');
    await expect(first).toMatchFileSnapshot('../../snapshots/ui/tmux-review.txt');
    await press('y', 'train.py:9:5 · model · module · pending');
    await press('n', 'train.py:10:27 · model · module · pending');
    await press('e', 'Summary · 2 changes in 2 files will be written.');
    // It opened by itself after the last decision: the first w highlights Write, the second writes.
    await press('w', 'Press w or Enter to write 2 files');
    const done = await press('w', 'EXIT=');
    expect(done).toContain('2 written · 0 refused · 0 errors');
    expect(done).toContain('EXIT=0');

    const decisions = new Map<string, Decision>([
      ['models/net.py:17:5', { type: 'accepted' }],
      ['train.py:9:5', { type: 'skipped' }],
      ['train.py:10:27', { type: 'edited', text: EDITED }],
    ]);
    for (const plan of files) {
      const expected = plan.path === 'utils/io.py' ? before.get(plan.path) : encode(renderFile(plan, decisions), plan.bom);
      expect((await readFile(plan.absPath)).equals(expected!), plan.path).toBe(true);
    }
    const train = await readFile(join(root, 'train.py'), 'utf8');
    expect(train).toContain('    model.load_state_dict(state, strict=False)\n');
    expect(train).toContain(`${EDITED}\n    print(missing, unexpected)\n`);
    expect(await readFile(join(root, 'models/net.py'), 'utf8')).toContain('    variables = KeyMapper.from_torch(checkpoint["model"])\n');
  }, 120_000);

  it('edits inline with the keys tmux sends: BSpace (DEL) twice in one read, DC (ESC [ 3 ~), Enter under an indented line', async () => {
    const root = await copyFixture();
    const cache = await mkdtemp(join(tmpdir(), 'switcheroo-cache-'));
    const t = session('inline', `cd '${root}' && env -u VISUAL -u EDITOR XDG_CACHE_HOME='${cache}' NO_COLOR=1 node '${BIN}' .; echo "EXIT=$?"; sleep 600`);
    await t.settled('scanned 3 files');
    await t.press('e', 'Editing models/net.py line 17');
    t.send('BSpace', 'BSpace'); // one send-keys: both arrive in one read
    await t.see(/^ {6}variables = KeyMapper\.from_torch\(checkpoint\["model"\s*$/m);
    t.send('])', 'Home', 'Right', 'Right', 'Right', 'Right');
    for (let i = 0; i < 'variables'.length; i++) t.send('DC');
    t.send('params', 'End');
    await t.see(/^ {6}params = KeyMapper/m);
    t.send('Enter'); // alone, as a person's Enter comes (keys that arrive together are taken as pasted text)
    // the caret (inverse) on the new line, under the first character of the line above
    await t.see(/params = KeyMapper[^\n]*\n(?:\u001b\[[0-9;]*m)* {6}\u001b\[7m/, 30_000, true);
    t.send('params = dict(params)');
    await t.see(/^ {6}params = dict\(params\)/m);
    await t.press('C-s', '✎ 1 edited');
    await t.press('w', 'Summary · 1 change in 1 file will be written');
    expect(await t.press('w', 'EXIT=')).toContain('EXIT=0');
    const net = await readFile(join(root, 'models/net.py'), 'utf8');
    expect(net).toContain('    checkpoint = torch.load(path)\n    params = KeyMapper.from_torch(checkpoint["model"])\n    params = dict(params)\n    optimizer');
    expect(net).not.toContain('\u007f');
  }, 120_000);

  it('issue 13: searches a receiver and accepts the match, filters to pending modules, accepts all shown, writes exactly that', async () => {
    // 24 sites in 11 files; with --include non-module the optimizers, schedulers and scalers are proposed too
    const root = await project(reviewProject(24).files, 'switcheroo-scale-e2e-');
    const options = { ...DEFAULT_SCAN_OPTIONS, include: ['non-module' as const] };
    const { files } = await scanProject(root, options);
    const sites = [...files].sort((x, y) => comparePaths(x.path, y.path)).flatMap((f) => f.sites);
    const optimizer = sites.find((site) => site.receiver === 'optimizer');
    const modules = sites.filter((site) => site.kind === 'module');
    expect(optimizer).toBeDefined();
    expect(sites.filter((site) => site.kind === 'non-module').length).toBeGreaterThan(1);

    const cache = await mkdtemp(join(tmpdir(), 'switcheroo-cache-'));
    const t = session('scale', `cd '${root}' && env -u VISUAL -u EDITOR XDG_CACHE_HOME='${cache}' NO_COLOR=1 node '${BIN}' --include non-module .; echo "EXIT=$?"; sleep 600`);
    await t.settled(`scanned 11 files · 24 sites in 11 files`);
    t.send('/optimizer', 'Enter'); // one send-keys: the keys arrive together, the n in "optimizer" typed, not a skip
    const found = await t.see(/"optimizer": \d+ matches · match 1\//);
    expect(found).toContain(`── ${optimizer!.path}:${optimizer!.line}:${optimizer!.column} · optimizer · non-module · pending`);
    await t.press('y', '✔ 1 accepted');
    t.send('p', 't');
    const filtered = await t.see('filter: pending · kind module');
    expect(filtered).toContain(`${modules.length} of 24 sites shown`);
    expect(filtered).not.toMatch(/pending +non-module/);
    const accepted = await t.press('A', `✔ ${modules.length + 1} accepted`);
    expect(accepted).toContain(`Accepted ${modules.length} changes shown; hidden ones stay as they were.`);
    await t.press('w', /Summary · \d+ changes in \d+ files will be written/);
    expect(await t.press('w', 'EXIT=')).toContain('EXIT=0');

    const decisions = new Map<string, Decision>([optimizer!, ...modules].map((site) => [site.id, { type: 'accepted' }]));
    for (const plan of files) {
      const expected = encode(renderFile(plan, decisions), plan.bom);
      expect((await readFile(plan.absPath)).equals(expected), plan.path).toBe(true);
    }
    const written = (await Promise.all(files.map((f) => readFile(f.absPath, 'utf8')))).join('\n');
    expect(written).toContain('lr_scheduler.load_state_dict('); // a pending non-module: hidden by the filter, left alone
    expect(written).not.toContain('self.unet.load_state_dict(');
  }, 120_000);

  it('issue 13: the selected row, a site or a folded file, stays in view as the terminal is resized', async () => {
    const root = await project(reviewProject(400).files, 'switcheroo-scale-resize-');
    const t = session('resize', `cd '${root}' && NO_COLOR=1 node '${BIN}' .; echo "EXIT=$?"; sleep 600`);
    await t.settled('scanned 160 files · 400 sites in 160 files');
    // the last site: tests/pipelines/... in the list's last file
    let screen = await t.press('G', 'change 400/400');
    const selected = (s: string) => s.split('\n').filter((line) => /^ ?▸/.test(line));
    expect(selected(screen)).toHaveLength(1);
    for (const [columns, rows] of [[70, 16], [50, 14], [160, 50]] as const) {
      tmux('resize-window', '-t', 'resize', '-x', String(columns), '-y', String(rows));
      screen = await t.see(new RegExp(`^change 400/400 · file 160/160 .{0,${columns}}$`, 'm'));
      screen = await t.settled(/▸/);
      expect(selected(screen), `${columns}x${rows}`).toHaveLength(1);
      expect(screen.split('\n').length).toBeLessThanOrEqual(rows + 1);
    }
    // every file folded: the selection is the last file's row, in view at each size too
    await t.press('Z', 'folded (z)');
    for (const [columns, rows] of [[60, 15], [120, 40]] as const) {
      tmux('resize-window', '-t', 'resize', '-x', String(columns), '-y', String(rows));
      screen = await t.settled(/^▸ \S*test_\w+\.py  2 sites/m); // the path cut from the left where it must be
      expect(selected(screen), `${columns}x${rows} folded`).toHaveLength(1);
    }
    t.send('q');
    await t.see('EXIT=0');
  }, 120_000);

  it('opens a project whose names and source hold escape sequences without the terminal obeying them', async () => {
    const root = await project(HOSTILE, 'switcheroo-hostile-');
    // The title tmux gives a pane is the host name until a program sets another (OSC 0 would).
    const t = session('hostile', `cd '${root}' && NO_COLOR=1 node '${BIN}' .; echo "EXIT=$?"; sleep 600`);
    const title = tmux('display', '-p', '-t', 'hostile', '#{pane_title}');
    const first = await t.see('scanned 5 files');
    expect(first).toContain(`5     -     model.load_state_dict(${SHOWN.title})`);
    expect(first).toContain(`${SHOWN.reverse}  1 site`);
    expect(first).toContain(`${SHOWN.rlo}  1 site`);
    expect(first.split('\n')[0]).toMatch(/^change 1\/6 · file 1\/5 /); // nothing cleared or moved the screen
    // The screen holds exactly the shown text (a raw ESC [7m would have reversed 'X.py' and hidden its escape).
    expect(tmux('capture-pane', '-p', '-e', '-t', 'hostile')).not.toContain(`b\u001b[7mX`);
    t.send('j');
    t.send('j');
    const bidi = await t.see(`── ${SHOWN.rlo}:5:2`);
    expect(bidi).toContain(SHOWN.bidiComment);
    expect(bidi).toContain('⚠ bidirectional control characters at 5:31 (U+202E RLO)');
    t.send('q');
    expect(await t.see('EXIT=0')).toBeTruthy();
    expect(tmux('display', '-p', '-t', 'hostile', '#{pane_title}')).toBe(title);
    expect(title).not.toContain('PWNED');
  }, 120_000);
});
