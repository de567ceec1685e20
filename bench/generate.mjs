// Deterministic project-shaped Python tree for `npm run bench`: ~7,000 .py files, ~90 MB, 475 files
// holding load_state_dict, ~900 call sites, shaped like real PyTorch repositories: the sites sit in
// 500- to 3,000-line trainer classes, long conversion scripts and `main()` functions, pipelines'
// classmethods and test classes, at several depths (if, with, try), between long methods with
// decorators, nested functions and annotated signatures. Same seed, same bytes.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NAMES, body, imports, method, moduleClass, pick } from './python-code.mjs';

export const SHAPE = { files: 7000, siteFiles: 475, sites: 900 };

export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const int = (r, n) => Math.floor(r() * n);
const between = (r, lo, hi) => lo + int(r, hi - lo);

/** Sites as a trainer's methods hold them (receivers bound in `__init__`). */
const TRAINER_SITES = [
  'self.model.load_state_dict(state["model"])',
  'if "optimizer" in state:\n    self.optimizer.load_state_dict(state["optimizer"])',
  'self.lr_scheduler.load_state_dict(state["scheduler"])',
  'missing, unexpected = self.model.load_state_dict(state, strict=False)\nlogger.info("missing %s, unexpected %s", missing, unexpected)',
  'with torch.no_grad():\n    self.ema.load_state_dict(state["ema"])',
  'try:\n    self.scaler.load_state_dict(state["scaler"])\nexcept KeyError:\n    logger.warning("no scaler state in the checkpoint")',
  'self.encoder.load_state_dict(\n    state["encoder"],  # from the pretraining run\n    strict=True,\n)',
  'model = self.model.module if hasattr(self.model, "module") else self.model\nmodel.load_state_dict(state["model"], strict=False)',
];

function trainer(r, name, sites, lines) {
  const out = [
    `class ${name}Trainer:`,
    `    """Trains, evaluates and checkpoints a ${name} model."""`,
    '',
    '    def __init__(self, config: Dict[str, Any], device: torch.device, output_dir: str = "runs") -> None:',
    '        self.config = config',
    '        self.device = device',
    '        self.model = build_model(config).to(device)',
    '        self.encoder = self.model.encoder',
    '        self.optimizer = torch.optim.AdamW(self.model.parameters(), lr=config["lr"], weight_decay=0.01)',
    '        self.lr_scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(self.optimizer, T_max=config["steps"])',
    '        self.scaler = torch.cuda.amp.GradScaler(enabled=config.get("amp", False))',
    `        self.ema = ${name}Model(config)`,
    '        self.output_dir = output_dir',
    '',
  ];
  const restores = [];
  for (let k = 0; k < sites; k += 3) {
    const held = Array.from({ length: Math.min(3, sites - k) }, () => pick(r, TRAINER_SITES));
    restores.push(method(r, 1, `load_${pick(r, ['checkpoint', 'state', 'pretrained', 'resume', 'ema'])}_${k}`, between(r, 20, 80), { extra: ['state = torch.load(path, map_location=self.device)', ...held] }));
  }
  const methods = [];
  for (let k = 0; methods.flat().length < lines; k++) methods.push(method(r, 1, `${pick(r, ['train', 'evaluate', 'log', 'save', 'predict', 'step'])}_${k}`, between(r, 30, 200)));
  for (const restore of restores) methods.splice(int(r, methods.length + 1), 0, restore);
  return [...out, ...methods.flat()];
}

