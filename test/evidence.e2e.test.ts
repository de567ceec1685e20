/** The evidence through the built bin: `--json` carries it on every site, `--dry-run` quotes it for sites left alone. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, cleanup, project, runCli } from './helpers/project.js';

beforeAll(assertBuilt);
afterAll(cleanup);

const FILES = {
  'lib/ema.py': 'class EMAModel:\n    def __init__(self, parameters):\n        self.shadow = list(parameters)\n\n    def load_state_dict(self, sd):\n        self.shadow = sd\n',
  'lib/__init__.py': 'from .ema import EMAModel\n',
  'train.py': [
    'import torch',
    'from torch import nn',
    'from lib import EMAModel',
    '',
    '',
    'def main(ckpt, thing):',
    '    net = nn.Linear(2, 2)',
    '    ema_net = EMAModel(net.parameters())',
    '    net.load_state_dict(ckpt["net"])',
    '    ema_net.load_state_dict(ckpt["ema"])',
    '    thing.load_state_dict(ckpt["thing"])',
    '',
  ].join('\n'),
};

describe('evidence through the built bin', () => {
  it('--json: every site has {rule, text, path, line, note}, the clues stay inside; version 1', async () => {
    const dir = await project(FILES);
    const r = await runCli(['--json', dir]);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout) as { version: number; files: Array<{ path: string; sites: Array<Record<string, unknown>> }> };
    expect(plan.version).toBe(1);
    const sites = plan.files.flatMap((f) => f.sites);
    expect(sites.map((s) => [s.receiver, s.kind, s.proposed])).toEqual([
      ['net', 'module', true],
      ['ema_net', 'non-module', false],
      ['thing', 'unknown', false],
    ]);
    for (const site of sites) expect(site).not.toHaveProperty('clues');
    expect(sites[0]?.evidence).toEqual({
      rule: 'assignment',
      text: 'net = nn.Linear(2, 2)',
      path: 'train.py',
      line: 7,
      note: '`net` is `nn.Linear(...)` (train.py:7); `torch.nn.Linear` is an nn.Module',
    });
    expect(sites[1]?.evidence).toMatchObject({ rule: 'assignment', path: 'train.py', line: 8 });
    expect(sites[1]?.reason).toBe('`ema_net` is `EMAModel(...)` (train.py:8); `EMAModel` (lib/ema.py:1) is not an nn.Module');
    expect(sites[2]?.evidence).toEqual({ rule: 'none', note: 'nothing in the project says what `thing` is, and its name does not tell' });
  });

  it('--dry-run quotes the evidence for the sites it leaves alone; --include unknown proposes the unknown one', async () => {
    const dir = await project(FILES);
    const r = await runCli(['--dry-run', dir]);
    expect(r.stdout).toContain('train.py:10:5  non-module: not proposed: `ema_net` is `EMAModel(...)` (train.py:8); `EMAModel` (lib/ema.py:1) is not an nn.Module\n');
    expect(r.stdout).toContain('train.py:11:5  unknown: not proposed: nothing in the project says what `thing` is, and its name does not tell\n');
    const included = await runCli(['--dry-run', '--include', 'unknown', dir]);
    // (two rewrites in main now: each is named after its receiver)
    expect(included.stdout).toContain('+    thing_variables = KeyMapper.from_torch(ckpt["thing"])\n');
    expect(included.stdout).not.toMatch(/^\+.*KeyMapper\.from_torch\(ckpt\["ema"\]\)$/m);
  });
});
