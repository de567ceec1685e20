import { spawnSync } from 'node:child_process';
import { chmod, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderFile } from '../../src/core/plan.js';
import { DEFAULT_SCAN_OPTIONS, scanProject } from '../../src/core/scan.js';
import { encode } from '../../src/core/text.js';
import type { Decision } from '../../src/core/types.js';
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
const screen = () => tmux('capture-pane', '-p', '-t', 'review');

/** Polls the pane until it shows `text`; no fixed sleeps. */
async function see(text: string): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const current = screen();
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

afterAll(() => {
  if (hasTmux) spawnSync('tmux', ['-L', SOCKET, 'kill-server']);
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
    expect(train).toContain(`    missing, unexpected = ${EDITED}\n`);
    expect(await readFile(join(root, 'models/net.py'), 'utf8')).toContain('    variables = KeyMapper.from_torch(checkpoint["model"])\n');
  }, 120_000);
});
