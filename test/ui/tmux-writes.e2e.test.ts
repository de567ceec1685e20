/**
 * Issue 14 through the built bin's review in tmux: a file deleted before writing (1), writing only on
 * a deliberate key and menus acting on what they highlight, keys sent together in one `send-keys`
 * (4), keys during the scan (5), and Ctrl-C right after writing starts (6).
 */
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, hasTmux, killTmux, session } from './tmux.js';

afterAll(killTmux);

const SOURCE = 'import torch\n\n\ndef load(model, sd):\n    model.load_state_dict(sd)\n';
const BROKEN_EDITOR = `#!/bin/sh\nprintf '%s\\n' 'variables = (' > "$1"\n`;

/** A project of `count` files with one site each (and `filler` helper functions before it), and the shell line that reviews it. */
async function project(count: number, options: { filler?: number; editor?: string } = {}) {
  const root = await mkdtemp(join(tmpdir(), 'switcheroo-tmux-writes-'));
  const filler = Array.from({ length: options.filler ?? 0 }, (_, i) => `def helper_${i}(x):\n    return x * ${i}\n\n\n`).join('');
  const names = Array.from({ length: count }, (_, i) => (count <= 26 ? `${String.fromCharCode(97 + i)}.py` : `m${String(i).padStart(4, '0')}.py`));
  await Promise.all(names.map((name) => writeFile(join(root, name), SOURCE.replace('\n\n\ndef load', `\n\n\n${filler}def load`))));
  const cache = await mkdtemp(join(tmpdir(), 'switcheroo-cache-'));
  let editor = '';
  if (options.editor) {
    editor = join(cache, 'editor.sh');
    await writeFile(editor, options.editor);
    await chmod(editor, 0o755);
  }
  const env = `env -u VISUAL ${editor ? `EDITOR='${editor}'` : '-u EDITOR'} XDG_CACHE_HOME='${cache}' NO_COLOR=1`;
  const command = `cd '${root}' && ${env} node '${BIN}' .; echo "EXIT=$?"; sleep 600`;
  const original = await Promise.all(names.map((n) => readFile(join(root, n), 'utf8')));
  /** The files whose bytes are no longer the original ones. */
  const changed = async () => {
    const now = await Promise.all(names.map((n) => readFile(join(root, n), 'utf8').catch(() => null)));
    return names.filter((_, i) => now[i] !== original[i]);
  };
  return { root, names, command, changed };
}

let sessions = 0;
const open = (command: string, rows = 40) => session(`w${++sessions}`, command, 120, rows);

