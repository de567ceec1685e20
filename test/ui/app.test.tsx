import { readFile, realpath, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tryLockRoot } from '../../src/core/lock.js';
import { DEFAULT_SCAN_OPTIONS, scanProject } from '../../src/core/scan.js';
import type { ReviewServices } from '../../src/ui/services.js';
import { reviewKeys } from '../../src/ui/keys.js';
import { copyFixture, KEYS, renderApp } from './harness.js';

let app: ReturnType<typeof renderApp> | null = null;
afterEach(() => app?.unmount());

const start = async (overrides: Partial<ReviewServices> = {}) => {
  const root = await copyFixture();
  app = renderApp(root, overrides);
  await app.see('scanned 3 files');
  return { root, app };
};
const read = (root: string, path: string) => readFile(join(root, path), 'utf8');

describe('scanning', () => {
  it('shows the first site while the scan runs, and q cancels it', async () => {
    const root = await copyFixture();
    const result = await scanProject(root, DEFAULT_SCAN_OPTIONS);
    const scan: ReviewServices['scan'] = async (_root, _options, onEvent, signal) => {
      onEvent({ type: 'progress', filesScanned: 1, candidates: 1, sites: 3 });
      onEvent({ type: 'file', plan: result.files[0]! });
      await new Promise((resolve) => signal.addEventListener('abort', resolve));
      return result;
    };
    app = renderApp(root, { scan });
    const frame = await app.see('scanning · 1 file read · 3 sites · 1 mentioning load_state_dict · q/Esc cancels');
    expect(frame).toContain('change 2/3 · file 1/1');
    await expect(frame).toMatchFileSnapshot('../../snapshots/ui/scanning.txt');
    await app.press('q');
    expect(await app.waitForExit()).toBe(0);
  });

  it('ends at once when there is nothing to review', async () => {
    app = renderApp(join(import.meta.dirname, 'fixtures', 'project', 'utils'), { scan: async (root) => ({ root, files: [], skipped: [], stats: { filesScanned: 4, candidates: 0, sites: 0, proposed: 0, ms: 1 } }) });
    expect(await app.waitForExit()).toBe(0);
    expect(app.frame()).toContain('No load_state_dict calls found in 4 files');
  });
});

describe('review', () => {
  it('shows the first proposed change with its position, diff and footer', async () => {
    const { app } = await start();
    expect(app.frame()).toContain('change 2/7 · file 1/3');
    await expect(app.frame()).toMatchFileSnapshot('../../snapshots/ui/review-first.txt');
  });

  it('accepts, skips and undoes back across files', async () => {
    const { app } = await start();
    await app.press('y');
    await app.see('change 4/7 · file 2/3  ✔ 1 accepted');
    await app.press('n');
    await app.see('change 5/7 · file 2/3');
    await app.press('u');
    await app.see('change 4/7 · file 2/3');
    await app.press('u');
    const frame = await app.see('change 2/7 · file 1/3');
    expect(frame).toContain('✔ 0 accepted');
  });

  it('takes keys that arrive together one by one, and shows warnings under the change', async () => {
    const { app } = await start();
    await app.press('yn');
    await app.see('change 5/7 · file 2/3  ✔ 1 accepted  ✎ 0 edited  ✘ 1 skipped');
    await app.press('k');
    await app.see('⚠ `strict=False` dropped: KeyMapper.from_torch has no strict mode');
  });

  it('moves, changes the context and scrolls a long diff with markers', async () => {
    const { app } = await start();
    await app.press(KEYS.down);
    await app.see('models/net.py:18:5 · optimizer · non-module');
    await app.press('k', '+');
    await app.see('· context 4');
    await app.press(KEYS.pageDown);
    const frame = await app.see('more lines above');
    expect(frame).toContain('more lines below');
  });

  it('shows every key in the help and closes it', async () => {
    const { app } = await start();
    await app.press('?');
    let frame = await app.see('accept everything left');
    await expect(frame).toMatchFileSnapshot('../../snapshots/ui/help.txt');
    // it scrolls: page down to its end, and every key of the key map has been on screen with its label
    const seen = [frame];
    for (let i = 0; i < 10 && /↓ \d+ more/.test(frame); i++) {
      await app.press(KEYS.pageDown);
      seen.push((frame = app.frame()));
    }
    for (const binding of reviewKeys) expect(seen.some((f) => f.includes(`${binding.keys.padEnd(12)}${binding.label}`)), binding.keys).toBe(true);
    await app.press(KEYS.esc);
    await app.see('change 2/7');
  });

  it('says when the terminal is too small', async () => {
    app = renderApp(await copyFixture(), {}, { columns: 30, rows: 10 });
    await app.see('needs at least 40×14');
  });
});

