/** Issue 16: the nnx mapper's rewrite (KeyMapper.load_into), its preamble, and which mapper a run takes. */
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCli } from '../src/cli/args.js';
import { nnxImportLine } from '../src/core/mapper-choice.js';
import { preambleSource } from '../src/core/preamble-source.js';
import { DEFAULT_SCAN_OPTIONS, scanProject } from '../src/core/scan.js';
import type { ScanOptions } from '../src/core/types.js';
import { initialState, reviewReducer, type ReviewAction } from '../src/ui/review-state.js';
import { acceptAll, planText } from './helpers/plan.js';
import { pythonSyntaxErrors } from './helpers/python.js';

const nnx = { mapper: 'nnx' } as const;
const head = 'import torch\nfrom flax import nnx\n\nmodel = Net()\n';
/** The rewritten call's lines: the file after its preamble. */
const after = (text: string) => text.slice(text.indexOf('model = Net()\n') + 'model = Net()\n'.length);

describe('the nnx rewrite: KeyMapper.load_into(receiver, state, ...)', () => {
  const cases: Array<[string, string, string[]]> = [
    ['model.load_state_dict(sd)\n', 'KeyMapper.load_into(model, sd)\n', []],
    ['model.load_state_dict(sd, strict=False)\n', 'KeyMapper.load_into(model, sd, strict=False)\n', []],
    ['missing, unexpected = model.load_state_dict(sd, strict=False)\n', 'missing, unexpected = KeyMapper.load_into(model, sd, strict=False)\n', []],
    ['print(model.load_state_dict(sd))\n', 'print(KeyMapper.load_into(model, sd))\n', []],
    ['model.load_state_dict(sd, False)\n', 'KeyMapper.load_into(model, sd, strict=False)\n', []],
    ['model.load_state_dict(state_dict=sd, strict=True)\n', 'KeyMapper.load_into(model, state_dict=sd, strict=True)\n', []],
    ['model.load_state_dict(sd, strict=False, assign=True)\n', 'KeyMapper.load_into(model, sd, strict=False)\n', ["`assign=True` dropped: KeyMapper.load_into always sets the module's variables (in their own dtype)"]],
    ['model.load_state_dict(\n    sd,  # the weights\n    strict=False,\n)\n', 'KeyMapper.load_into(\n    model,\n    sd,  # the weights\n    strict=False,\n)\n', []],
    ['model.load_state_dict(\n    sd,\n    False,\n    assign=True,\n)\n', 'KeyMapper.load_into(\n    model,\n    sd, strict=False,\n)\n', ["`assign=True` dropped: KeyMapper.load_into always sets the module's variables (in their own dtype)"]],
    ['self.nets[0].load_state_dict(sd)\n', 'KeyMapper.load_into(self.nets[0], sd)\n', []],
  ];

  it.each(cases)('%j', async (call, want, warnings) => {
    const text = `${head}${call}`;
    const plan = await planText(text, nnx);
    expect(after(acceptAll(plan))).toBe(want);
    expect(plan.sites[0]?.warnings).toEqual(warnings);
  });

  it('writes parseable Python that a second run leaves alone, whatever binds `variables`', async () => {
    const outputs: Record<string, string> = {};
    for (const [call] of cases) {
      const plan = await planText(`${head}variables = 1\n${call.replace('self.nets[0]', 'model')}`, nnx);
      expect(plan.sites[0]?.proposed).toBe(true);
      outputs[`c${Object.keys(outputs).length}.py`] = acceptAll(plan);
    }
    expect(await pythonSyntaxErrors(outputs)).toEqual({});
    for (const text of Object.values(outputs)) expect((await planText(text, nnx)).sites).toEqual([]);
  });

  it('the receiver stays evaluated: no warning about its side effects', async () => {
    const plan = await planText(`${head}get_model().load_state_dict(sd)\n`, nnx);
    expect(plan.sites[0]?.replacement).toBe('KeyMapper.load_into(get_model(), sd)');
    expect(plan.sites[0]?.warnings).toEqual([]);
  });

  it('a KeyMapper class without load_into (a flax run before) is not the mapper: the site is not proposed', async () => {
    const plan = await planText(`${head}\nclass KeyMapper:\n    def from_torch(sd):\n        return sd\n\n\nmodel.load_state_dict(sd)\n`, nnx);
    expect(plan.sites[0]?.proposed).toBe(false);
    expect(plan.sites[0]?.reason).toMatch(/KeyMapper.load_into: rename it first/);
  });
});

