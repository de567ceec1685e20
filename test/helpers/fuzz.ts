/** A seeded generator of Python files mixing every site shape with strings, comments, decorators and unicode. */

export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;

const RECEIVERS = ['model', 'self.net', 'self.get_model()', 'getattr(m, name)', 'models[0]', 'optimizer', 'self.lr_scheduler', 'ema', 'scaler', '模型', 'ema_model'];
const STATES = ['sd', 'state["model"]', 'torch.load(path)', 'ckpt.get("model", {})', '{k: v for k, v in sd.items()}'];
const EXTRAS = ['', ', strict=False', ', strict=True, assign=False', ', False', ''];

function site(r: () => number, indent: string): string {
  const call = `${pick(r, RECEIVERS)}.load_state_dict(${pick(r, STATES)}${pick(r, EXTRAS)})`;
  switch (Math.floor(r() * 8)) {
    case 0: return `${indent}missing, unexpected = ${call}`;
    case 1: return `${indent}result = ${call} if flag else None`;
    case 2: return `${indent}${pick(r, RECEIVERS)}.load_state_dict(\n${indent}    ${pick(r, STATES)},  # 注释 ✓\n${indent}    strict=False,\n${indent})`;
    case 3: return `${indent}super().load_state_dict(sd)`;
    case 4: return `${indent}x = "😀"; ${call}  # trailing`;
    case 5: return `${indent}model.load_state_dict(*args, **kwargs)`;
    default: return `${indent}${call}`;
  }
}

function noise(r: () => number, indent: string): string {
  return pick(r, [
    `${indent}# model.load_state_dict(sd) in a comment`,
    `${indent}text = "model.load_state_dict(sd)"`,
    `${indent}doc = """multi\n${indent}line model.load_state_dict(x)\n${indent}"""`,
    `${indent}value = offload_state_dict(sd)`,
    `${indent}url = load_state_dict_from_url("https://example.invalid")`,
    `${indent}fn = model.load_state_dict`,
    `${indent}pass`,
    `${indent}numbers = [i * 2 for i in range(10)]  # café`,
  ]);
}

function body(r: () => number, indent: string, depth: number): string[] {
  const lines: string[] = [];
  const n = 1 + Math.floor(r() * 4);
  for (let i = 0; i < n; i++) {
    const roll = r();
    if (roll < 0.35) lines.push(site(r, indent));
    else if (roll < 0.6 || depth > 2) lines.push(noise(r, indent));
    else if (roll < 0.8) lines.push(`${indent}def inner_${depth}_${i}(sd, flag=False):`, ...body(r, `${indent}    `, depth + 1));
    else lines.push(`${indent}if flag:`, ...body(r, `${indent}    `, depth + 1));
  }
  if (lines.every((l) => l.trimStart().startsWith('#'))) lines.push(`${indent}pass`);
  return lines;
}

/** One Python file; valid Python by construction. */
export function pythonFile(seed: number): string {
  const r = rng(seed);
  const out: string[] = [];
  if (r() < 0.3) out.push('#!/usr/bin/env python3');
  if (r() < 0.5) out.push(`"""Generated module ${seed} — ünïcödé docstring."""`);
  if (r() < 0.3) out.push('from __future__ import annotations');
  out.push(...pick(r, [['import torch'], ['import torch', 'import numpy as np'], ['import torch.distributed.checkpoint as dist_cp'], []]));
  out.push('', '');
  const blocks = 1 + Math.floor(r() * 3);
  for (let b = 0; b < blocks; b++) {
    const roll = r();
    if (roll < 0.4) {
      out.push(`class Thing${b}:`, `    """A class."""`, '', ...(r() < 0.5 ? ['    @staticmethod'] : []), `    def restore(sd, flag=False, *args, **kwargs):`, ...body(r, '        ', 1));
    } else if (roll < 0.8) {
      out.push(...(r() < 0.5 ? ['@functools.lru_cache(maxsize=None)'] : []), `def restore_${b}(sd, flag=False, *args, **kwargs):`, ...body(r, '    ', 1));
    } else {
      out.push(...body(r, '', 1).map((l) => l));
    }
    out.push('', '');
  }
  const text = `${out.join('\n').replace(/\n+$/, '')}\n`;
  return r() < 0.1 ? text.replace(/\n/g, '\r\n') : text;
}
