/** Hints from source through the built bin: --json carries them, --dry-run and --yes say where each came from. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, cleanup, project, runCli } from './helpers/project.js';

beforeAll(assertBuilt);
afterAll(cleanup);

const FILES = {
  'model.py': [
    'import torch.nn as nn',
    '',
    '',
    'class Net(nn.Module):',
    '    def __init__(self, heads=4):',
    '        super().__init__()',
    '        self.tokens = nn.Embedding(10, 8)',
    '        self.attn = nn.MultiheadAttention(8, heads)',
    '        self.mix = nn.MultiheadAttention(8, self.width())',
    '',
  ].join('\n'),
  'load.py': 'import torch\n\nfrom model import Net\n\nmodel = Net()\nmodel.load_state_dict(torch.load("ckpt.pt"))\n',
};

const WRITTEN = "variables = KeyMapper.from_torch(torch.load(\"ckpt.pt\"), hints={\n    'attn': 'attention:4',\n    'tokens': 'embedding',\n})";

describe('hints through the built bin', () => {
  it('--json: each site has its hints and the class they came from; the rewrite bookkeeping stays inside', async () => {
    const r = await runCli(['--json', await project(FILES)]);
    expect(r.code).toBe(0);
    const site = (JSON.parse(r.stdout) as { files: Array<{ sites: Array<Record<string, unknown>> }> }).files[0]?.sites[0] as Record<string, unknown>;
    expect(site['replacement']).toBe(WRITTEN);
    expect(site['evidence']).toMatchObject({ rule: 'assignment', class: { path: 'model.py', qualname: 'Net', line: 4 } });
    expect(site['hints']).toEqual([
      { module: 'attn', value: 'attention:4', text: 'nn.MultiheadAttention(8, heads)', path: 'model.py', line: 8, note: '4 heads: the default of `heads` in `Net.__init__` (model.py:4)' },
      { module: 'tokens', value: 'embedding', text: 'nn.Embedding(10, 8)', path: 'model.py', line: 7 },
    ]);
    expect(site['warnings']).toEqual([
      "hints: no head count for the attention at 'mix', `nn.MultiheadAttention(8, self.width())` (model.py:9): it is computed by `self.width()`. KeyMapper leaves its kernels 2-D and warns: add 'mix': 'attention:H' to hints=",
    ]);
    expect(site).not.toHaveProperty('hintsAt');
    expect(site).not.toHaveProperty('hinted');
  });

  it('--dry-run shows where each hint came from, and counts only the warnings', async () => {
    const r = await runCli(['--dry-run', await project(FILES)]);
    expect(r.stdout).toContain(`${WRITTEN.replace(/^/gm, '+')}\n`);
    expect(r.stdout).toContain("  load.py:6:1  hint 'attn': 'attention:4' from model.py:8 `nn.MultiheadAttention(8, heads)`; 4 heads: the default of `heads` in `Net.__init__` (model.py:4)\n");
    expect(r.stdout).toContain("  load.py:6:1  hint 'tokens': 'embedding' from model.py:7 `nn.Embedding(10, 8)`\n");
    expect(r.stdout).toContain("  load.py:6:1  warning: hints: no head count for the attention at 'mix'");
    expect(r.stderr).toMatch(/ · 1 warning · /);
  });

  it('--yes writes the call with its hints, prints where they came from, and a second run proposes nothing', async () => {
    const dir = await project(FILES);
    const r = await runCli(['--yes', dir]);
    expect(r.code).toBe(0);
    expect(await readFile(join(dir, 'load.py'), 'utf8')).toContain(`\n${WRITTEN}\n`);
    expect(r.stderr).toContain("load.py:6:1  hint 'tokens': 'embedding' from model.py:7 `nn.Embedding(10, 8)`");
    expect(r.stderr).toMatch(/ · 1 warning · /);
    const again = await runCli(['--check', dir]);
    expect(again.code).toBe(0);
  });
});

/** A function whose second model is known only once a later file is read: its rewrites are renamed at the last settling. */
const RENAMED = {
  'a_model.py': 'import torch.nn as nn\n\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.tokens = nn.Embedding(10, 8)\n',
  'b_load.py': [
    'from a_model import Net',
    'from c_other import Other',
    '',
    '',
    'def restore(ckpt):',
    '    net = Net()',
    '    net.load_state_dict(ckpt["net"])',
    '    other = Other()',
    '    other.load_state_dict(ckpt["other"])',
    '',
  ].join('\n'),
  'c_other.py': 'import torch.nn as nn\n\n\nclass Other(nn.Module):\n    pass\n',
};

