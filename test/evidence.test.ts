/** Receiver kinds from evidence: each rule, resolution across files, shadowing, and the evidence each site carries. */
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_SCAN_OPTIONS, scanProject } from '../src/core/scan.js';
import type { Site } from '../src/core/types.js';
import { cleanup, project, type Tree } from './helpers/project.js';

afterAll(cleanup);

/** Every site of a temp project, keyed `path:line`. */
async function sitesOf(files: Tree): Promise<Map<string, Site>> {
  const root = await project(files);
  const result = await scanProject(root, DEFAULT_SCAN_OPTIONS);
  return new Map(result.files.flatMap((f) => f.sites.map((s) => [`${s.path}:${s.line}`, s] as const)));
}

/** `receiver -> kind` for a one-file project (receivers unique in the file). */
async function kindsOf(source: string, extra: Tree = {}): Promise<Record<string, string>> {
  const sites = await sitesOf({ 'main.py': source, ...extra });
  return Object.fromEntries([...sites.values()].filter((s) => s.path === 'main.py').map((s) => [s.receiver, s.kind]));
}

describe('the issue\'s examples', () => {
  it('classify from what the project says', async () => {
    const sites = await sitesOf({
      'pkg/__init__.py': 'from .training_utils import EMAModel\n',
      'pkg/training_utils.py': 'class EMAModel:\n    def __init__(self, parameters):\n        self.shadow = list(parameters)\n\n    def load_state_dict(self, sd):\n        self.shadow = sd\n',
      'pkg/models.py': 'import torch.nn as nn\n\n\nclass UNet(nn.Module):\n    pass\n',
      'train.py': [
        'import torch',
        'from pkg import EMAModel',
        'from pkg.models import UNet',
        '',
        '',
        'class Tracker:',
        '    def load_state_dict(self, sd):',
        '        self.sd = sd',
        '',
        '',
        'def main(ckpt, h, sd, state):',
        '    unet = UNet()',
        '    optimizer1 = torch.optim.SGD(unet.parameters(), lr=0.1)',
        '    optimizer1.load_state_dict(ckpt["opt"])',
        '    t = Tracker()',
        '    t.load_state_dict(sd)',
        '    ema_model = EMAModel(unet.parameters())',
        '    ema_model.load_state_dict(state)',
        '    for obj in [h, t]: obj.load_state_dict(sd)',
        '    unet.load_state_dict(ckpt["unet"])',
        '',
      ].join('\n'),
    });
    const at = (line: number) => sites.get(`train.py:${line}`) as Site;
    expect([14, 16, 18, 19, 20].map((l) => [at(l).receiver, at(l).kind, at(l).proposed])).toEqual([
      ['optimizer1', 'non-module', false],
      ['t', 'non-module', false],
      ['ema_model', 'non-module', false],
      ['obj', 'unknown', false],
      ['unet', 'module', true],
    ]);
    expect(at(18).evidence).toEqual({
      rule: 'assignment',
      text: 'ema_model = EMAModel(unet.parameters())',
      path: 'train.py',
      line: 17,
      note: '`ema_model` is `EMAModel(...)` (train.py:17); `EMAModel` (pkg/training_utils.py:1) is not an nn.Module',
    });
    expect(at(14).evidence.note).toBe('`optimizer1` is `torch.optim.SGD(...)` (train.py:13); `torch.optim.SGD` is a torch optimizer');
    expect(at(20).evidence.note).toBe('`unet` is `UNet()` (train.py:12); `UNet` (pkg/models.py:4) derives from torch.nn.Module');
    expect(at(19).evidence.note).toBe('`obj` loops over `[h, t]` (train.py:19): `h` is unknown, `t` is not a model');
    expect(at(14).reason).toBe(at(14).evidence.note);
    expect(at(20).reason).toBe('');
  });
});

