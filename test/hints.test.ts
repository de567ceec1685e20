/** Hints from source: the model class a site's evidence names, what its source says, and how the rewrite carries it. */
import { afterAll, describe, expect, it } from 'vitest';
import { renderFile, acceptProposed } from '../src/core/plan.js';
import { DEFAULT_SCAN_OPTIONS, scanProject } from '../src/core/scan.js';
import type { FilePlan, ScanEvent, ScanOptions, Site } from '../src/core/types.js';
import { cleanup, project, type Tree } from './helpers/project.js';
import { pythonSyntaxErrors } from './helpers/python.js';

afterAll(cleanup);

async function scan(files: Tree, options: Partial<ScanOptions> = {}, onEvent?: (e: ScanEvent) => void) {
  const root = await project(files);
  return scanProject(root, { ...DEFAULT_SCAN_OPTIONS, ...options }, onEvent);
}

/** The one site of `load.py`. */
async function siteOf(files: Tree, options: Partial<ScanOptions> = {}): Promise<Site> {
  const result = await scan(files, options);
  const sites = result.files.filter((f) => f.path === 'load.py').flatMap((f) => f.sites);
  expect(sites).toHaveLength(1);
  return sites[0] as Site;
}

const hintsOf = (site: Site) => Object.fromEntries((site.hints ?? []).map((h) => [h.module, h.value]));

/** A model file (classes under `import torch.nn as nn`) and a script that loads into `Net()`. */
function model(body: string, build = 'Net()'): Tree {
  return {
    'model.py': `import torch\nimport torch.nn as nn\n\n\n${body.trim()}\n`,
    'load.py': `import torch\n\nfrom model import Net\n\nmodel = ${build}\nmodel.load_state_dict(torch.load("ckpt.pt"))\n`,
  };
}

describe('the evidence names the model class', () => {
  it('for an instance, an attribute of one, and self; not for a model read through its owner or a mixed loop', async () => {
    const result = await scan({
      'nets.py': [
        'import torch.nn as nn',
        '',
        '',
        'class Encoder(nn.Module):',
        '    pass',
        '',
        '',
        'class Net(nn.Module):',
        '    def __init__(self):',
        '        super().__init__()',
        '        self.encoder = Encoder()',
        '',
        '    def restore(self, sd):',
        '        self.load_state_dict(sd)',
        '',
        '',
        'class Other(nn.Module):',
        '    pass',
        '',
      ].join('\n'),
      'load.py': [
        'from nets import Net, Other',
        '',
        '',
        'def main(sd):',
        '    net = Net()',
        '    net.load_state_dict(sd)',
        '    net.encoder.load_state_dict(sd)',
        '    net.head.load_state_dict(sd)',
        '    for m in [Net(), Other()]:',
        '        m.load_state_dict(sd)',
        '',
      ].join('\n'),
    });
    const sites = new Map(result.files.flatMap((f) => f.sites.map((s) => [`${s.path}:${s.line}`, s] as const)));
    expect(sites.get('load.py:6')?.evidence.class).toEqual({ path: 'nets.py', qualname: 'Net', line: 8 });
    expect(sites.get('load.py:7')?.evidence.class).toEqual({ path: 'nets.py', qualname: 'Encoder', line: 4 });
    expect(sites.get('load.py:8')?.kind).toBe('module'); // a model's attribute: its class is unknown
    expect(sites.get('load.py:8')?.evidence.class).toBeUndefined();
    expect(sites.get('load.py:10')?.kind).toBe('module');
    expect(sites.get('load.py:10')?.evidence.class).toBeUndefined();
    expect(sites.get('nets.py:14')?.evidence.class).toEqual({ path: 'nets.py', qualname: 'Net', line: 8 });
  });
});

