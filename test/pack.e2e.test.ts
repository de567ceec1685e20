/** `npm pack`, install the tarball into an empty folder, and run the installed bin: what ships is enough. */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { assertPlan } from './helpers/plan-schema.js';
import { REPO, assertBuilt, cleanup, project, readTree, tempDir } from './helpers/project.js';

beforeAll(() => assertBuilt());
afterAll(cleanup);

it('the packed tarball, its dependencies inside, installs offline into an empty folder and its bin runs --help and --dry-run', async () => {
  const pkg = JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')) as { name: string; version: string; dependencies: Record<string, string> };
  const packDir = await tempDir('switcheroo-pack-');
  const packed = await execa('npm', ['pack', '--json', '--pack-destination', packDir], { cwd: REPO, reject: false });
  expect(packed.exitCode, String(packed.stderr)).toBe(0);
  const [info] = JSON.parse(String(packed.stdout)) as { filename: string; files: { path: string }[]; bundled: string[] }[];
  const files = (info?.files ?? []).map((f) => f.path);
  for (const needed of ['package.json', 'dist/bin.cjs', 'dist/cli.js', 'dist/tree-sitter-python.wasm', 'dist/python/keymapper_flax.py', 'dist/python/keymapper_reference.py', 'dist/core/scan-worker.js']) {
    expect(files, needed).toContain(needed);
  }
  // The dependencies travel inside the tarball (bundleDependencies): installed from git, by
  // pre-commit or `npm install -g git+...`, npm 11 cannot install them beside it (README,
  // "Use in CI and pre-commit"). The tools that build and test it never do.
  expect(info?.bundled).toEqual(expect.arrayContaining(Object.keys(pkg.dependencies)));
  for (const tool of ['typescript', 'vitest', 'tree-sitter-python', 'ajv', 'ink-testing-library']) expect(info?.bundled, tool).not.toContain(tool);
  expect(files.filter((f) => !f.startsWith('dist/') && !f.startsWith('node_modules/') && f !== 'package.json' && !/^(README|LICENSE)/i.test(f))).toEqual([]);
  const tarball = join(packDir, info?.filename ?? `${pkg.name}-${pkg.version}.tgz`);
  expect(existsSync(tarball)).toBe(true);

  const app = await tempDir('switcheroo-install-');
  const installed = await execa('npm', ['install', '--offline', '--no-audit', '--no-fund', tarball], { cwd: app, reject: false });
  expect(installed.exitCode, String(installed.stderr)).toBe(0);
  const bin = join(app, 'node_modules', '.bin', 'switcheroo-migrate');

  const help = await execa(bin, ['--help'], { cwd: app, reject: false });
  expect(help.exitCode).toBe(0);
  expect(String(help.stdout)).toMatch(/^Usage: switcheroo-migrate \[path\.\.\.\] \[options\]\n/);
  const version = await execa(bin, ['--version'], { cwd: app, reject: false });
  expect(String(version.stdout)).toBe(pkg.version);

  const dir = await project({
    'net.py': 'import torch\n\n\ndef load(model, path):\n    model.load_state_dict(torch.load(path))\n',
    'opt.py': 'def resume(optimizer, sd):\n    optimizer.load_state_dict(sd)\n',
  });
  const before = await readTree(dir);
  const dry = await execa(bin, ['--dry-run', '--no-color', dir], { cwd: app, reject: false });
  expect(dry.exitCode, String(dry.stderr)).toBe(0);
  const out = String(dry.stdout);
  expect(out).toContain('--- a/net.py\n+++ b/net.py\n');
  expect(out).toContain('-    model.load_state_dict(torch.load(path))\n+    variables = KeyMapper.from_torch(torch.load(path))\n');
  expect(out).toContain('+class KeyMapper:\n'); // the python preamble shipped
  expect(out).toContain('def from_torch(cls, state, target=None, hints=None):'); // the flax flavour, the default
  expect(out).toMatch(/^ {2}opt\.py:2:5 {2}non-module: not proposed: /m); // the grammar shipped: it tells receivers apart
  expect(String(dry.stderr)).toMatch(/^mapper flax: no file of the project imports flax.nnx\n2 files scanned · 2 with load_state_dict · 2 sites · 1 proposed · \d+ ms$/);
  expect(await readTree(dir)).toEqual(before);

  const reference = await execa(bin, ['--json', '--mapper', 'reference', dir], { cwd: app, reject: false });
  expect(reference.exitCode).toBe(0);
  assertPlan(String(reference.stdout), 'the installed bin --json --mapper reference');
  const plan = JSON.parse(String(reference.stdout)) as { files: { path: string; preamble: { text: string } | null }[] };
  expect(plan.files.find((f) => f.path === 'net.py')?.preamble?.text).toContain('class KeyMapper:');
}, 180_000);