describe.skipIf(!hasTmux)(`issue 14 in tmux${hasTmux ? '' : ' (skipped: tmux is not installed; CI installs it)'}`, () => {
  it('1: a file deleted after A is reported as deleted; the other files are written', async () => {
    const p = await project(3);
    const t = open(p.command);
    await t.settled('change 1/3 · file 1/3');
    await t.press('A', 'Summary · 3 changes in 3 files will be written.');
    await rm(join(p.root, 'b.py'));
    await t.press('w', 'Press w or Enter to write 3 files');
    const done = await t.press('w', 'EXIT=');
    expect(done).toMatch(/✔ written\s+a\.py\n/);
    expect(done).toMatch(/✘ refused\s+b\.py: the file was deleted since the scan\n/);
    expect(done).toMatch(/✔ written\s+c\.py\n/);
    expect(done).toContain('2 written · 1 refused · 0 errors');
    expect(done).toContain('EXIT=1');
    expect(await p.changed()).toEqual(['a.py', 'b.py', 'c.py']); // b.py: gone, not recreated
    await expect(readFile(join(p.root, 'b.py'))).rejects.toThrow(/ENOENT/);
  }, 90_000);

  it('4: Enter held down decides every change but never writes', async () => {
    const p = await project(2);
    const t = open(p.command);
    await t.settled('change 1/2 · file 1/2');
    // A key held down repeats about every 30 ms: one send-keys each, paced so that each is its own read.
    for (let i = 0; i < 20; i++) {
      t.send('Enter');
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
    const screen = await t.settled('Every change is decided: w opens the summary.');
    expect(screen).toContain('✔ 2 accepted');
    expect(screen).not.toContain('EXIT=');
    expect(await p.changed()).toEqual([]);
    t.send('Enter', 'Enter', 'Enter', 'Enter'); // and the same keys arriving in one read
    await t.settled('Every change is decided: w opens the summary.');
    expect(await p.changed()).toEqual([]);
  }, 90_000);

  it('4: y y w typed together on two sites: the w meant "summary" does not write', async () => {
    const p = await project(2);
    const t = open(p.command);
    await t.settled('change 1/2 · file 1/2');
    t.send('y', 'y', 'w');
    const screen = await t.settled('Press w or Enter to write 2 files');
    expect(screen).toMatch(/❯ Write 2 files/);
    expect(screen).not.toContain('EXIT=');
    expect(await p.changed()).toEqual([]);
    t.send('q', 'y'); // quit, and confirm
    expect(await t.see('EXIT=')).toContain('Quit: nothing written.');
    expect(await p.changed()).toEqual([]);
  }, 90_000);

  it('4: the summary, a digit and the quit menu act on what they highlight when Down and Enter come together', async () => {
    const p = await project(3);
    const t = open(p.command);
    await t.settled('change 1/3 · file 1/3');
    await t.press('y', 'change 2/3 · file 2/3');
    await t.press('w', '❯ Write 1 file');
    t.send('Down', 'Enter');
    await t.settled('change 2/3 · file 2/3'); // "Back to the review", not the Write highlighted before the Down
    expect(await p.changed()).toEqual([]);

    await t.press('w', '❯ Write 1 file');
    t.send('1', 'j'); // no digit shortcut; j moves the highlight
    const summary = await t.settled('❯ Back to the review');
    expect(summary).not.toContain('EXIT=');
    expect(await p.changed()).toEqual([]);

    await t.press('b', 'change 2/3 · file 2/3');
    t.send('q', 'Down', 'Enter');
    expect(await t.see('EXIT=')).toMatch(/Quit: nothing written\.[\s\S]*EXIT=0/);
    expect(await p.changed()).toEqual([]);
  }, 90_000);

  it('4: after an edit that does not parse, Down and Enter together discard it', async () => {
    const p = await project(1, { editor: BROKEN_EDITOR });
    const t = open(p.command);
    await t.settled('change 1/1 · file 1/1');
    await t.press('e', 'Edit again');
    await t.settled('Discard the edit');
    t.send('Down', 'Enter');
    const screen = await t.settled('Edit discarded.');
    expect(screen).toContain('· 1 pending');
    t.send('q');
    await t.see('EXIT=0');
    expect(await p.changed()).toEqual([]);
  }, 90_000);

  it('5: A while scanning says it took the changes found so far; w opens the summary once the scan is done', async () => {
    const p = await project(1500, { filler: 20 });
    const t = open(p.command);
    await t.see(/scanning · [1-9]\d* files? read /, 60_000);
    t.send('A');
    await t.see(/Accepted \d+ changes? found so far: the scan goes on, and later ones stay pending\./);
    t.send('w');
    await t.see(/The summary opens when the scan is done \(\d+ files read so far\)\./);
    const summary = await t.settled(/Summary · \d+ changes in \d+ files will be written; \d+ pending changes will not\./);
    expect(summary).toContain('❯ Back to the review'); // it opened by itself: not on Write
    expect(summary).toContain('The scan is done: the summary you asked for. w: choose Write');
    t.send('q', 'y');
    await t.see('EXIT=0', 60_000);
    expect(await p.changed()).toEqual([]);
  }, 180_000);

  it('6: Ctrl-C right after w: the last screen says which files were written and which were not', async () => {
    const p = await project(40, { filler: 50 });
    const t = open(p.command, 60);
    await t.settled('change 1/40 · file 1/40');
    await t.press('A', 'Summary · 40 changes in 40 files will be written.');
    // git has answered (until it does, w only asks for the write, and Ctrl-C then ends with nothing written)
    await t.see(/^(?![\s\S]*asking git about uncommitted changes)/);
    await t.press('w', 'Press w or Enter to write 40 files');
    t.send('w', 'C-c');
    const done = await t.see('EXIT=');
    expect(done).toContain('EXIT=130');
    const written = [...done.matchAll(/✔ written\s+(\S+)\n/g)].map((m) => m[1]);
    const notWritten = [...done.matchAll(/– not written\s+(\S+): the run was interrupted before this file\n/g)].map((m) => m[1]);
    expect(written).toEqual(await p.changed());
    expect([...written, ...notWritten].sort()).toEqual(p.names);
    const headline = written.length === 0 ? 'Interrupted before writing: no file written, 40 not written.' : `Interrupted: ${written.length} of 40 files written, ${notWritten.length} not written.`;
    expect(done).toContain(headline);
    expect(done).not.toContain('Interrupted after writing');
  }, 90_000);
});
