/**
 * Issue 11 through the built bin, on fixture projects (test/fixtures/issue11), with byte-exact
 * snapshots (snapshots/issue11): names that never overwrite each other, one shared helper
 * (`--preamble module`) that every changed file imports as Python would run it, Jupyter notebooks,
 * and discovery that leaves vendored environments alone.
 */
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { REPO, assertBuilt, cleanup, git, pythonParseErrors, readTree, runCli, tempDir, writeTree } from './helpers/project.js';
import { VENV_PYTHON, venvHas, venvRequired } from './helpers/venv.js';

vi.setConfig({ testTimeout: 120_000 });
beforeAll(() => assertBuilt());
afterAll(cleanup);

const FIXTURES = join(REPO, 'test', 'fixtures', 'issue11');
const snapshot = (...parts: string[]) => join(REPO, 'snapshots', 'issue11', ...parts);

/** A copy of a fixture project in a temp dir. */
async function fixture(name: string): Promise<string> {
  const dir = await tempDir(`switcheroo-issue11-${name}-`);
  await cp(join(FIXTURES, name), dir, { recursive: true });
  return dir;
}

const SUMMARY = /^\d+ files? scanned · .* · \d+ ms\n$/;

async function python(cwd: string, args: string[], env: Record<string, string> = {}) {
  const r = await execa(VENV_PYTHON, args, { cwd, reject: false, all: true, env: { PYTHONDONTWRITEBYTECODE: '1', ...env } });
  return { code: r.exitCode, output: String(r.all) };
}

describe('names: several rewrites in one scope never overwrite each other', () => {
  it('--dry-run names each rewrite of a busy scope after its receiver and keeps `variables` for a single one', async () => {
    const dir = await fixture('names');
    const r = await runCli(['--dry-run', '--mapper', 'reference', dir]);
    expect(r.code).toBe(0);
    await expect(r.stdout).toMatchFileSnapshot(snapshot('names.dry-run.diff'));
    expect(r.stderr).toMatch(new RegExp(`^mapper reference: --mapper reference\n${SUMMARY.source.slice(1)}`));
    expect(r.stdout).toContain('+    model_variables = KeyMapper.from_torch(ckpt["model"])\n+    unet_variables = KeyMapper.from_torch(ckpt["unet"])\n+    vae_variables = KeyMapper.from_torch(ckpt["vae"])\n');
    // one proposed rewrite beside an optimizer keeps the default; a parameter named `variables` does not let it
    expect(r.stdout).toContain('+    variables = KeyMapper.from_torch(ckpt["model"])\n     optimizer.load_state_dict(ckpt["optimizer"])\n');
    expect(r.stdout).toContain('+    model_variables = KeyMapper.from_torch(torch.load(path))\n     return variables\n');
  });

  it('--yes writes what --dry-run showed; every file parses; a second run proposes nothing', async () => {
    const dir = await fixture('names');
    expect((await runCli(['--yes', '--mapper', 'reference', dir])).code).toBe(0);
    for (const name of ['restore.py', 'pipeline.py']) {
      await expect(await readFile(join(dir, name), 'utf8')).toMatchFileSnapshot(snapshot('names', name.replace(/\.py$/, '.after.py')));
    }
    expect(await pythonParseErrors([join(dir, 'restore.py'), join(dir, 'pipeline.py')])).toEqual([]);
    const again = await runCli(['--check', dir]);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe('');
  });

  it('--target-name takes a {name} template, and --json says which name each rewrite assigns and why', async () => {
    const dir = await fixture('names');
    const r = await runCli(['--dry-run', '--mapper', 'reference', '--target-name', '{name}_params', dir]);
    expect(r.stdout).toContain('+    model_params = KeyMapper.from_torch(ckpt["model"])\n     optimizer.load_state_dict(ckpt["optimizer"])\n');
    expect(r.stdout).toContain('+        self.unet_params = KeyMapper.from_torch(ckpt["unet"])\n');
    const json = JSON.parse((await runCli(['--json', dir])).stdout) as { files: { path: string; sites: { line: number; target?: string; targetWhy?: string }[] }[] };
    const restore = json.files.find((f) => f.path === 'restore.py')?.sites ?? [];
    expect(restore.map((s) => s.target)).toEqual(['model_variables', 'unet_variables', 'vae_variables', 'variables', 'optimizer_variables', 'model_variables']);
    expect(restore[5]?.targetWhy).toBe('`variables` is already used in `evaluate`: named after the receiver');
  });
});