describe('hints read from the model class', () => {
  it('an embedding its name does not announce; a Linear whose name (or container) does; nothing for the rest', async () => {
    const site = await siteOf(model(`
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.tokens = nn.Embedding(10, 4)
        self.wte = nn.Embedding(10, 4)
        self.pos_embed = nn.Linear(4, 4)
        self.time_embed = nn.Sequential(nn.Linear(4, 8), nn.SiLU(), nn.Linear(8, 4))
        self.proj = nn.Linear(4, 4)
`));
    expect(hintsOf(site)).toEqual({ tokens: 'embedding', pos_embed: 'kernel', 'time_embed.0': 'kernel', 'time_embed.2': 'kernel' });
    expect(site.hints?.find((h) => h.module === 'tokens')).toEqual({ module: 'tokens', value: 'embedding', text: 'nn.Embedding(10, 4)', path: 'model.py', line: 8 });
    expect(site.replacement).toBe(
      "variables = KeyMapper.from_torch(torch.load(\"ckpt.pt\"), hints={\n    'pos_embed': 'kernel',\n    'time_embed.0': 'kernel',\n    'time_embed.2': 'kernel',\n    'tokens': 'embedding',\n})",
    );
  });

  it("Conv1D (the project's or transformers') through ModuleList items and nested classes: linear_t under `*`", async () => {
    const site = await siteOf({
      'model.py': [
        'import torch.nn as nn',
        'from transformers.pytorch_utils import Conv1D as HFConv1D',
        '',
        '',
        'class Conv1D(nn.Module):',
        '    def __init__(self, nf, nx):',
        '        super().__init__()',
        '',
        '',
        'class Block(nn.Module):',
        '    def __init__(self, n):',
        '        super().__init__()',
        '        self.c_attn = Conv1D(3 * n, n)',
        '        self.c_proj = HFConv1D(n, n)',
        '',
        '',
        'class Net(nn.Module):',
        '    def __init__(self, n=8, layers=2):',
        '        super().__init__()',
        '        self.h = nn.ModuleList([Block(n) for _ in range(layers)])',
        '        self.pair = nn.ModuleList([Block(n), nn.ReLU(), Block(n)])',
        '',
      ].join('\n'),
      'load.py': 'from model import Net\n\nnet = Net()\nnet.load_state_dict(sd)\n',
    });
    expect(hintsOf(site)).toEqual({
      'h.*.c_attn': 'linear_t',
      'h.*.c_proj': 'linear_t',
      'pair.0.c_attn': 'linear_t',
      'pair.0.c_proj': 'linear_t',
      'pair.2.c_attn': 'linear_t',
      'pair.2.c_proj': 'linear_t',
    });
  });

  it.each([
    ['a literal', 'self.attn = nn.MultiheadAttention(16, 4)', 'Net()', 4, undefined],
    ['num_heads=', 'self.attn = nn.MultiheadAttention(16, num_heads=2, batch_first=True)', 'Net()', 2, undefined],
    ["an argument's default", 'self.attn = nn.MultiheadAttention(16, heads)', 'Net()', 8, 'the default of `heads` in `Net.__init__` (model.py:5)'],
    ['the call that builds the model', 'self.attn = nn.MultiheadAttention(16, heads)', 'Net(heads=2)', 2, '`heads` of `Net.__init__` is given by `Net(heads=2)` (load.py:5)'],
    ['arithmetic on self.x', 'self.width = 64\n        self.attn = nn.MultiheadAttention(self.width, self.width // 16)', 'Net()', 4, undefined],
    ['a module constant', 'self.attn = nn.MultiheadAttention(16, N_HEAD)', 'Net()', 2, '`N_HEAD` (model.py:11)'],
  ])('an attention head count from %s', async (_what, line, build, heads, note) => {
    const site = await siteOf(model(`
class Net(nn.Module):
    def __init__(self, heads=8):
        super().__init__()
        ${line}


N_HEAD = 2
`, build));
    expect(hintsOf(site)).toEqual({ attn: `attention:${heads}` });
    expect(site.hints?.[0]?.note).toBe(note === undefined ? undefined : `${heads} heads: ${note}`);
    expect(site.warnings).toEqual([]);
  });

  it('a head count from a config: an annotated argument, or the one class with that field; through the class that passes it on', async () => {
    const files = (annotation: string) => ({
      'config.py': 'from dataclasses import dataclass\n\n\n@dataclass\nclass GPTConfig:\n    n_embd: int = 32\n    n_head: int = 4\n',
      'model.py': [
        'import torch.nn as nn',
        'from config import GPTConfig',
        '',
        '',
        'class Block(nn.Module):',
        `    def __init__(self, ${annotation}):`,
        '        super().__init__()',
        '        self.n_head = config.n_head',
        '        self.attn = nn.MultiheadAttention(config.n_embd, self.n_head)',
        '',
        '',
        'class Net(nn.Module):',
        `    def __init__(self, ${annotation}):`,
        '        super().__init__()',
        '        self.blocks = nn.ModuleList()',
        '        for _ in range(2):',
        '            self.blocks.append(Block(config))',
        '',
      ].join('\n'),
      'load.py': 'from config import GPTConfig\nfrom model import Net\n\nmodel = Net(GPTConfig())\nmodel.load_state_dict(sd)\n',
    });
    for (const annotation of ['config: GPTConfig', 'config']) {
      const site = await siteOf(files(annotation));
      expect(hintsOf(site)).toEqual({ 'blocks.*.attn': 'attention:4' });
      expect(site.hints?.[0]?.note).toBe('4 heads: the default of `GPTConfig.n_head` (config.py:5)');
    }
  });

  it('no head count from a run-time argument: no hint, and the warning says why and what to add', async () => {
    const site = await siteOf(model(`
class Net(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.attn = nn.MultiheadAttention(d, heads)
`, 'Net(args.d, args.heads)'));
    expect(site.hints).toBeUndefined();
    expect(site.replacement).toBe('variables = KeyMapper.from_torch(torch.load("ckpt.pt"))');
    expect(site.warnings).toEqual([
      "hints: no head count for the attention at 'attn', `nn.MultiheadAttention(d, heads)` (model.py:8): `args.heads` is a value of the code that builds the model. KeyMapper leaves its kernels 2-D and warns: add 'attn': 'attention:H' to hints=",
    ]);
  });

  it("torch's transformer layers: a local layer given to TransformerEncoder, nn.Transformer's default of 8", async () => {
    const site = await siteOf(model(`
class Net(nn.Module):
    def __init__(self, d=32):
        super().__init__()
        layer = nn.TransformerEncoderLayer(d, nhead=4, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=2)
        self.decoder = nn.TransformerDecoder(nn.TransformerDecoderLayer(d, 2), 2)
        self.both = nn.Transformer(d_model=d)
`));
    expect(hintsOf(site)).toEqual({
      'both.decoder.layers.*.multihead_attn': 'attention:8',
      'both.decoder.layers.*.self_attn': 'attention:8',
      'both.encoder.layers.*.self_attn': 'attention:8',
      'decoder.layers.*.multihead_attn': 'attention:2',
      'decoder.layers.*.self_attn': 'attention:2',
      'encoder.layers.*.self_attn': 'attention:4',
    });
  });

  it('containers: Sequential(OrderedDict), ModuleDict, a list held in a local, deepcopy', async () => {
    const site = await siteOf(model(`
from collections import OrderedDict
import copy


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.seq = nn.Sequential(OrderedDict([("lookup", nn.Embedding(5, 4)), ("act", nn.ReLU())]))
        self.heads = nn.ModuleDict({"words": nn.Embedding(5, 4), "proj": nn.Linear(4, 4)})
        layers = [nn.Embedding(5, 4), nn.Embedding(5, 4)]
        self.tables = nn.Sequential(*layers)
        self.copy = copy.deepcopy(nn.Embedding(5, 4))
`));
    expect(hintsOf(site)).toEqual({ copy: 'embedding', 'heads.words': 'embedding', 'seq.lookup': 'embedding', 'tables.0': 'embedding', 'tables.1': 'embedding' });
  });

  it("a base class's modules, a subclass's own overriding them; a layer subclass; a class that builds itself ends", async () => {
    const site = await siteOf(model(`
class Lookup(nn.Embedding):
    pass


class Base(nn.Module):
    def __init__(self):
        super().__init__()
        self.tokens = nn.Embedding(10, 4)
        self.pos_embed = nn.Embedding(10, 4)


class Net(Base):
    def __init__(self, depth=2):
        super().__init__()
        self.pos_embed = nn.Linear(4, 4)
        self.ids = Lookup(10, 4)
        self.child = Net(depth - 1) if depth else None
`));
    expect(hintsOf(site)).toEqual({ ids: 'embedding', pos_embed: 'kernel', tokens: 'embedding' });
  });

  it('one module built two ways in one class: no hint, a warning naming both', async () => {
    const site = await siteOf(model(`
class Net(nn.Module):
    def __init__(self, tied=False):
        super().__init__()
        if tied:
            self.out = nn.Embedding(10, 4)
        else:
            self.out = nn.Linear(4, 10)
`));
    expect(site.hints).toBeUndefined();
    expect(site.warnings).toEqual(["hints: 'out' is built more than one way (`nn.Embedding(10, 4)` (model.py:9), `nn.Linear(4, 10)` (model.py:11)): no hint is written for it"]);
  });

  it('only for the flax mapper (the reference class takes no hints)', async () => {
    const files = model('class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.tokens = nn.Embedding(10, 4)\n');
    expect(hintsOf(await siteOf(files))).toEqual({ tokens: 'embedding' });
    const reference = await siteOf(files, { mapper: 'reference' });
    expect(reference.hints).toBeUndefined();
    expect(reference.replacement).toBe('variables = KeyMapper.from_torch(torch.load("ckpt.pt"))');
  });

  it('settled again at the end of the scan, when the class is in a file read after the site', async () => {
    const streamed: FilePlan[] = [];
    const result = await scan(
      {
        'a_load.py': 'from z_model import Net\n\nmodel = Net()\nmodel.load_state_dict(sd)\n',
        'z_model.py': 'import torch.nn as nn\n\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.tokens = nn.Embedding(10, 4)\n',
      },
      {},
      (e) => {
        if (e.type === 'file') streamed.push(e.plan);
      },
    );
    expect(streamed[0]?.sites[0]?.hints).toBeUndefined();
    expect(result.files[0]?.sites[0]?.replacement).toBe("variables = KeyMapper.from_torch(sd, hints={'tokens': 'embedding'})");
  });
});