describe('the nnx preamble', () => {
  it("is keymapper_nnx.py's docstring, the flax class's code and load_into, with both files' imports", () => {
    const source = preambleSource('nnx');
    const flax = preambleSource('flax');
    expect(source.body).toMatch(/^class KeyMapper:\n {4}"""Load a PyTorch state_dict into a Flax NNX module in place/);
    expect(source.body).toContain('    def load_into(cls, module, state_dict, strict=True, hints=None):');
    expect(source.body).toContain(flax.body.slice(flax.body.indexOf('    WRAPPERS')));
    expect(source.body.match(/"""Turn a PyTorch state_dict into Flax Linen variables/)).toBeNull();
    expect(source.imports.map((i) => i.name)).toEqual([...flax.imports.map((i) => i.name), 'collections']);
  });
});

describe('which mapper: flax.nnx imports', () => {
  it.each([
    ['from flax import nnx\n', 1],
    ['import os\nimport flax.nnx as nnx\n', 2],
    ['from flax.nnx import Linear\n', 1],
    ['from flax import (\n    linen,\n    nnx,\n)\n', 1],
    ['from flax import linen as nn, nnx\n', 1],
    ['if True:\n    from flax import nnx\n', 2],
    ['import numpy as np, flax.nnx\n', 1],
    ['from  flax\timport  nnx\n', 1],
  ])('%j imports flax.nnx (line %i)', (text, line) => {
    expect(nnxImportLine(Buffer.from(text))).toBe(line);
  });

  it.each(['import flax\n', 'from flax import linen as nn\n', '# from flax import nnx\n', 'x = "nnx"\n', 'from flax import nnx_extra\n', 'import flax.nnxt\n'])('%j does not', (text) => {
    expect(nnxImportLine(Buffer.from(text))).toBeNull();
  });
});

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'nnx-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const auto: ScanOptions = { ...DEFAULT_SCAN_OPTIONS, mapperAuto: true };
const train = 'import torch\nfrom models import Net\n\nmodel = Net()\nmodel.load_state_dict(torch.load("ckpt.pt"))\n';
const nnxModel = 'from flax import nnx\n\n\nclass Net(nnx.Module):\n    pass\n';