describe('editing', () => {
  it('records an external edit, which survives accepting the rest', async () => {
    const { app } = await start({ openEditor: async (text) => text.replace('variables', 'params') });
    await app.press('e');
    await app.see('✎ 1 edited');
    await app.press('A');
    const frame = await app.see('Summary');
    expect(frame).toContain('models/net.py  1 change (1 edited)');
  });

  it('says where a broken edit fails and offers to edit again', async () => {
    const edits = ['    variables = (', '    weights = KeyMapper.from_torch(checkpoint["model"])'];
    const { app } = await start({ openEditor: async () => edits.shift() ?? '' });
    await app.press('e');
    await expect(await app.see('Edit again')).toMatchFileSnapshot('../../snapshots/ui/edit-failed.txt');
    expect(app.frame()).toMatch(/does not parse: line 1 of the edit/);
    await app.press(KEYS.enter);
    await app.see('✎ 1 edited');
    await app.press('k', 'k');
    await app.see('+     weights = KeyMapper.from_torch(checkpoint["model"])');
  });

  it('edits inline when no editor is set', async () => {
    const { app } = await start();
    await app.press('e');
    await app.see('Ctrl-S: save');
    await app.press('  # checked', KEYS.ctrlS);
    await app.see('✎ 1 edited');
    await app.press('k', 'k');
    await app.see('variables = KeyMapper.from_torch(checkpoint["model"])  # checked');
  });
});

describe('summary and writing', () => {
  it('warns about files git reports modified, then writes exactly what was accepted', async () => {
    const { root, app } = await start({ gitModified: async () => new Set(['models/net.py']) });
    const before = await read(root, 'utils/io.py');
    await app.press('y', 'n', 'w');
    await expect(await app.see('⚠ git reports')).toMatchFileSnapshot('../../snapshots/ui/summary.txt');
    await app.press('b');
    await app.see('change 5/7');
    await app.press('w');
    await app.waitFor((f) => f.includes('⚠ git reports') && !f.includes('asking git'), 'the git report');
    await app.press('w');
    expect(await app.waitForExit()).toBe(0);
    expect(app.frame()).toContain('1 written · 0 refused · 0 errors');
    const net = await read(root, 'models/net.py');
    expect(net).toContain('class KeyMapper');
    expect(net).toContain('    variables = KeyMapper.from_torch(checkpoint["model"])\n');
    expect(await read(root, 'train.py')).toContain('    model.load_state_dict(state, strict=False)\n');
    expect(await read(root, 'utils/io.py')).toBe(before);
  });

  it('refuses a file changed since the scan and exits 1', async () => {
    const { root, app } = await start();
    await app.press('A');
    await app.see('Summary');
    await writeFile(join(root, 'train.py'), '# changed\n');
    await app.press('w'); // the summary opened by itself: w highlights Write, and a second w writes
    await app.see('Press w or Enter to write 2 files');
    await app.press('w');
    expect(await app.waitForExit()).toBe(1);
    expect(app.frame()).toMatch(/refused\s+train\.py: changed on disk since the scan/);
    expect(await read(root, 'train.py')).toBe('# changed\n');
  });

  it('says so and writes nothing while another run holds the project; writes once it has finished', async () => {
    const { root, app } = await start();
    const held = await tryLockRoot(await realpath(root), app.journalEnv);
    if (!('lock' in held)) throw new Error('the test could not take the lock');
    const before = await read(root, 'train.py');
    await app.press('A');
    await app.see('Summary');
    await app.press('w', 'w');
    const frame = await app.see(`Another run (pid ${process.pid}) is writing here: nothing written. w tries again.`);
    expect(frame).toContain('❯ Write 2 files');
    expect(await read(root, 'train.py')).toBe(before);
    await held.lock.release();
    await app.press('w');
    expect(await app.waitForExit()).toBe(0);
    expect(app.frame()).toContain('2 written · 0 refused · 0 errors');
    expect(await read(root, 'train.py')).not.toBe(before);
  });

  it('asks before quitting with decisions, and writes nothing', async () => {
    const { root, app } = await start();
    const before = await read(root, 'models/net.py');
    await app.press('y', 'q');
    await app.see('Quit without writing? Your 1 decision will be lost.');
    await app.press(KEYS.esc);
    await app.see('change 4/7');
    await app.press('q', 'y');
    expect(await app.waitForExit()).toBe(0);
    expect(await read(root, 'models/net.py')).toBe(before);
  });

  it('Ctrl-C stops with 130', async () => {
    const { app } = await start();
    await app.press('y', KEYS.ctrlC);
    expect(await app.waitForExit()).toBe(130);
    expect(app.frame()).toContain('Interrupted: nothing written.');
  });
});
