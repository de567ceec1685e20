// Pieces of Python that look like real PyTorch projects for the bench tree (bench/generate.mjs):
// long classes and methods, decorators, nested functions, type-annotated signatures, docstrings,
// comments, and the receivers' bindings and uses that the evidence reads. Every piece parses.

const WORDS = ['hidden', 'batch', 'logits', 'loss', 'features', 'mask', 'attn', 'tokens', 'scale', 'offset', 'grads', 'step',
  'epoch', 'outputs', 'weights', 'inputs', 'targets', 'labels', 'metrics', 'stats', 'buffer', 'cache', 'keys', 'values',
  'query', 'emb', 'pos', 'idx', 'name', 'result', 'total', 'count', 'ratio', 'width', 'height', 'images', 'boxes', 'scores'];
const ATTRS = ['encoder', 'decoder', 'backbone', 'head', 'proj', 'norm', 'dropout', 'embed', 'pool', 'classifier', 'neck', 'blocks'];
const CALLS = ['torch.cat', 'torch.stack', 'torch.matmul', 'torch.where', 'torch.clamp', 'F.relu', 'F.gelu', 'F.softmax', 'F.layer_norm', 'np.asarray'];
const METHODS = ['view', 'reshape', 'permute', 'transpose', 'flatten', 'mean', 'sum', 'detach', 'float', 'to', 'unsqueeze', 'contiguous'];
const TYPES = ['Tensor', 'int', 'float', 'str', 'bool', 'Optional[Tensor]', 'List[int]', 'Dict[str, Any]', 'Tuple[int, int]'];
export const NAMES = ['Bert', 'Vit', 'Unet', 'Resnet', 'Clip', 'Whisper', 'Llama', 'Swin', 'Detr', 'Wav2Vec', 'Gpt', 'T5', 'Sam', 'Dino'];

export const pick = (r, xs) => xs[Math.floor(r() * xs.length)];
const int = (r, n) => Math.floor(r() * n);

/** One expression built from the words in scope. */
function expr(r, vars) {
  const a = pick(r, vars);
  const b = pick(r, vars);
  switch (int(r, 9)) {
    case 0: return `${a} * ${int(r, 100) / 10} + ${b}`;
    case 1: return `${pick(r, CALLS)}([${a}, ${b}], dim=${int(r, 3)})`;
    case 2: return `self.${pick(r, ATTRS)}(${a})`;
    case 3: return `${a}.${pick(r, METHODS)}(${b}.size(0), -1)`;
    case 4: return `[${a}_i for ${a}_i in ${b} if ${a}_i is not None]`;
    case 5: return `{"${a}": ${b}, "${pick(r, WORDS)}": ${int(r, 1000)}}`;
    case 6: return `f"{${a}}/{${b}}_${int(r, 100)}.pt"`;
    case 7: return `${a} if ${b} is None else ${b}.${pick(r, METHODS)}()`;
    default: return `(${a} - ${b}.mean(dim=-1, keepdim=True)) / (${b}.std(dim=-1, keepdim=True) + 1e-${int(r, 9) + 1})`;
  }
}

/** One simple statement. */
function simple(r, pad, vars) {
  const v = pick(r, WORDS);
  switch (int(r, 8)) {
    case 0: return `${pad}logger.info("%s: %d %s", ${pick(r, vars)}, ${int(r, 100)}, ${pick(r, vars)})`;
    case 1: return `${pad}assert ${pick(r, vars)} is not None, "${v} must be set before the ${pick(r, WORDS)} pass"`;
    case 2: return `${pad}${v} += ${int(r, 10)}`;
    case 3: return `${pad}# ${v} is kept for the ${pick(r, WORDS)} of the ${pick(r, WORDS)} (see the config)\n${pad}${v} = ${expr(r, vars)}`;
    default: return `${pad}${v} = ${expr(r, vars)}`;
  }
}

