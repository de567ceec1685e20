import { spawnSync } from 'node:child_process';
import { chmod, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderFile } from '../../src/core/plan.js';
import { DEFAULT_SCAN_OPTIONS, scanProject } from '../../src/core/scan.js';
import { encode } from '../../src/core/text.js';
import type { Decision } from '../../src/core/types.js';
import { HOSTILE, SHOWN } from '../helpers/hostile.js';
import { cleanup, project } from '../helpers/project.js';
import { copyFixture } from './harness.js';

const BIN = join(import.meta.dirname, '..', '..', 'dist', 'bin.cjs'); // the installed bin, as a person runs it
const SOCKET = `switcheroo-e2e-${process.pid}`;
const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const EDITED = 'KeyMapper.from_torch(dict(state))';

function tmux(...args: string[]): string {
  const run = spawnSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`tmux ${args[0]} failed: ${run.stderr}`);
  return run.stdout;
}
const screen = (session = 'review') => tmux('capture-pane', '-p', '-t', session);

/** Polls the pane until it shows `text`; no fixed sleeps. */
async function see(text: string, session = 'review'): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const current = screen(session);
    if (current.includes(text)) return current;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${JSON.stringify(text)}; screen:\n${current}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits for `text`, then until two captures 100 ms apart agree (Ink may still be drawing the frame). */
async function settled(text: string): Promise<string> {
  let last = await see(text);
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const current = screen();
    if (current === last) return current;
    last = current;
  }
}

async function press(key: string, then: string): Promise<string> {
  tmux('send-keys', '-t', 'review', key);
  return see(then);
}

afterAll(async () => {
  if (hasTmux) spawnSync('tmux', ['-L', SOCKET, 'kill-server']);
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

    const command = `cd '${root}' && env -u VISUAL EDITOR='${editor}' NO_COLOR=1 node '${BIN}' .; echo "EXIT=$?"; sleep 600`;
    tmux('new-session', '-d', '-s', 'review', '-x', '120', '-y', '40', command);
    const first = await settled('change 2/7 · file 1/3');
    await expect(first).toMatchFileSnapshot('../../snapshots/ui/tmux-review.txt');
    await press('y', 'train.py:9:5 · model · module · pending');
    await press('n', 'train.py:10:27 · model · module · pending');
    await press('e', 'Summary · 2 changes in 2 files will be written.');
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
    expect(train).toContain(`    missing, unexpected = ${EDITED}\n`);
    expect(await readFile(join(root, 'models/net.py'), 'utf8')).toContain('    variables = KeyMapper.from_torch(checkpoint["model"])\n');
  }, 120_000);

  it('opens a project whose names and source hold escape sequences without the terminal obeying them', async () => {
    const root = await project(HOSTILE, 'switcheroo-hostile-');
    // The title tmux gives a pane is the host name until a program sets another (OSC 0 would).
    tmux('new-session', '-d', '-s', 'hostile', '-x', '120', '-y', '40', `cd '${root}' && NO_COLOR=1 node '${BIN}' .; echo "EXIT=$?"; sleep 600`);
    const title = tmux('display', '-p', '-t', 'hostile', '#{pane_title}');
    const first = await see('scanned 5 files', 'hostile');
    expect(first).toContain(`5     -     model.load_state_dict(${SHOWN.title})`);
    expect(first).toContain(`${SHOWN.reverse}  1 site`);
    expect(first).toContain(`${SHOWN.rlo}  1 site`);
    expect(first.split('\n')[0]).toMatch(/^change 1\/6 · file 1\/5 /); // nothing cleared or moved the screen
    // The screen holds exactly the shown text (a raw ESC [7m would have reversed 'X.py' and hidden its escape).
    expect(tmux('capture-pane', '-p', '-e', '-t', 'hostile')).not.toContain(`b\u001b[7mX`);
    tmux('send-keys', '-t', 'hostile', 'j');
    tmux('send-keys', '-t', 'hostile', 'j');
    const bidi = await see(`── ${SHOWN.rlo}:5:2`, 'hostile');
    expect(bidi).toContain(SHOWN.bidiComment);
    expect(bidi).toContain('⚠ bidirectional control characters at 5:31 (U+202E RLO)');
    tmux('send-keys', '-t', 'hostile', 'q');
    expect(await see('EXIT=0', 'hostile')).toBeTruthy();
    expect(tmux('display', '-p', '-t', 'hostile', '#{pane_title}')).toBe(title);
    expect(title).not.toContain('PWNED');
  }, 120_000);
});