describe('a model file with characters beyond ASCII', () => {
  it('the class is found where its bytes say, though characters and bytes differ before it', async () => {
    const site = await siteOf(model(`
# Modèle de référence — 参考模型 (the class starts 30 bytes after its characters do)
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.tokens = nn.Embedding(10, 4)  # «jetons»
`));
    expect(hintsOf(site)).toEqual({ tokens: 'embedding' });
    expect(site.hints?.[0]).toMatchObject({ text: 'nn.Embedding(10, 4)', path: 'model.py', line: 9 });
  });
});

describe('a model file with a long run of comment lines', () => {
  it("the class is parsed with the run blanked (tree-sitter-python's scanner is quadratic in it): the same hints, the text read a few times, not hundreds", async () => {
    // commented-out layers between the class and the end of the file (the plan's own parse blanked
    // them already; reading the class for its hints did not, and took 15 s on a 1 MB file)
    const run = Array.from({ length: 600 }, (_, i) => `# self.old_layer_${i} = nn.Linear(${i}, ${i})  ${'-'.repeat(80)}`).join('\n');
    const files = model(`class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.tokens = nn.Embedding(10, 4)\n\n${run}\n`);
    const { getParser } = await import('../src/core/parser.js');
    const prototype = Object.getPrototypeOf(await getParser()) as { parse: (input: unknown, ...rest: unknown[]) => unknown };
    const parse = prototype.parse;
    let longest = 0;
    prototype.parse = function (input: unknown, ...rest: unknown[]) {
      if (typeof input !== 'function') return parse.call(this, input, ...rest);
      let read = 0;
      const counted = (...args: unknown[]) => {
        const chunk = (input as (...a: unknown[]) => string | undefined)(...args);
        read += chunk?.length ?? 0;
        return chunk;
      };
      try {
        return parse.call(this, counted, ...rest);
      } finally {
        longest = Math.max(longest, read);
      }
    };
    let site: Site;
    try {
      site = await siteOf(files);
    } finally {
      prototype.parse = parse;
    }
    expect(hintsOf(site)).toEqual({ tokens: 'embedding' });
    // no parse read more than a few times the model file (about 75 kB): unblanked, the scanner read it over and over (about 20 MB)
    expect(longest).toBeGreaterThan(0);
    expect(longest).toBeLessThan(10 * (files['model.py'] as string).length);
  });
});