describe('which mapper a scan takes', () => {
  it('without --mapper: nnx when a file read after the site imports flax.nnx (the site planned again)', async () => {
    const events: string[] = [];
    const result = await scanProject(project({ 'a_train.py': train, 'models.py': nnxModel }), auto, (e) => {
      if (e.type === 'file') events.push(e.plan.sites[0]?.replacement ?? '');
    });
    expect(result.mapper).toEqual({ name: 'nnx', why: 'the project imports flax.nnx (models.py:1)' });
    expect(events).toEqual(['variables = KeyMapper.from_torch(torch.load("ckpt.pt"))']);
    const [file] = result.files;
    expect(file?.sites[0]?.replacement).toBe('KeyMapper.load_into(model, torch.load("ckpt.pt"))');
    expect(file?.sites[0]?.kind).toBe('module');
    expect(file?.preamble?.text).toContain('def load_into(');
  });

  it('the review takes back an acceptance of the flax rewrite once the scan settles on nnx, and says why', async () => {
    const actions: ReviewAction[] = [];
    const result = await scanProject(project({ 'a_train.py': train, 'models.py': nnxModel }), auto, (e) => {
      if (e.type === 'file') actions.push({ type: 'scan-file', plan: e.plan }, { type: 'accept' });
    });
    const state = [...actions, { type: 'scan-done', result } as const].reduce(reviewReducer, initialState());
    expect(state.decisions.get('a_train.py:5:1')).toBeUndefined();
    expect(state.message).toBe('1 acceptance taken back: with every file read, the rewrite changed (a_train.py:5: mapper nnx: the project imports flax.nnx (models.py:1)). y accepts the new one.');
    expect(state.scan.mapper?.name).toBe('nnx');
  });

  it('without --mapper and no flax.nnx import: flax', async () => {
    const result = await scanProject(project({ 'train.py': train, 'models.py': 'import torch.nn as nn\n\n\nclass Net(nn.Module):\n    pass\n' }), auto);
    expect(result.mapper).toEqual({ name: 'flax', why: 'no file of the project imports flax.nnx' });
    expect(result.files[0]?.sites[0]?.replacement).toBe('variables = KeyMapper.from_torch(torch.load("ckpt.pt"))');
    expect(result.files[0]?.preamble?.text).not.toContain('def load_into(');
  });

  it('--mapper flax keeps flax on a project that imports flax.nnx, and says so', async () => {
    const result = await scanProject(project({ 'train.py': train, 'models.py': nnxModel }), { ...DEFAULT_SCAN_OPTIONS, mapper: 'flax' });
    expect(result.mapper).toEqual({ name: 'flax', why: '--mapper flax' });
    expect(result.files[0]?.sites[0]?.replacement).toMatch(/^variables = KeyMapper\.from_torch/);
  });

  it('hints under nnx: only linear_t (the NNX module tells embeddings and head counts)', async () => {
    const copy = (name: string) => {
      const dir = mkdtempSync(join(tmpdir(), 'nnx-hints-'));
      cpSync(join(import.meta.dirname, 'fixtures', 'hints', name), dir, { recursive: true });
      return dir;
    };
    const values = (r: Awaited<ReturnType<typeof scanProject>>) => r.files.flatMap((f) => f.sites.flatMap((s) => (s.hints ?? []).map((h) => h.value)));
    const transformer = copy('transformer');
    expect(values(await scanProject(transformer, { ...DEFAULT_SCAN_OPTIONS, mapper: 'flax' }))).toContain('attention:4');
    const attention = await scanProject(transformer, { ...DEFAULT_SCAN_OPTIONS, mapper: 'nnx' });
    expect(values(attention)).toEqual([]);
    expect(attention.files[0]?.sites[0]?.replacement).toBe('KeyMapper.load_into(encoder, torch.load("ckpt.pt"))');
    const gpt2 = await scanProject(copy('gpt2'), { ...DEFAULT_SCAN_OPTIONS, mapper: 'nnx' });
    expect(values(gpt2).length).toBeGreaterThan(0);
    expect(values(gpt2).every((v) => v === 'linear_t')).toBe(true);
    expect(gpt2.files[0]?.sites[0]?.replacement).toMatch(/^KeyMapper\.load_into\(model, torch\.load\("ckpt\.pt"\), hints=\{/);
  });
});

describe('--mapper', () => {
  it('takes nnx; without it the scan chooses (mapperAuto)', () => {
    expect(parseCli(['--mapper', 'nnx'])).toMatchObject({ mapper: 'nnx', mapperAuto: false });
    expect(parseCli([])).toMatchObject({ mapper: 'flax', mapperAuto: true });
    expect(() => parseCli(['--mapper', 'linen'])).toThrow('--mapper takes flax, nnx or reference (got "linen")');
  });

  it('a --target-name the nnx preamble binds is refused when the scan may choose nnx', () => {
    expect(() => parseCli(['--target-name', 'collections'])).toThrow(/the KeyMapper preamble binds it \(`import collections`\)/);
    expect(parseCli(['--mapper', 'flax', '--target-name', 'collections']).targetName).toBe('collections');
  });
});

describe('the built bin on a project that imports flax.nnx', () => {
  it('--json (schema-checked) names the mapper; --dry-run prints it and the load_into call; --mapper flax overrides', async () => {
    const { runCli } = await import('./helpers/project.js');
    const dir = project({ 'train.py': train, 'models.py': nnxModel });
    const json = await runCli(['--json', dir]);
    expect(json.code).toBe(0);
    const plan = JSON.parse(json.stdout) as { mapper: unknown; files: Array<{ sites: Array<{ replacement: string }> }> };
    expect(plan.mapper).toEqual({ name: 'nnx', why: 'the project imports flax.nnx (models.py:1)' });
    expect(plan.files[0]?.sites[0]?.replacement).toBe('KeyMapper.load_into(model, torch.load("ckpt.pt"))');
    const dry = await runCli(['--dry-run', dir]);
    expect(dry.stdout).toContain('+KeyMapper.load_into(model, torch.load("ckpt.pt"))\n');
    expect(dry.stderr.split('\n').at(-3)).toBe('mapper nnx: the project imports flax.nnx (models.py:1)');
    const flax = await runCli(['--dry-run', '--mapper', 'flax', dir]);
    expect(flax.stdout).toContain('+variables = KeyMapper.from_torch(torch.load("ckpt.pt"))\n');
    expect(flax.stderr).toContain('mapper flax: --mapper flax\n');
  });
});