describe('each rule', () => {
  it('override: super() and Base.load_state_dict(self, ...) forward to torch', async () => {
    const kinds = await kindsOf(
      'import torch.nn as nn\n\n\nclass A(nn.Module):\n    def load_state_dict(self, sd, strict=True):\n        nn.Module.load_state_dict(self, sd, strict)\n\n\nclass B(A):\n    def load_state_dict(self, sd):\n        return super().load_state_dict(sd)\n',
    );
    expect(kinds).toEqual({ 'nn.Module': 'super', 'super()': 'super' });
  });

  it('an isinstance guard decides before the name', async () => {
    const kinds = await kindsOf(
      'import torch\n\n\ndef f(model, opt, sd):\n    if isinstance(model, torch.optim.Optimizer):\n        model.load_state_dict(sd)\n    assert isinstance(opt, torch.nn.Module)\n    opt.load_state_dict(sd)\n',
    );
    expect(kinds).toEqual({ model: 'non-module', opt: 'module' });
  });

  it('an assignment from a constructor or factory: torch, timm, torchvision, from_pretrained, a project class', async () => {
    const kinds = await kindsOf(
      [
        'import timm',
        'import torchvision',
        'from torch.optim.lr_scheduler import CosineAnnealingLR',
        'from transformers import AutoModel',
        'from torch.cuda.amp import GradScaler',
        '',
        '',
        'def f(sd, opt):',
        '    a = timm.create_model("resnet50")',
        '    a.load_state_dict(sd)',
        '    b = torchvision.models.resnet18()',
        '    b.load_state_dict(sd)',
        '    c = CosineAnnealingLR(opt, 10)',
        '    c.load_state_dict(sd)',
        '    d = AutoModel.from_pretrained("bert-base-uncased")',
        '    d.load_state_dict(sd)',
        '    e = GradScaler()',
        '    e.load_state_dict(sd)',
        '',
      ].join('\n'),
    );
    expect(kinds).toEqual({ a: 'module', b: 'module', c: 'non-module', d: 'module', e: 'non-module' });
  });

  it('a parameter annotation (Optional, a string, a project class)', async () => {
    const kinds = await kindsOf(
      'from typing import Optional\nimport torch\nfrom torch import nn\n\n\nclass Meter:\n    pass\n\n\ndef f(x: Optional[nn.Module], y: "torch.optim.Optimizer", z: Meter, sd):\n    x.load_state_dict(sd)\n    y.load_state_dict(sd)\n    z.load_state_dict(sd)\n',
    );
    expect(kinds).toEqual({ x: 'module', y: 'non-module', z: 'non-module' });
  });

  it('a loop: over one kind of object, over mixed objects, over .modules()', async () => {
    const kinds = await kindsOf(
      'import torch\nfrom torch import nn\n\n\ndef f(sd, root):\n    enc, dec = nn.Linear(2, 2), nn.Linear(2, 2)\n    opt = torch.optim.SGD([], lr=1)\n    for m in [enc, dec]:\n        m.load_state_dict(sd)\n    for x in (enc, opt):\n        x.load_state_dict(sd)\n    for sub in root.modules():\n        sub.load_state_dict(sd)\n',
    );
    expect(kinds).toEqual({ m: 'module', x: 'unknown', sub: 'module' });
  });

  it('with ... as, copy.deepcopy, accelerator.prepare with tuple targets, .to(device)', async () => {
    const kinds = await kindsOf(
      [
        'import copy',
        'import torch',
        'from accelerate import Accelerator',
        'from models import Net',
        '',
        '',
        'def f(sd, device, p):',
        '    accelerator = Accelerator()',
        '    net, optimizer = accelerator.prepare(Net(), torch.optim.AdamW([], lr=1))',
        '    net.load_state_dict(sd)',
        '    optimizer.load_state_dict(sd)',
        '    shadow = copy.deepcopy(net)',
        '    shadow.load_state_dict(sd)',
        '    moved = Net().to(device)',
        '    moved.load_state_dict(sd)',
        '    with torch.no_grad(), open(p) as fh:',
        '        pass',
        '',
      ].join('\n'),
      { 'models.py': 'import torch.nn as nn\n\n\nclass Net(nn.Module):\n    pass\n' },
    );
    expect(kinds).toEqual({ net: 'module', optimizer: 'non-module', shadow: 'module', moved: 'module' });
  });

  it('self.X: its assignments in the class, else in a project base in another file', async () => {
    const sites = await sitesOf({
      'base.py': [
        'import torch',
        '',
        '',
        'class BaseTrainer:',
        '    def __init__(self, model):',
        '        self.model = model',
        '        self.optimizer = torch.optim.Adam(model.parameters())',
        '        self.lr_scheduler = build_scheduler(self.optimizer)',
        '',
      ].join('\n'),
      'trainer.py': [
        'from base import BaseTrainer',
        'from ema import Ema',
        '',
        '',
        'class Trainer(BaseTrainer):',
        '    def __init__(self, model):',
        '        super().__init__(model)',
        '        self.ema = Ema(model)',
        '',
        '    def load(self, ckpt):',
        '        self.model.load_state_dict(ckpt["model"])',
        '        self.optimizer.load_state_dict(ckpt["optimizer"])',
        '        self.ema.load_state_dict(ckpt["ema"])',
        '        self.lr_scheduler.load_state_dict(ckpt["lr_scheduler"])',
        '',
      ].join('\n'),
      'ema.py': 'import torch.nn as nn\n\n\nclass Ema(nn.Module):\n    pass\n',
    });
    const at = (line: number) => sites.get(`trainer.py:${line}`) as Site;
    expect([11, 12, 13, 14].map((l) => at(l).kind)).toEqual(['module', 'non-module', 'module', 'non-module']);
    expect(at(12).evidence).toMatchObject({ rule: 'inherited', path: 'base.py', line: 7 });
    expect(at(12).evidence.note).toContain('`torch.optim.Adam` is a torch optimizer');
    expect(at(13).evidence).toMatchObject({ rule: 'attribute', path: 'trainer.py', line: 8 });
  });

  it('usage near the site, when nothing binds the receiver', async () => {
    const kinds = await kindsOf(
      'def f(a, b, c, sd):\n    a.eval()\n    a.load_state_dict(sd)\n    b.step()\n    b.load_state_dict(sd)\n    print(c.param_groups)\n    c.load_state_dict(sd)\n',
    );
    expect(kinds).toEqual({ a: 'module', b: 'non-module', c: 'non-module' });
  });

  it('only last, the name: words split at digits and case; a name that says nothing is unknown', async () => {
    const kinds = await kindsOf(
      'def f(optimizer1, netG, schedulerD, x, sd):\n    optimizer1.load_state_dict(sd)\n    netG.load_state_dict(sd)\n    schedulerD.load_state_dict(sd)\n    x.load_state_dict(sd)\n',
    );
    expect(kinds).toEqual({ optimizer1: 'non-module', netG: 'module', schedulerD: 'non-module', x: 'unknown' });
  });

  it('the state\'s name when the receiver\'s says nothing', async () => {
    const kinds = await kindsOf('def f(a, b, ckpt, sd):\n    a.load_state_dict(ckpt["optimizer"])\n    b.load_state_dict(sd)\n');
    expect(kinds).toEqual({ a: 'non-module', b: 'unknown' });
  });

  it('an imported module: `import m` always, `from m import x` when x is a module', async () => {
    const kinds = await kindsOf(
      'import torch.distributed.checkpoint as dcp\nfrom torch.distributed import checkpoint\nfrom pkg import helpers\nimport torch\n\n\ndef f(sd):\n    dcp.load_state_dict(sd, None)\n    checkpoint.load_state_dict(sd)\n    helpers.load_state_dict(sd)\n    torch.distributed.checkpoint.load_state_dict(sd)\n',
      { 'pkg/__init__.py': '', 'pkg/helpers.py': 'def load_state_dict(sd):\n    return sd\n' },
    );
    expect(kinds).toEqual({ dcp: 'non-module', checkpoint: 'non-module', helpers: 'non-module', 'torch.distributed.checkpoint': 'non-module' });
  });

  it('shadowing: the binding wins over the name, the nearest binding over earlier ones', async () => {
    const kinds = await kindsOf(
      'from torch import nn\n\n\nclass Tracker:\n    pass\n\n\ndef f(sd):\n    model = Tracker()\n    model.load_state_dict(sd)\n\n\ndef g(sd):\n    opt = Tracker()\n    opt = nn.Linear(2, 2)\n    opt.load_state_dict(sd)\n',
    );
    expect(kinds).toEqual({ model: 'non-module', opt: 'module' });
  });

  it('a module-level binding, for a script and for a function using a global', async () => {
    const kinds = await kindsOf(
      'import torch\nfrom torch import nn\n\nnet = nn.Linear(2, 2)\nopt = torch.optim.SGD(net.parameters(), lr=1)\n\n\ndef resume(sd):\n    opt.load_state_dict(sd["opt"])\n\n\nnet.load_state_dict(torch.load("w.pt"))\n',
    );
    expect(kinds).toEqual({ opt: 'non-module', net: 'module' });
  });
});