/** `n` statements at `depth` levels of indentation, some compound (if/for/with/try), none deeper than `depth + 2`. */
export function body(r, depth, n, vars = WORDS.slice(0, 8), nest = 2) {
  const pad = '    '.repeat(depth);
  const out = [];
  while (out.length < n) {
    const kind = nest > 0 ? int(r, 12) : 99;
    const inner = () => body(r, depth + 1, 1 + int(r, 5), vars, nest - 1);
    if (kind === 0) out.push(`${pad}if ${pick(r, vars)} is not None and ${pick(r, vars)}.dim() > ${int(r, 4)}:`, ...inner(), `${pad}else:`, ...inner());
    else if (kind === 1) out.push(`${pad}for ${pick(r, WORDS)}_i, ${pick(r, WORDS)}_j in enumerate(${pick(r, vars)}):`, ...inner());
    else if (kind === 2) out.push(`${pad}with torch.no_grad():`, ...inner());
    else if (kind === 3) out.push(`${pad}try:`, ...inner(), `${pad}except (KeyError, RuntimeError) as err:`, `${pad}    logger.warning("skipped: %s", err)`);
    else out.push(simple(r, pad, vars));
  }
  return out;
}

/** A method or function: decorators, an annotated signature, a docstring, a body (and sometimes a nested function). */
export function method(r, depth, name, lines, { self = true, extra = [] } = {}) {
  const pad = '    '.repeat(depth);
  const out = [];
  if (int(r, 4) === 0) out.push(`${pad}${pick(r, ['@torch.no_grad()', '@property', '@staticmethod', '@functools.lru_cache(maxsize=None)', '@torch.jit.unused'])}`);
  const isStatic = out[0]?.endsWith('@staticmethod');
  const params = [...(self && !isStatic ? ['self'] : []), ...Array.from({ length: 1 + int(r, 3) }, (_, k) => `${WORDS[k]}: ${pick(r, TYPES)}`)];
  if (out[0]?.endsWith('@property')) params.splice(1);
  out.push(`${pad}def ${name}(${params.join(', ')}) -> ${pick(r, TYPES)}:`);
  out.push(`${pad}    """${name.replace(/_/g, ' ')}: compute the ${pick(r, WORDS)} from the ${pick(r, WORDS)}.`, '', `${pad}    Returns the ${pick(r, WORDS)} (a tensor of shape (batch, ${pick(r, WORDS)})).`, `${pad}    """`);
  if (int(r, 5) === 0) {
    out.push(`${pad}    def _${pick(r, WORDS)}_fn(${WORDS[0]}: Tensor, *args: Any) -> Tensor:`, ...body(r, depth + 2, 3 + int(r, 6), WORDS.slice(0, 8), 1), `${pad}        return ${WORDS[0]}`, '');
  }
  out.push(...extra.flatMap((e, k) => [...body(r, depth + 1, Math.max(1, Math.floor(lines / (extra.length + 1)) - 2)), ...e.split('\n').map((l) => `${pad}    ${l}`)]));
  out.push(...body(r, depth + 1, Math.max(1, lines - out.length)), `${pad}    return ${pick(r, WORDS.slice(0, 8))}`, '');
  return out;
}

/** A file's imports, as a project module has them. */
export function imports(r, project) {
  return [
    `"""${pick(r, NAMES)} ${pick(r, WORDS)} utilities for ${project} (training, evaluation and export)."""`,
    'from __future__ import annotations',
    '',
    'import functools',
    'import logging',
    'import os',
    'from typing import Any, Dict, List, Optional, Tuple',
    '',
    'import numpy as np',
    'import torch',
    'import torch.nn as nn',
    'import torch.nn.functional as F',
    'from torch import Tensor',
    '',
    `from ${project}.models import build_model, ${pick(r, NAMES)}Model`,
    `from ${project}.utils import AverageMeter, get_logger`,
    '',
    'logger = logging.getLogger(__name__)',
    '',
    '',
  ];
}

/** An nn.Module with long methods: most files of a project. */
export function moduleClass(r, name, lines) {
  const out = [`class ${name}(nn.Module):`, `    """The ${name} block (generated)."""`, '', `    def __init__(self, config: Dict[str, Any], dim: int = ${64 * (1 + int(r, 16))}) -> None:`, '        super().__init__()'];
  for (const attr of ATTRS.slice(0, 3 + int(r, 6))) out.push(`        self.${attr} = nn.Linear(dim, dim * ${1 + int(r, 4)})`);
  out.push('');
  for (let k = 0; out.length < lines; k++) out.push(...method(r, 1, k === 0 ? 'forward' : `${pick(r, WORDS)}_${k}`, 20 + int(r, 60)));
  return [...out, ''];
}