describe('hints and names', () => {
  it('a rewrite renamed when its scope gets a second one keeps its hints (names and hints settled together)', async () => {
    const dir = await project(RENAMED);
    const r = await runCli(['--json', dir]);
    const sites = (JSON.parse(r.stdout) as { files: Array<{ sites: Array<Record<string, unknown>> }> }).files[0]?.sites ?? [];
    expect(sites.map((s) => s['replacement'])).toEqual([
      'net_variables = KeyMapper.from_torch(ckpt["net"], hints={\'tokens\': \'embedding\'})',
      'other_variables = KeyMapper.from_torch(ckpt["other"])',
    ]);
    expect((sites[0]?.['hints'] as unknown[]).length).toBe(1);
    const written = await runCli(['--yes', dir]);
    expect(written.code).toBe(0);
    expect(await readFile(join(dir, 'b_load.py'), 'utf8')).toContain('    net_variables = KeyMapper.from_torch(ckpt["net"], hints={\'tokens\': \'embedding\'})\n');
  });
});

/** A notebook that defines its model in one cell and loads it in another. */
function notebook(cells: string[]): string {
  const code = (source: string) => ({ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: source.split(/(?<=\n)/) });
  const nb = { cells: cells.map(code), metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } }, nbformat: 4, nbformat_minor: 5 };
  return `${JSON.stringify(nb, null, 1)}\n`;
}

describe('hints in a notebook', () => {
  it('places the hints, their class and notes in the notebook cells that hold them (--json and --dry-run)', async () => {
    const dir = await project({
      'demo.ipynb': notebook([
        'import torch\nimport torch.nn as nn',
        'class Net(nn.Module):\n    def __init__(self, heads=2):\n        super().__init__()\n        self.tokens = nn.Embedding(10, 8)\n        self.attn = nn.MultiheadAttention(8, heads)',
        'model = Net()\nmodel.load_state_dict(torch.load("x.pt"))',
      ]),
    });
    const site = (JSON.parse((await runCli(['--json', dir])).stdout) as { files: Array<{ sites: Array<Record<string, unknown>> }> }).files[0]?.sites[0] as Record<string, unknown>;
    expect(site['evidence']).toMatchObject({ cell: 2, line: 1, class: { path: 'demo.ipynb', qualname: 'Net', line: 1, cell: 1 } });
    expect(site['hints']).toEqual([
      { module: 'attn', value: 'attention:2', text: 'nn.MultiheadAttention(8, heads)', path: 'demo.ipynb', line: 5, cell: 1, note: '2 heads: the default of `heads` in `Net.__init__` (demo.ipynb · cell 2 · line 1)' },
      { module: 'tokens', value: 'embedding', text: 'nn.Embedding(10, 8)', path: 'demo.ipynb', line: 4, cell: 1 },
    ]);
    const r = await runCli(['--dry-run', dir]);
    expect(r.stdout).toContain("  demo.ipynb · cell 3 · line 2  hint 'tokens': 'embedding' from demo.ipynb · cell 2 · line 4 `nn.Embedding(10, 8)`\n");
  });
});

describe('hints under --preamble module', () => {
  it('a package file, planned again with its import of the shared helper, keeps its hints', async () => {
    const dir = await project({
      'pkg/__init__.py': '',
      'pkg/model.py': FILES['model.py'],
      'pkg/load.py': 'import torch\n\nfrom pkg.model import Net\n\nmodel = Net()\nmodel.load_state_dict(torch.load("ckpt.pt"))\n',
    });
    const json = JSON.parse((await runCli(['--json', '--preamble', 'module', dir])).stdout) as { helper: { module: string }; files: Array<{ sites: Array<Record<string, unknown>> }> };
    expect(json.helper.module).toBe('pkg.keymapper');
    expect(json.files[0]?.sites[0]?.['replacement']).toBe(WRITTEN);
  });
});