describe('notebooks', () => {
  it('--dry-run shows each changed cell by its number with its own line numbers, the preamble as a new cell, and skips what it cannot read', async () => {
    const dir = await fixture('notebooks');
    const r = await runCli(['--dry-run', '--mapper', 'reference', dir]);
    expect(r.code).toBe(0);
    await expect(r.stdout).toMatchFileSnapshot(snapshot('notebooks.dry-run.diff'));
    expect(r.stdout).toContain('--- a/demo.ipynb · cell 5\n+++ b/demo.ipynb · cell 5\n@@ -1,5 +1,5 @@\n');
    expect(r.stdout).toContain('+++ b/demo.ipynb · new cell before cell 3\n');
    expect(r.stdout).toContain('skipped broken.ipynb: not a notebook: invalid JSON (expected "," or "}" at line 2)\n');
    expect(r.stdout).toContain('skipped old.ipynb: nbformat 3.0 notebook: this tool reads nbformat 4.0 to 4.5\n');
    expect(r.stdout).toContain("skipped r.ipynb: the notebook's language is R, not Python\n");
  });

  it('--json gives the cell (0-based) and the line within it', async () => {
    const dir = await fixture('notebooks');
    const json = JSON.parse((await runCli(['--json', dir])).stdout) as { files: { path: string; preamble: { cell?: number }; sites: { cell?: number; line: number; column: number; original: string }[] }[] };
    const demo = json.files.find((f) => f.path === 'demo.ipynb');
    expect(demo?.sites.map((s) => [s.cell, s.line, s.column, s.original])).toEqual([
      [4, 3, 1, 'model.load_state_dict(ckpt["model"])'],
      [4, 4, 1, 'unet.load_state_dict(ckpt["unet"])'],
      [6, 4, 5, 'model.load_state_dict(ckpt["model"])'],
    ]);
    expect(demo?.preamble.cell).toBe(2);
  });

  it.skipIf(!venvRequired)('--yes changes only the changed source lines and the new cell; nbformat validates the notebooks; a second run proposes nothing', async () => {
    const dir = await fixture('notebooks');
    const before = await readTree(dir);
    expect((await runCli(['--yes', '--mapper', 'reference', dir])).code).toBe(0);
    const after = await readTree(dir);
    for (const name of ['demo.ipynb', 'styled.ipynb']) {
      await expect(after.get(name)?.toString('utf8')).toMatchFileSnapshot(snapshot('notebooks', name.replace(/\.ipynb$/, '.after.ipynb')));
    }
    for (const name of ['broken.ipynb', 'old.ipynb', 'r.ipynb']) expect(after.get(name), name).toEqual(before.get(name));
    const check = await python(dir, ['-c', `
import json, nbformat
for name, indent, ascii_, sort, end in [("demo.ipynb", 1, False, True, "\\n"), ("styled.ipynb", 2, True, False, "")]:
    text = open(name, encoding="utf-8").read()
    nb = nbformat.reads(text, as_version=4)
    nbformat.validate(nb)
    # the notebook's own layout: what its writer would write for the new content
    assert json.dumps(json.loads(text), indent=indent, ensure_ascii=ascii_, sort_keys=sort) + end == text, name
print("ok")
`]);
    expect(check, check.output).toMatchObject({ code: 0 });
    expect(check.output).toContain('ok');
    const again = await runCli(['--check', dir]);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe('');
  });

  it('--yes then --undo gives the notebook back byte for byte', async () => {
    const dir = await fixture('notebooks');
    const before = await readTree(dir);
    expect((await runCli(['--yes', dir])).code).toBe(0);
    expect((await readTree(dir)).get('demo.ipynb')).not.toEqual(before.get('demo.ipynb'));
    expect((await runCli(['--undo', dir])).code).toBe(0);
    expect(await readTree(dir)).toEqual(before);
  });
});