describe('rules found on real-shaped code', () => {
  it('self is the enclosing class; cls(...) in a classmethod and type(self)(...) are instances of it', async () => {
    const kinds = await kindsOf(
      [
        'from torch import nn',
        '',
        '',
        'class Net(nn.Module):',
        '    def restore(self, sd):',
        '        self.load_state_dict(sd)',
        '',
        '',
        'class Ema:',
        '    @classmethod',
        '    def from_pretrained(cls, sd):',
        '        ema = cls()',
        '        ema.load_state_dict(sd)',
        '',
        '    def clone(self, sd):',
        '        other = type(self)()',
        '        other.load_state_dict(sd)',
        '',
      ].join('\n'),
    );
    expect(kinds).toEqual({ self: 'module', ema: 'non-module', other: 'non-module' });
  });

  it('self.method(): what the method returns; Class.from_x(...) builds the class, Class.build_model(...) what its name says', async () => {
    const kinds = await kindsOf(
      [
        'from torch import nn',
        '',
        '',
        'class Tracker:',
        '    @classmethod',
        '    def FromModel(cls, model):',
        '        return cls()',
        '',
        '    @classmethod',
        '    def build_model(cls, cfg):',
        '        return None',
        '',
        '',
        'class Task:',
        '    def __init__(self, criterion):',
        '        self._loss = nn.CrossEntropyLoss()',
        '',
        '    def get_loss(self):',
        '        return self._loss',
        '',
        '    def load(self, sd, net):',
        '        self.get_loss().load_state_dict(sd)',
        '        state = Tracker.FromModel(net)',
        '        state.load_state_dict(sd)',
        '        built = Tracker.build_model(sd)',
        '        built.load_state_dict(sd)',
        '',
      ].join('\n'),
    );
    expect(kinds).toEqual({ 'self.get_loss()': 'module', state: 'non-module', built: 'module' });
  });

  it('the else of an isinstance(x, nn.Module) check is not a module', async () => {
    const sites = await sitesOf({
      'main.py': 'import torch\n\n\ndef load(obj, sd):\n    if isinstance(obj, torch.nn.Module):\n        obj.load_state_dict(sd, strict=True)\n    else:\n        obj.load_state_dict(sd)\n',
    });
    expect([...sites.values()].map((s) => [s.line, s.kind])).toEqual([[6, 'module'], [8, 'non-module']]);
    expect(sites.get('main.py:8')?.evidence.note).toBe('`obj` fails `isinstance(obj, torch.nn.Module)` (main.py:5): it is not an nn.Module there');
  });

  it("a model's attribute is a submodule; a factory named for building is judged by what it is given; .to() alone says nothing", async () => {
    const kinds = await kindsOf(
      [
        'import torchvision',
        'from util import instantiate_from_config',
        '',
        '',
        'def f(sd, config, metric, device, thing):',
        '    model = torchvision.models.resnet50()',
        '    body = model.features',
        '    body.load_state_dict(sd)',
        '    x = instantiate_from_config(config.model)',
        '    x.load_state_dict(sd)',
        '    m = metric.to(device)',
        '    m.load_state_dict(sd)',
        '    n = thing.to(device)',
        '    n.load_state_dict(sd)',
        '',
      ].join('\n'),
      { 'util.py': 'def instantiate_from_config(cfg):\n    return cfg\n' },
    );
    expect(kinds).toEqual({ body: 'module', x: 'module', m: 'non-module', n: 'unknown' });
  });
});

