/** Issue 11, names: several rewrites in one scope never overwrite each other; a single one keeps `variables`. */
import { describe, expect, it } from 'vitest';
import { parseCli } from '../src/cli/args.js';
import { acceptProposed, planFile, renderFile } from '../src/core/plan.js';
import { DEFAULT_SCAN_OPTIONS } from '../src/core/scan.js';
import type { Decision, FilePlan } from '../src/core/types.js';
import { acceptAll, planText } from './helpers/plan.js';
import { pythonSyntaxErrors } from './helpers/python.js';

const RESTORE = `def restore(model, unet, vae, ckpt):
    model.load_state_dict(ckpt["model"])
    unet.load_state_dict(ckpt["unet"])
    vae.load_state_dict(ckpt["vae"])
`;

/** The rewritten statements of a plan with every proposed site accepted, as `name = from_torch(arg)` lines. */
const assigned = (plan: FilePlan) => plan.sites.filter((s) => s.proposed).map((s) => s.replacement);

describe('names of statement rewrites', () => {
  it('counts a name the scope reads or binds, not an attribute, a keyword argument, a string or a longer word holding it', async () => {
    // (the scope's words are found in its text and asked of the tree: each of these must be told apart)
    const free = [
      'def f(model, sd):\n    cfg.variables = 1\n    g(variables=2)\n    s = "variables"  # variables\n    model.load_state_dict(sd)\n',
      'def f(model, sd):\n    variables_x = 1\n    xvariables = 2\n    \u00e9variables = 3\n    model.load_state_dict(sd)\n',
    ];
    for (const text of free) expect(assigned(await planText(text)), text).toEqual(['variables = KeyMapper.from_torch(sd)']);
    const taken = [
      'def f(model, sd):\n    def inner():\n        return variables\n    model.load_state_dict(sd)\n',
      'def f(model, sd):\n    print(x, variables)\n    model.load_state_dict(sd)\n',
      'def f(model, sd):\n    for variables in []:\n        pass\n    model.load_state_dict(sd)\n',
    ];
    for (const text of taken) expect(assigned(await planText(text)), text).toEqual(['model_variables = KeyMapper.from_torch(sd)']);
  });

  it('numbers past the `own_N` names the scope uses, and reads `self.x_N` over the whole class', async () => {
    const text = `def f(model, sd, other):
    model.load_state_dict(sd)
    model_variables = 1
    model_variables_2 = 2
    other.model_variables_3 = 3
    model.load_state_dict(sd)
`;
    expect(assigned(await planText(text, { mapper: 'reference' }))).toEqual([
      'model_variables_3 = KeyMapper.from_torch(sd)',
      'model_variables_4 = KeyMapper.from_torch(sd)',
    ]);
    const cls = `class T:
    def setup(self):
        self.net_variables = None
        self.net_variables_2 = None

    def load(self, sd):
        self.net.load_state_dict(sd)
        self.net.load_state_dict(sd)
`;
    expect(assigned(await planText(cls, { mapper: 'reference' }))).toEqual([
      'self.net_variables_3 = KeyMapper.from_torch(sd)',
      'self.net_variables_4 = KeyMapper.from_torch(sd)',
    ]);
  });

  it('gives each of several rewrites in one function the name of its receiver', async () => {
    const plan = await planText(RESTORE, { mapper: 'reference' });
    expect(assigned(plan)).toEqual([
      'model_variables = KeyMapper.from_torch(ckpt["model"])',
      'unet_variables = KeyMapper.from_torch(ckpt["unet"])',
      'vae_variables = KeyMapper.from_torch(ckpt["vae"])',
    ]);
    expect(plan.sites.map((s) => s.target)).toEqual(['model_variables', 'unet_variables', 'vae_variables']);
    expect(plan.sites[0]?.targetWhy).toBe('`restore` has 3 calls to rewrite: each is named after its receiver, so that none overwrites another');
  });

  it('keeps `variables` for the one rewrite of a scope, each scope on its own', async () => {
    const plan = await planText('def a(model, sd):\n    model.load_state_dict(sd)\n\n\ndef b(net, sd):\n    net.load_state_dict(sd)\n');
    expect(assigned(plan)).toEqual(['variables = KeyMapper.from_torch(sd)', 'variables = KeyMapper.from_torch(sd)']);
    expect(plan.sites.map((s) => s.targetWhy)).toEqual([undefined, undefined]);
  });

  it('does not take `variables` where the scope already uses it: a parameter, an earlier assignment, a read, a global', async () => {
    const cases = [
      'def f(model, sd, variables):\n    model.load_state_dict(sd)\n',
      'def f(model, sd):\n    variables = {}\n    model.load_state_dict(sd)\n',
      'def f(model, sd):\n    model.load_state_dict(sd)\n    return variables\n',
      'def f(model, sd):\n    global variables\n    model.load_state_dict(sd)\n',
      'variables = 1\nmodel.load_state_dict(sd)\n',
      'from jax import variables\nmodel.load_state_dict(sd)\n',
    ];
    for (const text of cases) {
      const plan = await planText(text);
      expect(assigned(plan), text).toEqual(['model_variables = KeyMapper.from_torch(sd)']);
      expect(plan.sites[0]?.targetWhy, text).toMatch(/^`variables` is already used in (`f`|the module): named after the receiver$/);
    }
  });

  it('names `self.x` as an attribute, `pipe.x` and `models["x"]` by their last word, and numbers what would still collide', async () => {
    const text = `class Pipeline:
    def load(self, pipe, ckpt):
        self.unet.load_state_dict(ckpt["unet"])
        pipe.unet.load_state_dict(ckpt["unet"])
        self.models["vae"].load_state_dict(ckpt["vae"])
        self.model.module.load_state_dict(ckpt["model"])
        self.unet.load_state_dict(ckpt["unet_ema"])
        self.unet_variables_2 = None
`;
    const plan = await planText(text);
    expect(plan.sites.map((s) => s.target)).toEqual(['self.unet_variables', 'unet_variables', 'vae_variables', 'model_variables', 'self.unet_variables_3']);
  });

  it('takes a {name} template for every rewrite, a single one too', async () => {
    const single = await planText('def f(model, sd):\n    model.load_state_dict(sd)\n', { targetName: '{name}_params' });
    expect(assigned(single)).toEqual(['model_params = KeyMapper.from_torch(sd)']);
    const several = await planText(RESTORE, { targetName: 'params_{name}' });
    expect(several.sites.map((s) => s.target)).toEqual(['params_model', 'params_unet', 'params_vae']);
    // a receiver with no name of its own: the template without {name}
    const nameless = await planText('def f(m, n, sd):\n    getattr(m, n).load_state_dict(sd)\n', { targetName: '{name}_params', include: ['unknown'] });
    expect(assigned(nameless)).toEqual(['params = KeyMapper.from_torch(sd)']);
  });

  it('keeps `variables` for the one proposed rewrite beside a site that is not proposed, which gets a name of its own if accepted', async () => {
    const text = 'import torch\n\n\ndef resume(model, optimizer, ckpt):\n    model.load_state_dict(ckpt["model"])\n    optimizer.load_state_dict(ckpt["optimizer"])\n';
    const plan = await planText(text);
    expect(plan.sites.map((s) => [s.proposed, s.target])).toEqual([[true, 'variables'], [false, 'optimizer_variables']]);
    const everything = new Map<string, Decision>(plan.sites.map((s) => [s.id, { type: 'accepted' }]));
    const after = renderFile(plan, everything);
    expect(after).toContain('    variables = KeyMapper.from_torch(ckpt["model"])\n    optimizer_variables = KeyMapper.from_torch(ckpt["optimizer"])\n');
  });

  it('renames once the kinds are settled differently (the names follow what is proposed)', async () => {
    const text = 'def f(model, optimizer, sd):\n    model.load_state_dict(sd)\n    optimizer.load_state_dict(sd)\n';
    const alone = await planText(text);
    const both = await planText(text, { include: ['non-module'] });
    expect(alone.sites.map((s) => s.target)).toEqual(['variables', 'optimizer_variables']);
    expect(both.sites.map((s) => s.target)).toEqual(['model_variables', 'optimizer_variables']);
  });

  it('leaves a rewrite whose result is used unnamed, and the output parses with no name assigned twice in a scope', async () => {
    const text = `import torch


def resume(model, encoder, ckpt):
    model.load_state_dict(ckpt["model"])
    missing = encoder.load_state_dict(ckpt["encoder"])
    model.load_state_dict(ckpt["model_ema"])
    return missing
`;
    const plan = await planText(text, { mapper: 'reference' });
    const after = acceptAll(plan);
    expect(after).toContain('    model_variables = KeyMapper.from_torch(ckpt["model"])\n    missing = KeyMapper.from_torch(ckpt["encoder"])\n    model_variables_2 = KeyMapper.from_torch(ckpt["model_ema"])\n');
    expect(await pythonSyntaxErrors({ after })).toEqual({});
    // a second run proposes nothing
    const again = await planText(after, { mapper: 'reference' });
    expect(again.sites).toEqual([]);
  });

  it('a second run names a newly accepted site past the names the first run wrote', async () => {
    const text = 'def resume(model, optimizer, ckpt):\n    model.load_state_dict(ckpt["model"])\n    optimizer.load_state_dict(ckpt["optimizer"])\n';
    const first = await planText(text, { mapper: 'reference' });
    const after = renderFile(first, acceptProposed([first]));
    const second = await planText(after, { mapper: 'reference', include: ['non-module'] });
    expect(second.sites.map((s) => s.target)).toEqual(['optimizer_variables']);
  });
});

