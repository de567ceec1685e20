/**
 * Issue 14, item 3: a run that writes nothing leaves no journal, and `--undo` steps back through the
 * runs one per call, newest first (`--undo --list` shows them). Through the built bin.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { applyPlans } from '../../src/core/apply.js';
import { acceptProposed } from '../../src/core/plan.js';
import { DEFAULT_SCAN_OPTIONS, scanProject } from '../../src/core/scan.js';

const CLI = join(import.meta.dirname, '..', '..', 'dist', 'cli.js');
const SOURCE = 'import torch\n\n\ndef load(model, sd):\n    model.load_state_dict(sd)\n';

function project(names: string[]) {
  const root = mkdtempSync(join(tmpdir(), 'switcheroo-runs-'));
  for (const name of names) writeFileSync(join(root, name), SOURCE);
  const cache = mkdtempSync(join(tmpdir(), 'switcheroo-runs-cache-'));
  const env = { ...process.env, XDG_CACHE_HOME: cache };
  const run = async (...args: string[]) => {
    const r = await execa('node', [CLI, ...args], { cwd: root, env, reject: false });
    return { code: r.exitCode, out: String(r.stdout).split('\n').filter(Boolean), err: String(r.stderr) };
  };
  const read = (name: string) => readFileSync(join(root, name), 'utf8');
  const dir = join(cache, 'switcheroo-migrate');
  const journals = () => (existsSync(dir) ? readdirSync(dir).filter((n) => n.startsWith('run-')) : []);
  return { root, cache, run, read, journals };
}

describe('a run that writes nothing', () => {
  it('leaves no journal, so --undo still undoes the last run that wrote (--yes tabs.py, --yes readonly.py, --undo .)', async () => {
    const { root, run, read, journals } = project(['tabs.py', 'readonly.py']);
    chmodSync(join(root, 'readonly.py'), 0o444);
    expect((await run('--yes', 'tabs.py')).code).toBe(0);
    expect(read('tabs.py')).not.toBe(SOURCE);
    expect(journals()).toHaveLength(1);
    const readonly = await run('--yes', 'readonly.py');
    expect(readonly.code).toBe(1);
    expect(readonly.out).toEqual(['error  readonly.py: the file is read-only']);
    expect(readonly.err).toMatch(/ · 1 proposed · 0 written · 0 refused · 1 error · \d+ ms$/); // counted as what it is
    expect(journals()).toHaveLength(1);

    const undo = await run('--undo', '.');
    expect(undo.code).toBe(0);
    expect(undo.out[0]).toBe('restored  tabs.py');
    expect(read('tabs.py')).toBe(SOURCE);
  }, 60_000);

  it('interrupted before its first file (Ctrl-C right after w) leaves no journal', async () => {
    const { root, cache, journals } = project(['a.py', 'b.py']);
    const scan = await scanProject(root, DEFAULT_SCAN_OPTIONS);
    const results = await applyPlans(scan.files, acceptProposed(scan.files), { root: scan.root, stopped: () => true, journalEnv: { XDG_CACHE_HOME: cache } });
    expect(results.filter((r) => r.status === 'written')).toEqual([]);
    expect(journals()).toEqual([]);
  });
});

describe('--undo steps back one run per call', () => {
  it('newest first, then the run before it, then says every run is undone; --undo --list shows them', async () => {
    const { run, read } = project(['a.py', 'b.py', 'c.py']);
    expect((await run('--yes', 'a.py')).code).toBe(0);
    expect((await run('--yes', 'b.py')).code).toBe(0);
    const [a, b] = [read('a.py'), read('b.py')];
    expect(a).not.toBe(SOURCE);

    const list = await run('--undo', '--list', '.');
    expect(list.code).toBe(0);
    expect(list.out).toEqual([
      expect.stringMatching(/^runs recorded for .*, newest first:$/),
      expect.stringMatching(/^ {2}\d{4}-\d\d-\d\dT[\d:.]+Z {2}1 file: b\.py {2}next to undo$/),
      expect.stringMatching(/^ {2}\d{4}-\d\d-\d\dT[\d:.]+Z {2}1 file: a\.py$/),
    ]);

    const first = await run('--undo', '.');
    expect(first.out[0]).toBe('restored  b.py');
    expect([read('a.py'), read('b.py')]).toEqual([a, SOURCE]);
    const second = await run('--undo', '.');
    expect(second.out[0]).toBe('restored  a.py');
    expect([read('a.py'), read('b.py'), read('c.py')]).toEqual([SOURCE, SOURCE, SOURCE]);
    const third = await run('--undo', '.');
    expect([third.code, third.out]).toEqual([0, [expect.stringMatching(/^nothing to undo: the 2 runs recorded for .* are all undone$/)]]);

    const after = await run('--undo', '--list', '.');
    expect(after.out.slice(1)).toEqual([
      expect.stringMatching(/^ {2}\S+ {2}1 file: b\.py {2}undone \S+$/),
      expect.stringMatching(/^ {2}\S+ {2}1 file: a\.py {2}undone \S+$/),
    ]);
    expect(b).not.toBe(SOURCE);
  }, 60_000);

  it('a cache dir that cannot hold the lock or the journal: one clear line, nothing written, exit 1', async () => {
    const { root, cache, read } = project(['a.py']);
    const blocked = join(cache, 'file');
    writeFileSync(blocked, 'not a directory');
    const env = { ...process.env, XDG_CACHE_HOME: blocked };
    for (const args of [['--yes', root], ['--undo', root]]) {
      const r = await execa('node', [CLI, ...args], { env, reject: false });
      expect([r.exitCode, String(r.stderr)], args[0]).toEqual([1, expect.stringMatching(/^switcheroo-migrate: could not make the lock for .* \(ENOTDIR: .*\); nothing written$/)]);
    }
    expect(read('a.py')).toBe(SOURCE);
  });

  it('--list goes with --undo only', async () => {
    const { run } = project(['a.py']);
    const r = await run('--list', '.');
    expect([r.code, r.err]).toEqual([2, 'switcheroo-migrate: --list goes with --undo (see --help)']);
  });
});