function conversion(r, name, sites, lines) {
  const out = [`def rename_key(key: str) -> str:`, '    """Maps an original checkpoint key to ours."""', ...body(r, 1, between(r, 10, 40), undefined, 1), '    return key', '', ''];
  out.push(`def convert_${name.toLowerCase()}_checkpoint(checkpoint_path: str, config_path: str, dump_path: str, push_to_hub: bool = False) -> None:`);
  out.push('    """Copy/paste/tweak the original weights into our model structure."""', `    config = ${name}Config.from_json_file(config_path)`, '    original = torch.load(checkpoint_path, map_location="cpu")["state_dict"]', '    new_state = {}');
  const renames = [];
  for (let k = 0; renames.length < lines; k++) {
    const part = pick(r, ['attention.q', 'attention.k', 'attention.v', 'attention.output.dense', 'intermediate.dense', 'output.dense', 'layernorm_before', 'layernorm_after']);
    renames.push(`    new_state[f"encoder.layer.{layer}.${part}.weight"] = original.pop(f"blocks.{layer}.${part.replace(/\./g, '_')}.weight")`);
    if (k % 40 === 0) renames.push('    # the original stores the projection transposed', `    for layer in range(config.num_hidden_layers):`, `        new_state[f"layer.{layer}.b${k}"] = original[f"b.{layer}.${k}"].T`);
  }
  out.push(...renames);
  for (let k = 0; k < sites; k++) {
    out.push(`    model = ${name}Model(config).eval()`);
    out.push(k % 2 === 0 ? '    missing, unexpected = model.load_state_dict(new_state, strict=False)' : '    model.load_state_dict(new_state)');
    out.push('    model.save_pretrained(dump_path)');
  }
  out.push('', '', 'if __name__ == "__main__":', '    parser = argparse.ArgumentParser()', '    parser.add_argument("--checkpoint_path", type=str, required=True)', '    parser.add_argument("--dump_path", type=str, default=None)', '    args = parser.parse_args()', `    convert_${name.toLowerCase()}_checkpoint(args.checkpoint_path, args.config_path, args.dump_path)`, '');
  return out;
}

const MAIN_SITES = [
  'if args.resume:\n    checkpoint = torch.load(args.resume, map_location="cpu")\n    model.load_state_dict(checkpoint["model"])\n    optimizer.load_state_dict(checkpoint["optimizer"])',
  'model_without_ddp.load_state_dict(torch.load(args.pretrained, map_location="cpu"), strict=False)',
  'if args.ema:\n    ema_model.load_state_dict(checkpoint["model_ema"])',
];

function script(r, name, sites, lines) {
  const out = ['def get_args_parser() -> argparse.ArgumentParser:', '    parser = argparse.ArgumentParser("training", add_help=False)', '    parser.add_argument("--resume", default="", type=str)', '    return parser', '', ''];
  out.push('def main(args: argparse.Namespace) -> None:', `    model = ${name}Model(num_classes=args.num_classes)`, '    model.to(args.device)', '    model_without_ddp = model', '    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9)', '    ema_model = copy.deepcopy(model)');
  const chunks = [];
  for (let placed = 0; placed < sites; ) {
    const snippet = sites - placed >= 2 ? pick(r, MAIN_SITES) : MAIN_SITES[1];
    placed += snippet.split('load_state_dict').length - 1;
    chunks.push(snippet.split('\n').map((l) => `    ${l}`));
  }
  const per = Math.floor(lines / (chunks.length + 1));
  for (const chunk of chunks) out.push(...body(r, 1, per), ...chunk);
  out.push(...body(r, 1, per), '', '', 'if __name__ == "__main__":', '    main(get_args_parser().parse_args())', '');
  return out;
}

function pipeline(r, name, sites, lines) {
  const out = [`class ${name}Pipeline:`, `    """Loads a ${name} model and runs it on a batch."""`, '', `    model_class = ${name}Model`, ''];
  for (let k = 0; out.length < lines / 2; k++) out.push(...method(r, 1, `preprocess_${k}`, between(r, 30, 120)));
  for (let k = 0, placed = 0; placed < sites; k++) {
    const both = sites - placed >= 2 && k % 2 === 0;
    placed += both ? 2 : 1;
    out.push('    @classmethod', `    def from_pretrained_${k}(cls, path: str, **kwargs: Any) -> "${name}Pipeline":`, '        model = cls.model_class(**kwargs)', '        state = torch.load(os.path.join(path, "pytorch_model.bin"), map_location="cpu")');
    out.push(...(both ? ['        if kwargs.get("strict", True):', '            model.load_state_dict(state)', '        else:', '            model.load_state_dict(state, strict=False)'] : ['        model.load_state_dict(state)']), '        return cls(model)', '');
  }
  for (let k = 0; out.length < lines; k++) out.push(...method(r, 1, `postprocess_${k}`, between(r, 30, 120)));
  return out;
}