describe('rules found on the held-out corpus', () => {
  it('names: the last word that says something decides; a source after from/for/of does not', async () => {
    const kinds = await kindsOf(
      'def f(sd, model_optimizer, ema_model, model_ema, net_for_optimizer):\n    model_optimizer.load_state_dict(sd)\n    ema_model.load_state_dict(sd)\n    model_ema.load_state_dict(sd)\n    net_for_optimizer.load_state_dict(sd)\n',
    );
    expect(kinds).toEqual({ model_optimizer: 'non-module', ema_model: 'module', model_ema: 'non-module', net_for_optimizer: 'module' });
  });

  it("a container's name counts only when the receiver's own says nothing; a subscript's key is its own name", async () => {
    const kinds = await kindsOf(
      'def f(sd, ckpt, ema_sources, nets):\n    for module in ema_sources:\n        module.load_state_dict(sd)\n    for x in nets:\n        x.load_state_dict(sd)\n    ckpt["model"].load_state_dict(sd)\n    ckpt["optimizer"].load_state_dict(sd)\n',
    );
    expect(kinds).toEqual({ module: 'module', x: 'module', 'ckpt["model"]': 'module', 'ckpt["optimizer"]': 'non-module' });
  });

  it('an attribute of a project object: what its class (or a base in another file) sets self.<attr> to', async () => {
    const sites = await sitesOf({
      'utils.py': [
        'from copy import deepcopy',
        '',
        '',
        'class ModelEMA:',
        '    def __init__(self, model):',
        '        self.ema = deepcopy(de_parallel(model)).eval()',
        '        self.updates = 0',
        '',
        '',
        'class Brain:',
        '    def __init__(self, modules):',
        '        self.modules = torch.nn.ModuleDict(modules)',
        '        self.opt = make_optimizer()',
        '',
      ].join('\n'),
      'main.py': [
        'from utils import Brain, ModelEMA',
        '',
        '',
        'class ASR(Brain):',
        '    def load(self, sd):',
        '        self.modules.enc.load_state_dict(sd)',
        '',
        '',
        'def resume(sd, model, hooks):',
        '    ema = ModelEMA(model)',
        '    ema.ema.load_state_dict(sd)',
        '    for hook in hooks:',
        '        if type(hook).__name__ == "ModelEMA" and sd:',
        '            hook.ema.load_state_dict(sd)',
        '',
      ].join('\n'),
    });
    expect([6, 11, 14].map((l) => sites.get(`main.py:${l}`)?.kind)).toEqual(['module', 'module', 'module']);
    expect(sites.get('main.py:11')?.evidence).toMatchObject({ rule: 'inherited', path: 'utils.py', line: 6 });
  });

  it('an item of what a known factory returns as a tuple; called and stepped at once says nothing', async () => {
    const kinds = await kindsOf(
      'import clip\nimport deepspeed\n\n\ndef f(sd, batch, args, net):\n    model, preprocess = clip.load("ViT-B/32")\n    model.visual.load_state_dict(sd)\n    engine, opt, _, sched = deepspeed.initialize(args=args, model=net)\n    engine.load_state_dict(sd)\n    opt.load_state_dict(sd)\n    thing(batch)\n    thing.step()\n    thing.load_state_dict(sd)\n',
    );
    expect(kinds).toEqual({ 'model.visual': 'module', engine: 'module', opt: 'non-module', thing: 'unknown' });
  });
});

