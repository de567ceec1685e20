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