describe('names under the focused parse (statement depth)', () => {
  it('sees the default name used in a statement the focused parse left out, as a whole-file parse does', async () => {
    const filler = Array.from({ length: 40 }, (_, i) => `    step_${i} = ${i}\n`).join('');
    const selfFiller = Array.from({ length: 40 }, (_, i) => `        self.step_${i} = ${i}\n`).join('');
    const text = [
      'import torch',
      '',
      '',
      'def restore(model, sd):',
      '    model.load_state_dict(sd)',
      `${filler}    print(variables, model_variables_4)`,
      '',
      '',
      'class Trainer:',
      '    def load(self, sd):',
      '        self.unet.load_state_dict(sd)',
      '        self.vae.load_state_dict(sd)',
      '',
      '    def later(self):',
      `${selfFiller}        return self.unet_variables`,
      '',
    ].join('\n');
    const focused = await planText(text);
    const whole = await planFile('fixture.py', '/virtual/fixture.py', Buffer.from(text), DEFAULT_SCAN_OPTIONS, false);
    expect(focused.sites.map((s) => s.target)).toEqual(['model_variables', 'self.unet_variables_2', 'self.vae_variables']);
    expect(whole.sites.map((s) => s.target)).toEqual(focused.sites.map((s) => s.target));
  });
});

describe('--target-name templates', () => {
  const error = (argv: string[]) => {
    try {
      parseCli(argv);
      return null;
    } catch (e) {
      return (e as Error).message;
    }
  };

  it('accepts {name} with a prefix or suffix that makes an identifier', () => {
    expect(parseCli(['--target-name', '{name}_params']).targetName).toBe('{name}_params');
    expect(parseCli(['--target-name', 'flax_{name}']).targetName).toBe('flax_{name}');
  });

  it('refuses {name} alone, other braces, and templates that make no identifier', () => {
    expect(error(['--target-name', '{name}'])).toBe('--target-name "{name}" alone would assign each receiver to itself: add to it, such as {name}_params');
    expect(error(['--target-name', '{model}_params'])).toBe('--target-name takes a name or a template with {name}, such as {name}_params (got "{model}_params")');
    expect(error(['--target-name', '{name}-params'])).toBe(`--target-name must make a Python identifier with a receiver's name in {name} (got "{name}-params")`);
  });
});