describe('--preamble module: one shared helper', () => {
  it('--dry-run shows the new file as its own diff, and an import of it in each changed file', async () => {
    const dir = await fixture('shared');
    const r = await runCli(['--dry-run', '--mapper', 'reference', '--preamble', 'module', dir]);
    expect(r.code).toBe(0);
    await expect(r.stdout).toMatchFileSnapshot(snapshot('shared.dry-run.diff'));
    expect(r.stdout.startsWith('--- /dev/null\n+++ b/mypkg/keymapper.py\n@@ -0,0 +1,')).toBe(true);
    expect(r.stdout.match(/^class KeyMapper/gm)).toBeNull();
    expect(r.stdout.match(/^\+class KeyMapper:$/gm)).toHaveLength(1);
    expect(r.stdout.match(/^\+from mypkg\.keymapper import KeyMapper$/gm)).toHaveLength(5);
  });

  it.skipIf(!venvRequired)('the written package, scripts and notebook import the one shared class, as Python runs each of them', async () => {
    const dir = await fixture('shared');
    const w = await runCli(['--yes', '--mapper', 'reference', '--preamble', 'module', dir]);
    expect(w.code, w.stderr).toBe(0);
    expect(w.stdout.split('\n')[0]).toBe('written  mypkg/keymapper.py');
    // the warnings say which sys.path entry the scripts and the notebook outside the package need
    expect(w.stderr).toContain('scripts/export.py:5:1  warning: the shared KeyMapper is `mypkg.keymapper` (mypkg/keymapper.py): running this file needs the project root on sys.path (PYTHONPATH), and it runs with `scripts` there\n');
    expect(w.stderr).not.toContain('scripts/evaluate.py:'); // it imports mypkg already
    const pkg = await python(dir, ['-c', 'import mypkg.train.restore as r, mypkg.keymapper as k; assert r.KeyMapper is k.KeyMapper; r.demo(); print("pkg ok")']);
    expect(pkg.output).toContain('pkg ok');
    expect((await python(dir, ['train.py'])).output).toContain('train.py mypkg.keymapper');
    for (const script of ['scripts/evaluate.py', 'scripts/export.py']) {
      const run = await python(dir, [script], { PYTHONPATH: dir });
      expect(run, run.output).toMatchObject({ code: 0 });
      expect(run.output).toContain(`${script.split('/')[1]} mypkg.keymapper`);
    }
    // one process: every file's KeyMapper is the same class, the notebook's cells run from its own directory
    const one = await python(join(dir, 'notebooks'), ['-c', `
import runpy, sys, nbformat
sys.path.insert(1, ${JSON.stringify(dir)})
import mypkg.keymapper, mypkg.train.restore
found = [mypkg.train.restore.KeyMapper]
for script in ["../train.py", "../scripts/evaluate.py", "../scripts/export.py"]:
    found.append(runpy.run_path(script, run_name="script")["KeyMapper"])
ns = {}
for cell in nbformat.read("demo.ipynb", as_version=4).cells:
    if cell.cell_type == "code":
        exec(cell.source, ns)
found.append(ns["KeyMapper"])
assert all(k is mypkg.keymapper.KeyMapper for k in found), found
print("one class", len(found))
`]);
    expect(one.output).toContain('one class 5');
    const again = await runCli(['--check', '--preamble', 'module', dir]);
    expect(again.code).toBe(0);
  });

  it('--undo removes the helper it created with the files it changed', async () => {
    const dir = await fixture('shared');
    const before = await readTree(dir);
    expect((await runCli(['--yes', '--preamble', 'module', dir])).code).toBe(0);
    expect((await readTree(dir)).has('mypkg/keymapper.py')).toBe(true);
    const undo = await runCli(['--undo', dir]);
    expect(undo.stdout).toContain('removed  mypkg/keymapper.py: the run created it\n');
    expect(await readTree(dir)).toEqual(before);
  });

  it('refuses a file of that name that is not a KeyMapper, and writes nothing', async () => {
    const dir = await fixture('shared');
    await writeFile(join(dir, 'mypkg', 'keymapper.py'), 'KEYS = {}\n');
    const before = await readTree(dir);
    for (const mode of ['--dry-run', '--yes']) {
      const r = await runCli([mode, '--preamble', 'module', dir]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe('switcheroo-migrate: mypkg/keymapper.py exists and holds no KeyMapper: it is not overwritten; choose another file with --preamble module=PATH\n');
    }
    expect(await readTree(dir)).toEqual(before);
  });

  it('a later run reuses the helper it wrote: a new file only imports it', async () => {
    const dir = await fixture('shared');
    expect((await runCli(['--yes', '--preamble', 'module', dir])).code).toBe(0);
    const helper = await readFile(join(dir, 'mypkg', 'keymapper.py'));
    await writeFile(join(dir, 'mypkg', 'train', 'finetune.py'), 'from mypkg.models.net import Net\n\nnet = Net()\nnet.load_state_dict(Net().state_dict())\n');
    const dry = await runCli(['--dry-run', '--preamble', 'module', dir]);
    expect(dry.stdout).not.toContain('/dev/null');
    expect(dry.stdout).toContain('+from mypkg.keymapper import KeyMapper\n');
    const again = await runCli(['--yes', '--preamble', 'module', dir]);
    expect(again.stdout).toBe('written  mypkg/train/finetune.py\n');
    expect(await readFile(join(dir, 'mypkg', 'keymapper.py'))).toEqual(helper);
    // a new script alone would get a helper beside it: the package's, from the earlier run, is imported instead
    await writeFile(join(dir, 'scripts', 'convert.py'), 'import torch.nn as nn\n\nnet = nn.Linear(2, 2)\nnet.load_state_dict(nn.Linear(2, 2).state_dict())\n');
    const later = await runCli(['--yes', '--preamble', 'module', dir]);
    expect(later.stdout).toBe('written  scripts/convert.py\n');
    expect(await readFile(join(dir, 'scripts', 'convert.py'), 'utf8')).toContain('\nfrom mypkg.keymapper import KeyMapper\n');
  });

  it('reuses a KeyMapper file that is there, and module=PATH puts the helper where it says', async () => {
    const dir = await fixture('shared');
    expect((await runCli(['--yes', '--preamble', 'module', join(dir, 'scripts', 'export.py')])).code).toBe(0);
    // the single file's directory got its own helper; the rest of the project, run again, reuses a new one in the package
    expect((await readTree(dir)).has('scripts/keymapper.py')).toBe(true);
    expect(await readFile(join(dir, 'scripts', 'export.py'), 'utf8')).toContain('\nfrom keymapper import KeyMapper\n');
    const other = await fixture('shared');
    const r = await runCli(['--dry-run', '--preamble', 'module=tools/km.py', other]);
    expect(r.stdout).toContain('--- /dev/null\n+++ b/tools/km.py\n');
    expect(r.stdout).toContain('+from tools.km import KeyMapper\n');
    const bad = await runCli(['--dry-run', '--preamble', 'module=my-tools.py', other]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('switcheroo-migrate: --preamble module=PATH needs a .py file whose name Python can import, such as tools/keymapper.py (got "my-tools.py") (see --help)\n');
  });
});

describe('discovery leaves vendored environments alone', () => {
  it('skips tracked venv/, .venv/, pyvenv.cfg directories, site-packages/ and node_modules/ in a git work tree, unless named', async () => {
    const site = 'import torch.nn as nn\nmodel = nn.Linear(2, 2)\nmodel.load_state_dict({})\n';
    const dir = await tempDir('switcheroo-issue11-env-');
    await writeTree(dir, {
      'src/train.py': site,
      'venv/lib/python3.11/torch_stub.py': site,
      '.venv/lib/x.py': site,
      'env/pyvenv.cfg': 'home = /usr/bin\n',
      'env/lib/y.py': site,
      'vendor/site-packages/z.py': site,
      'web/node_modules/pkg/w.py': site,
    });
    await git(dir, 'init', '-q');
    await git(dir, 'add', '-A', '-f');
    await git(dir, 'commit', '-qm', 'vendored');
    const json = JSON.parse((await runCli(['--json', dir])).stdout) as { files: { path: string }[] };
    expect(json.files.map((f) => f.path)).toEqual(['src/train.py']);
    const named = JSON.parse((await runCli(['--json', join(dir, 'venv')])).stdout) as { files: { path: string }[] };
    expect(named.files.map((f) => f.path)).toEqual(['lib/python3.11/torch_stub.py']);
  });
});

describe('nbformat in the test venv', () => {
  it.skipIf(!venvRequired)('is installed (.ci/setup-python.sh)', async () => {
    expect(await venvHas('nbformat')).toBe(true);
  });
});