describe('resolving classes across the project', () => {
  it('follows a two-step chain of bases through imports, relative and absolute, and a package re-export', async () => {
    const kinds = await kindsOf(
      'from lib import Top, Plain\n\n\ndef f(sd):\n    a = Top()\n    a.load_state_dict(sd)\n    b = Plain()\n    b.load_state_dict(sd)\n',
      {
        'lib/__init__.py': 'from .top import Top\nfrom lib.plain import Plain\n',
        'lib/top.py': 'from .middle import Middle\n\n\nclass Top(Middle):\n    pass\n',
        'lib/middle.py': 'import torch\n\n\nclass Middle(torch.nn.Module):\n    pass\n',
        'lib/plain.py': 'from abc import ABC\n\n\nclass Plain(ABC):\n    def load_state_dict(self, sd):\n        pass\n',
      },
    );
    expect(kinds).toEqual({ a: 'module', b: 'non-module' });
  });

  it('looks through star imports', async () => {
    const kinds = await kindsOf('from zoo import *\n\n\ndef f(sd):\n    v = Vit()\n    v.load_state_dict(sd)\n', {
      'zoo/__init__.py': 'from .vit import *\n',
      'zoo/vit.py': 'from torch import nn\n\n\nclass Vit(nn.Module):\n    pass\n\n\nclass Vit2:\n    pass\n',
      'other/vit.py': 'class Vit:\n    pass\n',
    });
    expect(kinds).toEqual({ v: 'module' });
  });

  it('cuts an import cycle and a cycle of bases instead of hanging', async () => {
    const kinds = await kindsOf('from a import A\n\n\ndef f(sd):\n    x = A()\n    x.load_state_dict(sd)\n', {
      'a.py': 'from b import B\n\n\nclass A(B):\n    pass\n',
      'b.py': 'from a import A\n\n\nclass B(A):\n    pass\n',
    });
    expect(kinds).toEqual({ x: 'non-module' });
  });

  it('judges a class the project does not define by its name, and a base nothing defines leaves the class unresolved', async () => {
    const kinds = await kindsOf(
      'from somelib import FancyNet, Thing\nfrom local import Holder\n\n\ndef f(sd):\n    a = FancyNet()\n    a.load_state_dict(sd)\n    b = Thing()\n    b.load_state_dict(sd)\n    c = Holder()\n    c.load_state_dict(sd)\n',
      { 'local.py': 'from somelib import Base\n\n\nclass Holder(Base):\n    pass\n' },
    );
    expect(kinds).toEqual({ a: 'module', b: 'unknown', c: 'unknown' });
  });
});

