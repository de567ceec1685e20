/**
 * The read-ahead worker (src/core/read-ahead.ts): a thread that reads the files and hands them to
 * the scanner's thread, which plans them. Plans must not depend on who read the files, a failed
 * worker must leave its batches to the scanner, and the worker must not read further ahead than
 * its limit.
 */
import { readFileSync } from 'node:fs';
import { symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO, assertBuilt, cleanup, project, readTree, runCli } from './helpers/project.js';

afterAll(cleanup);

const notebook = (source: string) =>
  JSON.stringify({ cells: [{ cell_type: 'code', metadata: {}, execution_count: null, outputs: [], source: [source] }], metadata: { kernelspec: { name: 'python3', language: 'python', display_name: 'Python 3' } }, nbformat: 4, nbformat_minor: 5 });

/** A project whose files take every way through the reader: planned, ignored, skipped, linked, a notebook, an nnx import late in path order (with `nnx`). */
async function mixedProject(nnx = true): Promise<string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < 70; i++) {
    files[`pkg/m${String(i).padStart(2, '0')}.py`] =
      i % 5 === 0
        ? `import torch\nfrom pkg.nets import Net\n\n\ndef load_${i}(path):\n    model = Net()\n    opt = torch.optim.AdamW(model.parameters())\n    ckpt = torch.load(path)\n    model.load_state_dict(ckpt["model"])\n    opt.load_state_dict(ckpt["opt"])\n    return model\n`
        : `class Helper${i}:\n    pass\n`;
  }
  files['pkg/nets.py'] = 'import torch.nn as nn\n\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(2, 2)\n';
  if (nnx) files['pkg/zz_nnx.py'] = 'from flax import nnx\n';
  files['big.py'] = `model.load_state_dict(sd)\n${'#'.repeat(3000)}\n`;
  files['notes.ipynb'] = notebook('model.load_state_dict(torch.load("w.pt"))\n');
  const dir = await project(files);
  await writeFile(join(dir, 'binary.py'), Buffer.from('model.load_state_dict(sd)\n\0\n'));
  await writeFile(join(dir, 'latin1.py'), Buffer.from('# caf\xe9\nmodel.load_state_dict(sd)\n', 'latin1'));
  await symlink(join(dir, 'pkg', 'm00.py'), join(dir, 'link_to_m00.py'));
  const outside = await project({ 'far.py': 'model.load_state_dict(sd)\n' });
  await symlink(join(outside, 'far.py'), join(dir, 'far_link.py'));
  return dir;
}

const withoutMs = (out: string) => {
  const parsed = JSON.parse(out) as { stats: Record<string, unknown> };
  return { ...parsed, stats: { ...parsed.stats, ms: 0 } };
};