function tests(r, name, sites, lines) {
  const out = [`class Test${name}(unittest.TestCase):`, '    def setUp(self) -> None:', `        self.net = ${name}Model({"dim": 8})`, ''];
  for (let k = 0; out.length < lines || k < sites; k++) {
    out.push(`    def test_case_${k}(self) -> None:`, ...body(r, 2, between(r, 8, 40), undefined, 1));
    if (k < sites) out.push(`        other = ${name}Model({"dim": 8})`, '        other.load_state_dict(self.net.state_dict())', '        self.assertEqual(len(list(other.parameters())), len(list(self.net.parameters())))');
    out.push('');
  }
  return out;
}

const SHAPES = [[trainer, 500, 3000], [conversion, 300, 2000], [script, 200, 1500], [pipeline, 300, 1200], [tests, 200, 1000]];

/** A file without sites: nn.Modules with long methods, or a module of functions. */
function plainFile(r, f, lines) {
  const out = [];
  while (out.length < lines) {
    if (r() < 0.6) out.push(...moduleClass(r, `${pick(r, NAMES)}Block${f}_${out.length}`, Math.min(lines - out.length + 20, between(r, 60, 600))), '');
    else out.push(...method(r, 0, `${pick(r, ['compute', 'build', 'load', 'merge'])}_${f}_${out.length}`, between(r, 10, 80), { self: false }), '');
  }
  return out;
}

/** One file of project `f % 17`: `count()` calls in one of SHAPES (none: a plain module). */
export function projectFile(r, f, count) {
  const lines = [...imports(r, `proj${f % 17}`), 'import argparse', 'import copy', 'import unittest', '', ''];
  const sites = count();
  if (sites > 0) {
    const [shape, lo, hi] = pick(r, SHAPES);
    if (r() < 0.3) lines.push(...plainFile(r, f, between(r, 20, 200)));
    lines.push(...shape(r, pick(r, NAMES), sites, Math.round(lo * (hi / lo) ** (r() ** 2))));
  } else {
    // most files are small, a few are long (a log-normal spread around 110 lines)
    lines.push(...plainFile(r, f, Math.round(Math.exp(4.72 + 0.9 * (r() + r() + r() - 1.5)))));
  }
  return `${lines.join('\n')}\n`;
}

/** Writes the tree under `dir`; returns its totals. */
export function generate(dir, seed = 1) {
  const r = rng(seed);
  const siteFiles = new Set();
  while (siteFiles.size < SHAPE.siteFiles) siteFiles.add(int(r, SHAPE.files));
  let sitesLeft = SHAPE.sites;
  let siteFilesLeft = SHAPE.siteFiles;
  let bytes = 0;
  for (let f = 0; f < SHAPE.files; f++) {
    const text = projectFile(r, f, () => {
      if (!siteFiles.has(f)) return 0;
      const k = siteFilesLeft === 1 ? sitesLeft : Math.max(1, Math.min(sitesLeft - (siteFilesLeft - 1), Math.round((sitesLeft / siteFilesLeft) * (0.5 + r()))));
      sitesLeft -= k;
      siteFilesLeft--;
      return k;
    });
    const sub = join(dir, `proj${f % 17}`, `pkg_${f % 23}`, `mod_${f % 7}`);
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, `file_${f}.py`), text);
    bytes += Buffer.byteLength(text);
  }
  return { files: SHAPE.files, bytes };
}

const KEY_SITES = [
  () => `        self.model.load_state_dict(state["model"])`,
  () => `        model.load_state_dict(torch.load(path, map_location="cpu"), strict=False)`,
  () => `        missing, unexpected = self.net.load_state_dict(state, strict=False)`,
  () => `        self.optimizer.load_state_dict(state["optimizer"])`,
  () => `        self.lr_scheduler.load_state_dict(state["scheduler"])`,
  () => `        self.encoder.load_state_dict(\n            state["encoder"],  # from the pretraining run\n            strict=True,\n        )`,
];

