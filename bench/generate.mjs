// Deterministic monorepo-sized Python tree for `npm run bench`: ~7,000 .py files, ~85 MB,
// ~475 files holding load_state_dict, ~900 call sites. Same seed, same bytes.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SHAPE = { files: 7000, bytes: 85 * 1024 * 1024, siteFiles: 475, sites: 900 };

function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SITE_SHAPES = [
  (r) => `        self.model.load_state_dict(state["model"])`,
  (r) => `        model.load_state_dict(torch.load(path, map_location="cpu"), strict=False)`,
  (r) => `        missing, unexpected = self.net.load_state_dict(state, strict=False)`,
  (r) => `        self.optimizer.load_state_dict(state["optimizer"])`,
  (r) => `        self.lr_scheduler.load_state_dict(state["scheduler"])`,
  (r) => `        self.encoder.load_state_dict(\n            state["encoder"],  # from the pretraining run\n            strict=True,\n        )`,
];

function block(r, i) {
  const n = Math.floor(r() * 1000);
  return `def helper_${i}(x, y=None):
    """Compute helper ${i} for the pipeline (generated)."""
    # scale the input and accumulate the offsets
    z = x * ${n} + (y or 0)
    for k in range(${n % 17}):
        z = z + k * ${n % 7}
    return {"value": z, "name": "helper_${i}", "items": [${n}, ${n + 1}, ${n + 2}]}


`;
}

function classWithSites(r, i, sites) {
  const lines = sites.map(() => SITE_SHAPES[Math.floor(r() * SITE_SHAPES.length)](r)).join('\n');
  return `class Loader${i}:
    """Restores training state ${i}."""

    def restore(self, state, model, path):
${lines}
        return state


`;
}

/** Writes the tree under `dir`; returns its totals. */
export function generate(dir, seed = 1) {
  const r = rng(seed);
  const perFile = SHAPE.bytes / SHAPE.files;
  const siteFiles = new Set();
  while (siteFiles.size < SHAPE.siteFiles) siteFiles.add(Math.floor(r() * SHAPE.files));
  let sitesLeft = SHAPE.sites;
  let siteFilesLeft = SHAPE.siteFiles;
  let bytes = 0;
  for (let f = 0; f < SHAPE.files; f++) {
    const target = Math.max(600, Math.round(perFile * (0.25 + 1.5 * r())));
    let text = `"""Module ${f} of the generated monorepo."""\nimport os\nimport torch\nfrom torch import nn\n\n\n`;
    const parts = [];
    if (siteFiles.has(f)) {
      const k = siteFilesLeft === 1 ? sitesLeft : Math.max(1, Math.min(sitesLeft - (siteFilesLeft - 1), Math.round((sitesLeft / siteFilesLeft) * (0.5 + r()))));
      sitesLeft -= k;
      siteFilesLeft--;
      parts.push(classWithSites(r, f, Array.from({ length: k })));
    }
    let i = 0;
    while (text.length + parts.reduce((n, p) => n + p.length, 0) < target) parts.splice(Math.floor(r() * (parts.length + 1)), 0, block(r, i++));
    text += parts.join('');
    const sub = join(dir, `pkg_${f % 40}`, `mod_${f % 7}`);
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, `file_${f}.py`), text);
    bytes += Buffer.byteLength(text);
  }
  return { files: SHAPE.files, bytes };
}

/** A small tree with `count` call sites across files of ten sites each (the keypress measurement). */
export function generateSites(dir, seed = 1, count = 1000) {
  const r = rng(seed);
  mkdirSync(dir, { recursive: true });
  for (let f = 0; f * 10 < count; f++) {
    const text = `import torch\n\n\n${classWithSites(r, f, Array.from({ length: Math.min(10, count - f * 10) }))}`;
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
