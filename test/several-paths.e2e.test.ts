/**
 * Several paths on one command line (pre-commit passes the staged files), and --root: only the
 * named files are planned, paths are relative to the repository's root, and every other file of the
 * project still counts as evidence, so a file is judged as a scan of the whole project judges it.
 */
import { readFile, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { assertBuilt, cleanup, git, project, readTree, runCli, tempDir, writeTree, type Tree } from './helpers/project.js';

vi.setConfig({ testTimeout: 60_000 });
beforeAll(() => assertBuilt());
afterAll(cleanup);

interface Plan {
  root: string;
  files: { path: string; sites: { id: string; kind: string; proposed: boolean; evidence: { rule: string; note: string } }[] }[];
  skipped: { path: string; reason: string }[];
  stats: { filesScanned: number; proposed: number };
}

/** `Net` is an nn.Module only by its definition in a file nobody names: its name says nothing. */
const PROJECT: Tree = {
  'pkg/__init__.py': '',
  'pkg/layers.py': 'import torch.nn as nn\n\n\nclass Blocks(nn.Module):\n    pass\n',
  'scripts/train.py': 'from pkg.layers import Blocks\n\nblocks = Blocks()\nblocks.load_state_dict(sd)\n',
  'scripts/evaluate.py': 'from pkg.layers import Blocks\n\nb = Blocks()\nb.load_state_dict(sd, strict=False)\nthing.load_state_dict(sd)\n',
  'tools/export.py': 'from pkg.layers import Blocks\n\nnet = Blocks()\nnet.load_state_dict(sd)\n',
  'notes.md': '# notes\n',
};

async function repo(files: Tree = PROJECT): Promise<string> {
  const dir = await project(files, 'switcheroo-paths-');
  await git(dir, 'init', '-q');
  await git(dir, 'add', '-A');
  await git(dir, 'commit', '-q', '-m', 'init');
  return dir;
}

async function plan(args: string[], cwd: string): Promise<Plan> {
  const r = await runCli(['--json', ...args], { cwd });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Plan;
}

const sitesOf = (p: Plan) => p.files.flatMap((f) => f.sites.map(({ id, kind, proposed, evidence }) => ({ id, kind, proposed, evidence })));

describe('several paths', () => {
  it('plans only the named files, relative to the repository root, with the evidence a whole-project scan has', async () => {
    const dir = await repo();
    const named = await plan(['scripts/train.py', 'scripts/evaluate.py'], dir);
    expect(named.root).toBe(dir);
    expect(named.files.map((f) => f.path)).toEqual(['scripts/evaluate.py', 'scripts/train.py']);
    expect(named.stats.filesScanned).toBe(2); // the files read for evidence only are not counted
    const whole = await plan(['.'], dir);
    expect(sitesOf(named)).toEqual(sitesOf(whole).filter((s) => s.id.startsWith('scripts/')));
    // the class is an nn.Module by its definition in pkg/layers.py, which nobody named
    expect(sitesOf(named)[0]).toMatchObject({ kind: 'module', proposed: true, evidence: { note: expect.stringContaining('pkg/layers.py') } });
  });

  it('judges a file the same alone (with --root, as the pre-commit hook runs) as with others', async () => {
    const dir = await repo();
    const together = await plan(['scripts/train.py', 'tools/export.py'], dir);
    const alone = await plan(['--root', '.', 'tools/export.py'], dir);
    expect(alone.files.map((f) => f.path)).toEqual(['tools/export.py']);
    expect(sitesOf(alone)).toEqual(sitesOf(together).filter((s) => s.id.startsWith('tools/')));
    // one path without --root keeps its meaning: its folder is the root, nothing else is read
    const single = await plan(['tools/export.py'], dir);
    expect(single.root).toBe(join(dir, 'tools'));
    expect(single.files.map((f) => f.path)).toEqual(['export.py']);
    expect(sitesOf(single)[0]?.evidence.note).not.toContain('layers.py');
  });

  it('takes files and folders from anywhere in the repository, given from a subfolder', async () => {
    const dir = await repo();
    const p = await plan(['train.py', '../tools', '../pkg/layers.py'], join(dir, 'scripts'));
    expect(p.root).toBe(dir);
    expect(p.files.map((f) => f.path)).toEqual(['scripts/train.py', 'tools/export.py']);
    expect(p.stats.filesScanned).toBe(3);
  });

  it('--check: exit 1 naming each proposed site, 0 when the named files propose nothing; a non-Python file is skipped with its reason', async () => {
    const dir = await repo();
    const found = await runCli(['--check', 'scripts/train.py', 'scripts/evaluate.py', 'notes.md'], { cwd: dir });
    expect(found.code).toBe(1);
    expect(found.stdout).toBe(
      'scripts/evaluate.py:4:1: module: b.load_state_dict(sd, strict=False) -> variables = KeyMapper.from_torch(sd)\n' +
        'scripts/train.py:4:1: module: blocks.load_state_dict(sd) -> variables = KeyMapper.from_torch(sd)\n',
    );
    expect(found.stderr).toMatch(/^2 files scanned · 2 with load_state_dict · 3 sites · 2 proposed · 1 skipped · \d+ ms\n$/);
    const json = await plan(['scripts/train.py', 'notes.md'], dir);
    expect(json.skipped).toEqual([{ path: 'notes.md', reason: 'not a Python file' }]);
    const clean = await runCli(['--check', 'pkg/layers.py', 'pkg/__init__.py'], { cwd: dir });
    expect(clean.code).toBe(0);
    expect(clean.stdout).toBe('');
  });

  it('outside git the root is the folder the paths share', async () => {
    const dir = await project({ 'a/one.py': 'model.load_state_dict(sd)\n', 'b/c/two.py': 'model.load_state_dict(sd)\n', 'b/other.py': 'model.load_state_dict(sd)\n' });
    const p = await plan([join(dir, 'a/one.py'), join(dir, 'b/c')], dir);
    expect(p.root).toBe(dir);
    expect(p.files.map((f) => f.path)).toEqual(['a/one.py', 'b/c/two.py']);
  });

  it('--yes writes only the named files, even where another file has a proposed change', async () => {
    const dir = await repo();
    const before = await readTree(dir);
    const r = await runCli(['--yes', 'scripts/train.py', 'tools/export.py'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('written  scripts/train.py\nwritten  tools/export.py\n');
    const after = await readTree(dir);
    expect([...after.keys()].filter((k) => !after.get(k)?.equals(before.get(k) ?? Buffer.alloc(0)))).toEqual(['scripts/train.py', 'tools/export.py']);
    expect(await readFile(join(dir, 'scripts/train.py'), 'utf8')).toContain('variables = KeyMapper.from_torch(sd)');
  });

  it('workers and the main thread give the same plan (the evidence-only files go through the pool too)', async () => {
    const dir = await repo();
    const args = ['--json', 'scripts/train.py', 'scripts/evaluate.py'];
    const pooled = await runCli(args, { cwd: dir, env: { SWITCHEROO_POOL: 'always' } });
    const alone = await runCli(args, { cwd: dir, env: { SWITCHEROO_POOL: 'never' } });
    const withoutMs = (out: string) => ({ ...JSON.parse(out), stats: { ...JSON.parse(out).stats, ms: 0 } });
    expect(withoutMs(pooled.stdout)).toEqual(withoutMs(alone.stdout));
    expect(sitesOf(JSON.parse(pooled.stdout) as Plan)[0]?.evidence.note).toContain('pkg/layers.py');
  });

  it('a named file git ignores is still planned (it was asked for); a symlink out of the root is skipped', async () => {
    const dir = await repo({ ...PROJECT, '.gitignore': 'generated/\n' });
    await writeTree(dir, { 'generated/model.py': 'from pkg.layers import Blocks\nm = Blocks()\nm.load_state_dict(sd)\n' });
    const outside = await tempDir();
    await writeTree(outside, { 'far.py': 'model.load_state_dict(sd)\n' });
    await symlink(join(outside, 'far.py'), join(dir, 'link.py'));
    const p = await plan(['generated/model.py', 'link.py', 'scripts/train.py'], dir);
    expect(p.files.map((f) => f.path)).toEqual(['generated/model.py', 'scripts/train.py']);
    expect(p.skipped).toEqual([{ path: 'link.py', reason: 'symlink to a file outside the root' }]);
  });

  it('usage errors: a missing path, a path outside --root, a --root that is a file', async () => {
    const dir = await repo();
    const missing = await runCli(['--check', 'scripts/train.py', 'gone.py'], { cwd: dir });
    expect(missing).toMatchObject({ code: 2, stdout: '', stderr: 'switcheroo-migrate: gone.py: no such file or directory\n' });
    const outside = await runCli(['--check', '--root', 'scripts', 'tools/export.py'], { cwd: dir });
    expect(outside).toMatchObject({ code: 2, stdout: '', stderr: `switcheroo-migrate: tools/export.py: outside the root ${join(dir, 'scripts')}\n` });
    const fileRoot = await runCli(['--check', '--root', 'notes.md', 'scripts/train.py'], { cwd: dir });
    expect(fileRoot).toMatchObject({ code: 2, stderr: 'switcheroo-migrate: --root notes.md: not a directory\n' });
  });
});