describe('--include unknown', () => {
  it('proposes the unknown sites too', async () => {
    const root = await project({ 'main.py': 'def f(x, sd):\n    x.load_state_dict(sd)\n' });
    const plain = await scanProject(root, DEFAULT_SCAN_OPTIONS);
    const included = await scanProject(root, { ...DEFAULT_SCAN_OPTIONS, include: ['unknown'] });
    expect(plain.files[0]?.sites[0]).toMatchObject({ kind: 'unknown', proposed: false });
    expect(included.files[0]?.sites[0]).toMatchObject({ kind: 'unknown', proposed: true, reason: '' });
  });
});

describe('the project index', () => {
  it("keeps the bytes of the files it read last, not of every file it read (memory that grew with the project)", async () => {
    const { ProjectIndex } = await import('../src/core/evidence/index.js');
    const reads: string[] = [];
    const index = new ProjectIndex((path) => {
      reads.push(path);
      return Buffer.from(`# ${path}\n`);
    });
    const files = Array.from({ length: 200 }, (_, k) => `m${k}.py`);
    for (const f of files) expect(index.bytesOf(f)?.toString()).toBe(`# ${f}\n`);
    index.bytesOf('m199.py'); // kept: read last
    expect(reads).toHaveLength(200);
    index.bytesOf('m0.py'); // read again: the first files are no longer kept
    expect(reads).toHaveLength(201);
    for (let k = 0; k < 3; k++) index.bytesOf('m0.py'); // kept now
    expect(reads).toHaveLength(201);
  });
});
