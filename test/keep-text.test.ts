/**
 * Issue 17: runs that print no diff and write nothing (`--json`, `--check`) let go of each file's
 * text once it is planned (ScanOptions.keepText false), so that a large project's texts are never
 * all in memory; what later needs a text reads it again and checks it against the plan's hash.
 */
import { cpSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ChangedSinceScan, planText } from '../src/core/plan-text.js';
import { DEFAULT_SCAN_OPTIONS, scanProject } from '../src/core/scan.js';
import type { FilePlan, ScanOptions, ScanResult } from '../src/core/types.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function project(files: Record<string, string>, from?: string): string {
  const root = mkdtempSync(join(tmpdir(), 'switcheroo-keep-text-'));
  dirs.push(root);
  if (from) cpSync(from, root, { recursive: true });
  for (const [rel, text] of Object.entries(files)) writeFileSync(join(root, rel), text);
  return root;
}

/** A result as data, the plans' texts left out (and the time taken). */
const shape = (r: ScanResult) => JSON.parse(JSON.stringify({ ...r, stats: { ...r.stats, ms: 0 }, files: r.files.map(({ text: _text, ...plan }) => plan) }));

async function bothWays(root: string, options: Partial<ScanOptions> = {}) {
  const base = { ...DEFAULT_SCAN_OPTIONS, mapperAuto: true, ...options };
  const kept = await scanProject(root, base);
  const dropped = await scanProject(root, { ...base, keepText: false });
  return { kept, dropped };
}

const NNX_LATER = {
  // planned with flax first: the nnx import is seen in a file scanned after it
  'a_train.py': 'import torch\n\nmodel = Net()\nmodel.load_state_dict(torch.load("w.pt"))\n',
  'b_eval.py': 'import torch\n\nclass Runner:\n    def __init__(self):\n        self.net = Net()\n\n    def load(self, sd):\n        self.net.load_state_dict(sd, strict=False)\n',
  'z_model.py': 'from flax import nnx\nimport torch.nn as nn\n\nclass Net(nn.Module):\n    pass\n',
};

describe('plans that let go of their text', () => {
  const projects: Array<[string, () => string, Partial<ScanOptions>]> = [
    ['the engine fixtures', () => project({}, join(FIXTURES, 'engine')), {}],
    ['the hints fixtures (hints read from the models\u2019 source)', () => project({}, join(FIXTURES, 'hints')), {}],
    ['a project whose mapper becomes nnx after its first plans', () => project(NNX_LATER), {}],
    ['the shared helper (--preamble module)', () => project(NNX_LATER), { preamble: 'module' }],
    ['a notebook beside scripts', () => project({
      'a.py': 'import torch\nmodel.load_state_dict(torch.load("w.pt"))\n',
      'n.ipynb': JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: { kernelspec: { language: 'python', name: 'python3', display_name: 'Python 3' } }, cells: [{ cell_type: 'code', id: 'c1', metadata: {}, execution_count: null, outputs: [], source: ['%matplotlib inline\n', 'model.load_state_dict(sd)\n'] }] }),
    }), {}],
  ];

  it.each(projects)('%s: the same plans, without their texts', async (_name, make, options) => {
    const root = make();
    const { kept, dropped } = await bothWays(root, options);
    expect(kept.files.length).toBeGreaterThan(0);
    expect(shape(dropped)).toEqual(shape(kept));
    for (const plan of dropped.files) {
      const twin = kept.files.find((p) => p.path === plan.path) as FilePlan;
      // a notebook keeps its text (its cells' joined source is not the file's bytes)
      expect(plan.text).toBe(plan.notebook ? twin.text : null);
      expect(planText(plan)).toBe(twin.text);
    }
  });

  it('the nnx mapper is written into the plans made before it was chosen', async () => {
    const { dropped } = await bothWays(project(NNX_LATER));
    expect(dropped.mapper.name).toBe('nnx');
    const replacements = dropped.files.flatMap((p) => p.sites.map((s) => s.replacement));
    expect(replacements).toEqual(['KeyMapper.load_into(model, torch.load("w.pt"))', 'KeyMapper.load_into(self.net, sd, strict=False)']);
  });

  it('a text read again is checked against the hash: a file changed since the scan says so', async () => {
    const root = project(NNX_LATER);
    const { dropped } = await bothWays(root);
    const plan = dropped.files.find((p) => p.path === 'a_train.py') as FilePlan;
    writeFileSync(join(root, 'a_train.py'), 'import torch\n# changed\nmodel.load_state_dict(torch.load("w.pt"))\n');
    expect(() => planText(plan)).toThrow(ChangedSinceScan);
    expect(() => planText(plan)).toThrow('a_train.py: changed on disk since the scan');
  });

  it('a file gone before the nnx mapper re-plans it is skipped with a reason, the others planned', async () => {
    const root = project(NNX_LATER);
    const result = await scanProject(root, { ...DEFAULT_SCAN_OPTIONS, mapperAuto: true, keepText: false }, (e) => {
      if (e.type === 'file' && e.plan.path === 'a_train.py') unlinkSync(join(root, 'a_train.py'));
    });
    expect(result.files.map((p) => p.path)).toEqual(['b_eval.py']);
    expect(result.skipped).toContainEqual({ path: 'a_train.py', reason: 'could not be read again to plan it for nnx (ENOENT)' });
  });
});
