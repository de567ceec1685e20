/**
 * The printed `--json-schema` describes the `--json` plan exactly: a plan holding every shape the
 * tool prints validates (runCli checks each `--json` run), every field the schema names is printed
 * by it, and plans that break the contract are refused.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { compileSchema, planProblems, printedSchema } from './helpers/plan-schema.js';
import { assertBuilt, cleanup, project, runCli } from './helpers/project.js';

vi.setConfig({ testTimeout: 60_000 });
beforeAll(() => assertBuilt());
afterAll(cleanup);

/** Every kind of site, evidence from a binding and from a name only, a model class's hints, a file with KeyMapper (no preamble), a syntax error, a skipped file. */
const EVERY_SHAPE = {
  'models.py': 'import torch.nn as nn\n\n\nclass Net(nn.Module):\n    def load_state_dict(self, sd, strict=True):\n        return super().load_state_dict(sd, strict)\n',
  'train.py': [
    'import torch',
    'from models import Net',
    '',
    'net = Net()',
    'net.load_state_dict(torch.load("a.pt"), strict=False)',
    'optimizer.load_state_dict(o)',
    'obj.load_state_dict(s)',
    'net.load_state_dict(*args)',
    'missing, unexpected = net.load_state_dict(sd)',
    '',
  ].join('\n'),
  'has_mapper.py': 'from helpers import KeyMapper\n\nmodel = Net()\nmodel.load_state_dict(sd)\n',
  // hints read from a model class: an embedding its name does not announce, a head count from a default
  'tagger.py': 'import torch.nn as nn\n\n\nclass Tagger(nn.Module):\n    def __init__(self, heads=2):\n        super().__init__()\n        self.tokens = nn.Embedding(4, 4)\n        self.attn = nn.MultiheadAttention(4, heads)\n\n\ntagger = Tagger()\ntagger.load_state_dict(sd)\n',
  'broken.py': 'model = Net()\nmodel.load_state_dict(sd)\n\ndef f(:\n    pass\n',
  'blob.py': Buffer.from('model.load_state_dict(sd)\0'),
};

/** The property names the schema declares, anywhere in it. */
function declared(schema: unknown, out = new Set<string>()): Set<string> {
  if (schema && typeof schema === 'object') {
    const node = schema as Record<string, unknown>;
    if (node.properties && typeof node.properties === 'object') for (const key of Object.keys(node.properties)) out.add(key);
    for (const value of Object.values(node)) declared(value, out);
  }
  return out;
}

/** The keys of every object in a JSON value. */
function printed(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => printed(v, out));
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      out.add(key);
      printed(v, out);
    }
  }
  return out;
}

describe('the --json plan and its schema', () => {
  it('the schema is valid JSON Schema 2020-12 (ajv strict mode)', () => {
    expect(() => compileSchema(printedSchema())).not.toThrow();
  });

  it('a plan with every shape validates, and prints every field the schema declares', async () => {
    const dir = await project(EVERY_SHAPE);
    const r = await runCli(['--json', '--include', 'non-module,unknown', dir]); // validated by runCli
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout) as { files: { path: string; preamble: unknown; parseError: string | null; sites: { kind: string; evidence: { text?: string } }[] }[]; skipped: unknown[] };
    const sites = plan.files.flatMap((f) => f.sites);
    expect(new Set(sites.map((s) => s.kind))).toEqual(new Set(['module', 'non-module', 'unknown', 'super', 'unsupported']));
    expect(sites.some((s) => s.evidence.text === undefined) && sites.some((s) => s.evidence.text !== undefined)).toBe(true);
    expect(plan.files.find((f) => f.path === 'has_mapper.py')?.preamble).toBeNull();
    expect(plan.files.find((f) => f.path === 'broken.py')?.parseError).toMatch(/syntax error/);
    expect(plan.skipped).toHaveLength(1);
    expect([...declared(printedSchema())].filter((key) => !printed(plan).has(key))).toEqual([]);
  });

  it('refuses a plan that breaks the contract: an undeclared field, a required field missing, a wrong kind, evidence quoted without its place', async () => {
    const dir = await project({ 'a.py': 'import torch.nn as nn\nnet = nn.Linear(2, 2)\nnet.load_state_dict(sd)\n' });
    const good = JSON.parse((await runCli(['--json', dir])).stdout) as { files: { sites: Record<string, unknown>[] }[] };
    expect(planProblems(good)).toBe('');
    const broken = (change: (site: Record<string, unknown>, plan: Record<string, unknown>) => void) => {
      const copy = structuredClone(good) as unknown as { files: { sites: Record<string, unknown>[] }[] } & Record<string, unknown>;
      change(copy.files[0]?.sites[0] as Record<string, unknown>, copy);
      return planProblems(copy);
    };
    expect(broken((site) => (site.cell = 0))).toMatch(/must NOT have additional properties.*"cell"/);
    expect(broken((site) => delete site.reason)).toMatch(/must have required property 'reason'/);
    expect(broken((site) => (site.kind = 'model'))).toMatch(/\/kind must be equal to one of the allowed values/);
    expect(broken((site) => delete (site.evidence as Record<string, unknown>).path)).toMatch(/evidence must have properties path, line when property text is present/);
    expect(broken((_site, plan) => (plan.version = 2))).toMatch(/\/version must be equal to constant/);
  });
});