describe('the read-ahead worker', () => {
  it('gives the same --json and --dry-run as this thread alone and as the worker pool (SWITCHEROO_POOL=ahead: the worker reads every file)', async () => {
    assertBuilt();
    const dir = await mixedProject();
    const runs = async (args: string[]) =>
      Promise.all(['never', 'ahead', 'always'].map((policy) => runCli(args, { env: { SWITCHEROO_POOL: policy } })));
    const json = await runs(['--json', '--max-file-size', '2k', dir]);
    for (const r of json) expect(r.code, r.stderr).toBe(0);
    const [alone, ahead, pooled] = json.map((r) => withoutMs(r.stdout)) as [ReturnType<typeof withoutMs>, ...ReturnType<typeof withoutMs>[]];
    expect(ahead).toEqual(alone);
    expect(pooled).toEqual(alone);
    // every way through the reader was taken
    const plan = alone as unknown as { mapper: { name: string }; files: { path: string }[]; skipped: { path: string; reason: string }[]; stats: { candidates: number } };
    expect(plan.mapper.name).toBe('nnx');
    expect(plan.files.map((f) => f.path)).toEqual(['notes.ipynb', ...Array.from({ length: 14 }, (_, k) => `pkg/m${String(k * 5).padStart(2, '0')}.py`)]);
    expect(plan.skipped.map((s) => s.path).sort()).toEqual(['big.py', 'binary.py', 'far_link.py', 'latin1.py']);
    const dry = await runs(['--dry-run', '--max-file-size', '2k', dir]);
    const strip = (out: string) => out.replace(/ · \d+ ms/, '');
    expect(strip(dry[1]?.stdout ?? '')).toBe(strip(dry[0]?.stdout ?? ''));
    expect(dry[0]?.stdout).toContain('KeyMapper.load_into(');
  });

  it('writes with --yes what this thread alone writes (the worker hashes what it read: a wrong hash would refuse every write as changed since the scan)', async () => {
    assertBuilt();
    // (no nnx import: it would have the scanner read the files planned before it again, and hash them itself)
    const [alone, ahead] = await Promise.all([mixedProject(false), mixedProject(false)]);
    const [a, b] = await Promise.all([
      runCli(['--yes', '--max-file-size', '2k', alone], { env: { SWITCHEROO_POOL: 'never' } }),
      runCli(['--yes', '--max-file-size', '2k', ahead], { env: { SWITCHEROO_POOL: 'ahead' } }),
    ]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect(b.stdout).not.toMatch(/changed on disk/);
    const [before, written, writtenAhead] = await Promise.all([readTree(await mixedProject(false)), readTree(alone), readTree(ahead)]);
    const changed = [...written].filter(([path, bytes]) => !before.get(path)?.equals(bytes)).map(([path]) => path);
    expect(changed).toContain('pkg/m05.py');
    expect(changed).toContain('notes.ipynb');
    expect(String(written.get('pkg/m05.py'))).toContain('KeyMapper.from_torch(');
    for (const path of changed) expect(String(writtenAhead.get(path)), path).toBe(String(written.get(path)));
  });

  it('takes the worker started ahead of time (warm-worker.ts), which waits for its work; a scan with no use for it stops it', async () => {
    assertBuilt();
    const warm = (await import(join(REPO, 'dist', 'core', 'warm-worker.js'))) as typeof import('../src/core/warm-worker.js');
    const { startReadAhead } = (await import(join(REPO, 'dist', 'core', 'read-ahead.js'))) as typeof import('../src/core/read-ahead.js');
    const { scanProject, DEFAULT_SCAN_OPTIONS } = (await import(join(REPO, 'dist', 'core', 'scan.js'))) as typeof import('../src/core/scan.js');
    const dir = await project({ 'a.py': 'model.load_state_dict(sd)\n', 'b.py': 'x = 1\n' });
    const options = { include: [], targetName: 'variables', mapper: 'flax' as const, maxFileSize: 1 << 20, preamble: 'inline' as const, helperPath: null };

    // started once however often asked; taken, it is the caller's, and none is left
    warm.warmReadWorker();
    warm.warmReadWorker();
    const started = warm.takeReadWorker();
    expect(started).not.toBeNull();
    expect(warm.takeReadWorker()).toBeNull();
    // it waits for its work: still there a while after it came online, until stopped
    let exitedBy: number | null = null;
    started?.once('exit', (code) => (exitedBy = code));
    await new Promise((resolve) => started?.once('online', resolve));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(exitedBy).toBeNull();
    expect(await started?.terminate()).toBe(1);

    warm.warmReadWorker();
    const ahead = startReadAhead(dir, options, [], [{ id: 0, rels: ['a.py', 'b.py'] }], undefined, false);
    expect(ahead).not.toBeNull();
    expect(warm.takeReadWorker()).toBeNull(); // taken by the read-ahead
    const read = await ahead?.get({ id: 0, rels: ['a.py', 'b.py'] });
    expect(read?.map((o) => [o.rel, o.type])).toEqual([['a.py', 'candidate'], ['b.py', 'ignored']]);
    await ahead?.close();

    // asked to list the files of the paths named, it does so while it waits: the scan takes them for
    // the same target (listed as discovery lists them), and for another lists them itself
    const { resolveTarget, discoverTarget } = (await import(join(REPO, 'dist', 'core', 'target.js'))) as typeof import('../src/core/target.js');
    const target = await resolveTarget({ paths: [dir], root: null });
    const listed = await discoverTarget(target);
    expect(listed.files).toEqual(['a.py', 'b.py']);
    warm.warmReadWorker({ paths: [dir], root: null });
    expect(await warm.earlyDiscovery(target)).toEqual(listed);
    expect(await warm.earlyDiscovery(target)).toBeNull(); // once
    // (each time a worker of its own: one that was not taken is not started again)
    const oneFile = await resolveTarget({ paths: [join(dir, 'a.py')], root: null });
    warm.dropReadWorker();
    warm.warmReadWorker({ paths: [join(dir, 'a.py')], root: null });
    expect(await warm.earlyDiscovery(target)).toBeNull(); // another target
    warm.dropReadWorker();
    warm.warmReadWorker({ paths: [join(dir, 'a.py')], root: null });
    expect(await warm.earlyDiscovery(oneFile)).toEqual(await discoverTarget(oneFile)); // that one's own
    warm.dropReadWorker();
    warm.warmReadWorker({ paths: [join(dir, 'nowhere')], root: null });
    expect(await warm.earlyDiscovery(target)).toBeNull(); // it failed: the scan says why
    warm.dropReadWorker();

    // a project too small for the read-ahead: the scan stops the worker started for it
    warm.warmReadWorker();
    const result = await scanProject(dir, DEFAULT_SCAN_OPTIONS);
    expect(result.files.map((f) => f.path)).toEqual(['a.py']);
    expect(warm.takeReadWorker()).toBeNull();
  });

  it('reads no further ahead than its limit, leaves the batches no one claimed to the scanner, and what it claimed when it fails', async () => {
    assertBuilt();
    const { startReadAhead } = (await import(join(REPO, 'dist', 'core', 'read-ahead.js'))) as typeof import('../src/core/read-ahead.js');
    const dir = await project({ 'a.py': 'model.load_state_dict(sd)\n', 'b.py': 'model.load_state_dict(sd)\n', 'c.py': 'x = 1\n', 'd.py': 'model.load_state_dict(sd)\n' });
    const options = { include: [], targetName: 'variables', mapper: 'flax' as const, maxFileSize: 1 << 20, preamble: 'inline' as const, helperPath: null };
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    type Ahead = NonNullable<ReturnType<typeof startReadAhead>>;
    /** Waits (up to 20 s) until the worker has claimed `n` batches, then lets it run on a little. */
    const claimedBy = async (ahead: Ahead, n: number) => {
      for (let waited = 0; ahead.claimed() < n && waited < 20_000; waited += 20) await pause(20);
      await pause(300);
    };
    type B = { id: number; rels: string[] };
    const rels = (outcomes: Awaited<ReturnType<Ahead['get']>>) => outcomes?.map((o) => [o.rel, o.type]) ?? null;

    // a limit of one byte: after a batch holding a candidate the worker waits for its release, so
    // the next batch is left to the scanner; released, it claims the one after
    const batches: B[] = [{ id: 5, rels: ['a.py'] }, { id: 6, rels: ['b.py', 'c.py'] }, { id: 7, rels: ['d.py'] }];
    const limited = startReadAhead(dir, options, [], batches, 1) as Ahead;
    expect(limited).not.toBeNull();
    // the build's one-file copy of the worker (src/build/bundle-core.mjs): nothing of dist/ imported at run time
    expect(limited.script).toBe(join(REPO, 'dist', 'core', 'read-worker-bundle.js'));
    expect(readFileSync(limited.script, 'utf8')).not.toMatch(/\bfrom\s*["']\.{1,2}\/|\bimport\s*\(\s*["']\.{1,2}\//);
    await claimedBy(limited, 1);
    expect(limited.claimed()).toBe(1);
    expect(rels(await limited.get(batches[0] as B))).toEqual([['a.py', 'candidate']]);
    expect(await limited.get(batches[1] as B)).toBeNull(); // claimed here
    limited.release(batches[0] as B);
    await claimedBy(limited, 3);
    const last = await limited.get(batches[2] as B);
    expect(rels(last)).toEqual([['d.py', 'candidate']]);
    expect(last?.[0]?.type === 'candidate' ? Buffer.from(last[0].bytes).toString() : null).toBe('model.load_state_dict(sd)\n');
    await limited.close();

    // a path the reader cannot take (a file used as a directory: ENOTDIR) fails the worker there:
    // the batch it claimed is the scanner's to read, and so is the next, which no one had claimed
    const failing: B[] = [{ id: 0, rels: ['b.py', 'c.py'] }, { id: 1, rels: ['a.py/x.py'] }, { id: 2, rels: ['b.py'] }];
    const ahead = startReadAhead(dir, options, [], failing) as Ahead;
    await claimedBy(ahead, 2);
    expect(rels(await ahead.get(failing[0] as B))).toEqual([['b.py', 'candidate'], ['c.py', 'ignored']]);
    expect(await ahead.get(failing[1] as B)).toBeNull();
    expect(await ahead.get(failing[2] as B)).toBeNull();
    await ahead.close();

    // asked before the worker has read it (it claims every batch here): the failure answers the wait
    const waited = startReadAhead(dir, options, [], [{ id: 0, rels: ['a.py/x.py'] }, { id: 1, rels: ['b.py'] }], undefined, false) as Ahead;
    expect(await waited.get({ id: 0, rels: ['a.py/x.py'] })).toBeNull();
    expect(await waited.get({ id: 1, rels: ['b.py'] })).toBeNull();
    await waited.close();
  });
});
