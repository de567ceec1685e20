/** Issue 5's undo: the journal saves originals before writing; undo restores only what the run wrote. */
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyPlans } from '../../src/core/apply.js';
import { startJournal } from '../../src/core/journal.js';
import { listRuns, undoNextRun } from '../../src/core/undo.js';
import { acceptProposed } from '../../src/core/plan.js';
import { DEFAULT_SCAN_OPTIONS, scanProject } from '../../src/core/scan.js';

const SOURCE = 'import torch\n\n\ndef load(model, sd):\n    model.load_state_dict(sd)\n';

function project(names: string[]): { root: string; env: NodeJS.ProcessEnv } {
  const root = mkdtempSync(join(tmpdir(), 'switcheroo-undo-'));
  for (const name of names) writeFileSync(join(root, name), SOURCE.replace('sd)', `sd_${name.replace('.py', '')})`));
  return { root, env: { XDG_CACHE_HOME: mkdtempSync(join(tmpdir(), 'switcheroo-cache-')) } };
}

async function migrate(root: string, env: NodeJS.ProcessEnv) {
  const scan = await scanProject(root, { ...DEFAULT_SCAN_OPTIONS, mapper: 'reference' });
  return applyPlans(scan.files, acceptProposed(scan.files), { root: scan.root, journalEnv: env });
}

const read = (root: string, name: string) => readFileSync(join(root, name), 'utf8');

describe('undo', () => {
  it('restores every file still as the run wrote it, leaves a file edited since alone, and a second undo does nothing', async () => {
    const { root, env } = project(['a.py', 'b.py', 'c.py']);
    const originals = Object.fromEntries(['a.py', 'b.py', 'c.py'].map((n) => [n, read(root, n)]));
    chmodSync(join(root, 'b.py'), 0o755);
    expect((await migrate(root, env)).map((r) => r.status)).toEqual(['written', 'written', 'written']);
    const edited = `${read(root, 'c.py')}# my own edit after the run\n`;
    writeFileSync(join(root, 'c.py'), edited);

    const undo = await undoNextRun(root, env);
    if (undo.status !== 'undone') throw new Error(`expected a run to undo, got ${undo.status}`);
    expect(undo.results.map((r) => [r.path, r.status])).toEqual([['a.py', 'restored'], ['b.py', 'restored'], ['c.py', 'left-alone']]);
    expect(read(root, 'a.py')).toBe(originals['a.py']);
    expect(read(root, 'b.py')).toBe(originals['b.py']);
    expect(statSync(join(root, 'b.py')).mode & 0o777).toBe(0o755);
    expect(read(root, 'c.py')).toBe(edited);

    const again = await undoNextRun(root, env);
    expect(again).toEqual({ status: 'all-undone', runs: 1 });
    expect(read(root, 'a.py')).toBe(originals['a.py']);
    expect(read(root, 'c.py')).toBe(edited);
  });

  it('a run that crashed before writing is passed over; one that crashed after writing some files undoes those', async () => {
    const { root, env } = project(['a.py', 'b.py']);
    const original = read(root, 'b.py');
    expect((await migrate(root, env)).map((r) => r.status)).toEqual(['written', 'written']);
    const migrated = read(root, 'a.py');
    // A later run journals a.py and is killed before its rename: its journal stays unfinished.
    await startJournal(root, [{ path: join(root, 'a.py'), original: Buffer.from(migrated), bytes: Buffer.from('# never written\n') }], env);
    const runs = await listRuns(root, env);
    expect(runs.map((r) => [r.files, r.finished, r.undoneAt])).toEqual([[['a.py'], false, null], [['a.py', 'b.py'], true, null]]);

    const undo = await undoNextRun(root, env);
    if (undo.status !== 'undone') throw new Error(`expected a run to undo, got ${undo.status}`);
    expect(undo.results.map((r) => [r.path, r.status])).toEqual([['a.py', 'restored'], ['b.py', 'restored']]);
    expect([read(root, 'a.py'), read(root, 'b.py')]).toEqual([SOURCE.replace('sd)', 'sd_a)'), original]);
    expect(await undoNextRun(root, env)).toEqual({ status: 'all-undone', runs: 2 });
  });

  it('says there is nothing to undo for a root that never ran', async () => {
    const { root, env } = project(['a.py']);
    expect(await undoNextRun(root, env)).toEqual({ status: 'no-runs' });
  });

  it('writes nothing when the journal cannot be saved', async () => {
    const { root } = project(['a.py']);
    const blocked = join(mkdtempSync(join(tmpdir(), 'switcheroo-cache-')), 'file');
    writeFileSync(blocked, 'not a directory');
    const results = await migrate(root, { XDG_CACHE_HOME: blocked });
    expect(results).toHaveLength(1);
    expect(results[0]?.status).toBe('error');
    expect(results[0]?.reason).toMatch(/^could not save the undo journal/);
    expect(read(root, 'a.py')).toBe(SOURCE.replace('sd)', 'sd_a)'));
  });
});

describe('--undo through the built bin', () => {
  it('puts back the bytes --yes replaced, then says there is nothing left to undo', async () => {
    const { execa } = await import('execa');
    const cli = join(import.meta.dirname, '..', '..', 'dist', 'cli.js');
    const { root, env } = project(['a.py', 'b.py']);
    const before = [read(root, 'a.py'), read(root, 'b.py')];
    const run = (args: string[]) => execa('node', [cli, ...args], { reject: false, env });
    expect((await run(['--yes', root])).exitCode).toBe(0);
    expect(read(root, 'a.py')).not.toBe(before[0]);
    const undo = await run(['--undo', root]);
    expect(undo.exitCode).toBe(0);
    expect(undo.stdout.split('\n')).toEqual(['restored  a.py', 'restored  b.py', expect.stringMatching(/: 2 restored · 0 left as they are · no run left to undo$/)]);
    expect([read(root, 'a.py'), read(root, 'b.py')]).toEqual(before);
    const again = await run(['--undo', root]);
    expect([again.exitCode, again.stdout]).toEqual([0, expect.stringMatching(/^nothing to undo: the run recorded for .* is undone$/)]);
    expect((await run(['--undo', join(root, 'missing')])).exitCode).toBe(2);
  }, 60_000);
});