describe('the rewrite carries hints= after the state', () => {
  const net = 'import torch.nn as nn\n\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.tokens = nn.Embedding(10, 4)\n';
  const cases: Array<[string, string, string]> = [
    ['dropped strict=', 'model.load_state_dict(sd, strict=False)', "variables = KeyMapper.from_torch(sd, hints={'tokens': 'embedding'})"],
    ['the state by keyword', 'model.load_state_dict(state_dict=sd)', "variables = KeyMapper.from_torch(sd, hints={'tokens': 'embedding'})"],
    ['a used result', 'missing, unexpected = model.load_state_dict(sd)', "missing, unexpected = KeyMapper.from_torch(sd, hints={'tokens': 'embedding'})"],
    ['a multi-line call with a comment and a trailing comma', 'model.load_state_dict(\n    sd,  # the weights\n)', "variables = KeyMapper.from_torch(\n    sd, hints={'tokens': 'embedding'},  # the weights\n)"],
  ];
  it.each(cases)('%s', async (_what, call, rewritten) => {
    const result = await scan({ 'm.py': net, 'load.py': `from m import Net\n\nmodel = Net()\n${call}\n` });
    const plan = result.files.find((f) => f.path === 'load.py') as FilePlan;
    const text = renderFile(plan, acceptProposed([plan]));
    expect(text).toContain(`\nmodel = Net()\n${rewritten}\n`);
    expect(await pythonSyntaxErrors({ text })).toEqual({});
  });

  it('a long one goes one entry a line, indented from its line, with the file\'s line endings', async () => {
    const source = 'import torch.nn as nn\n\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.tokens = nn.Embedding(10, 4)\n        self.positions = nn.Embedding(10, 4)\n';
    const load = 'from m import Net\r\n\r\n\r\ndef restore(path):\r\n    model = Net()\r\n    model.load_state_dict(torch.load(path, map_location="cpu"))\r\n';
    const result = await scan({ 'm.py': source, 'load.py': load });
    const plan = result.files.find((f) => f.path === 'load.py') as FilePlan;
    const text = renderFile(plan, acceptProposed([plan]));
    expect(text).toContain(
      "    variables = KeyMapper.from_torch(torch.load(path, map_location=\"cpu\"), hints={\r\n        'positions': 'embedding',\r\n        'tokens': 'embedding',\r\n    })\r\n",
    );
    expect(await pythonSyntaxErrors({ text: text.replace(/\r\n/g, '\n') })).toEqual({});
  });
});