/** A small tree with `count` call sites across files of ten sites each (the keypress measurement; unchanged since issue 6). */
export function generateSites(dir, seed = 1, count = 1000) {
  const r = rng(seed);
  mkdirSync(dir, { recursive: true });
  for (let f = 0; f * 10 < count; f++) {
    const lines = Array.from({ length: Math.min(10, count - f * 10) }, () => KEY_SITES[Math.floor(r() * KEY_SITES.length)]()).join('\n');
    const text = `import torch\n\n\nclass Loader${f}:\n    """Restores training state ${f}."""\n\n    def restore(self, state, model, path):\n${lines}\n        return state\n\n\n`;
    writeFileSync(join(dir, `loaders_${String(f).padStart(3, '0')}.py`), text);
  }
}

const AREAS = ['stable_diffusion', 'kandinsky', 'controlnet', 'audioldm', 'pixart', 'wuerstchen', 'shap_e', 'deepfloyd_if', 'latent_consistency', 'animatediff', 'text_to_video', 'consistency_models'];

/** The receivers a generated project's sites load into, in turn: every fourth is `self.unet`. */
const RECEIVERS = [
  { call: 'self.unet.load_state_dict(state["unet"])', kind: 'module' },
  { call: 'self.vae.load_state_dict(state["vae"])', kind: 'module' },
  { call: 'optimizer.load_state_dict(state["optimizer"])', kind: 'non-module' },
  { call: 'self.text_encoder.load_state_dict(state["text_encoder"])', kind: 'module' },
  { call: 'self.unet.load_state_dict(state["unet"])', kind: 'module' },
  { call: 'lr_scheduler.load_state_dict(state["lr_scheduler"])', kind: 'non-module' },
  { call: 'self.controlnet.load_state_dict(state["controlnet"])', kind: 'module' },
  { call: 'scaler.load_state_dict(state["scaler"])', kind: 'non-module' },
  { call: 'self.unet.load_state_dict(state["unet"])', kind: 'module' },
  { call: 'obj.load_state_dict(state["extra"])', kind: 'unknown' },
  { call: null, kind: 'super' },
  { call: null, kind: 'unsupported' },
];

function projectPath(f) {
  const area = AREAS[f % AREAS.length];
  switch (f % 5) {
    case 0: return `src/diffusers/pipelines/${area}/pipeline_${area}_${f}.py`;
    case 1: return `src/diffusers/models/${area}/modeling_${f}.py`;
    case 2: return `examples/${area}/train_${area}_${f}.py`;
    case 3: return `scripts/convert_${area}_${f}.py`;
    default: return `tests/pipelines/${area}/test_${area}_${f}.py`;
  }
}

/**
 * A diffusers-shaped project for the review at scale: `sites` calls in files of 1 to 4 sites
 * (2.5 on average: 400 sites in 160 files), their receivers in turn from RECEIVERS, so a quarter of
 * them load into `self.unet` (the only text holding "unet"). Returns { files: {path: text}, kinds }.
 */
export function reviewProject(sites = 400) {
  const files = {};
  const kinds = { module: 0, 'non-module': 0, unknown: 0, super: 0, unsupported: 0, unet: 0 };
  let i = 0;
  for (let f = 0; i < sites; f++) {
    const calls = [];
    let overrides = '';
    let unsupported = '';
    for (let k = 0; k < 1 + (f % 4) && i < sites; k++, i++) {
      const r = RECEIVERS[i % RECEIVERS.length];
      kinds[r.kind]++;
      if (r.call?.includes('unet')) kinds.unet++;
      if (r.kind === 'super') overrides += `\n\nclass Block${f}_${k}(nn.Module):\n    def load_state_dict(self, state_dict, strict=True):\n        return super().load_state_dict(state_dict, strict)\n`;
      else if (r.kind === 'unsupported') unsupported += `\n\ndef load_all_${f}_${k}(net, *args):\n    net.load_state_dict(*args)\n`;
      else calls.push(`        ${r.call}`);
    }
    const restore = calls.length > 0 ? `\n\nclass Loader${f}:\n    def restore(self, state, optimizer, lr_scheduler, scaler, obj):\n${calls.join('\n')}\n        return state\n` : '';
    files[projectPath(f)] = `"""Generated for the review's scale tests (file ${f})."""\nimport torch\nfrom torch import nn\n${restore}${overrides}${unsupported}`;
  }
  return { files, kinds };
}

/** Writes reviewProject(sites) under `dir`. */
export function generateReviewProject(dir, sites = 400) {
  const { files, kinds } = reviewProject(sites);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return kinds;
}
