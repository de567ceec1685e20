/**
 * torch.nn's layers as the hints need them: which are embeddings, Linears or attention (and which
 * argument is the head count), what torch's transformer layers hold, and the containers whose items
 * get list indexes (`x.0`, `x.*` for a comprehension) or keys (`x.name`).
 */
import type { Expr } from './expr.js';
import { evalInt, lookup, type IntResult, type Scope } from './values.js';
import { describe, record, type Call, type Walk } from './walk.js';

/** A call's argument by position or keyword (positions after a `*args` are not known). */
function argument(call: Call, position: number, keyword: string): Expr | null {
  const named = call.kwargs.find(([k]) => k === keyword);
  if (named) return named[1];
  const before = call.args.slice(0, position + 1);
  return before.length > position && !before.some((a) => a.type === 'star') ? (call.args[position] as Expr) : null;
}

function heads(w: Walk, call: Call, position: number, keyword: string, scope: Scope, fallback?: number): IntResult {
  const arg = argument(call, position, keyword);
  if (arg) return evalInt(w.r, arg, scope);
  if (fallback !== undefined) return { value: fallback, from: `torch's default \`${keyword}=${fallback}\`` };
  return { value: null, why: `\`${call.text}\` does not say \`${keyword}\`` };
}

/** Items of a list display, a comprehension (`*`) or a local name holding one. */
function items(w: Walk, expr: Expr | null, module: string[], scope: Scope, depth: number): void {
  if (!expr) return;
  if (expr.type === 'name') {
    const thunk = lookup(expr.name, scope);
    if (thunk?.scope) items(w, thunk.expr, module, thunk.scope, depth + 1);
  } else if (expr.type === 'list') {
    for (const [k, item] of expr.items.entries()) {
      if (item.type === 'star') return; // the indexes after it are not known
      describe(w, item, [...module, String(k)], scope, depth);
    }
  } else if (expr.type === 'comp') {
    describe(w, expr.item, [...module, '*'], scope, depth);
  }
}

/** `{'name': layer}` or `OrderedDict([('name', layer), ...])`: items by key. */
function keyed(w: Walk, expr: Expr | null, module: string[], scope: Scope, depth: number): void {
  if (!expr) return;
  if (expr.type === 'dict') {
    for (const [key, value] of expr.entries) if (key.type === 'str') describe(w, value, [...module, key.value], scope, depth);
  } else if (expr.type === 'comp') {
    describe(w, expr.item, [...module, '*'], scope, depth);
  } else if (expr.type === 'list') {
    for (const pair of expr.items) {
      const [key, value] = pair.type === 'list' ? pair.items : [];
      if (key?.type === 'str' && value) describe(w, value, [...module, key.value], scope, depth);
    }
  } else if (expr.type === 'call' && expr.args[0]) {
    keyed(w, expr.args[0], module, scope, depth); // OrderedDict([...]), dict(...)
  } else if (expr.type === 'name') {
    const thunk = lookup(expr.name, scope);
    if (thunk?.scope) keyed(w, thunk.expr, module, thunk.scope, depth + 1);
  }
}

/** What the torch.nn class `name`, built by `call`, holds at `module`. */
export function torchLayer(w: Walk, name: string, call: Call, module: string[], scope: Scope, depth: number): void {
  const at = (...rest: string[]) => [...module, ...rest];
  switch (name) {
    case 'Embedding':
    case 'EmbeddingBag':
      return record(w, scope, module, 'embedding', call);
    case 'Linear':
    case 'LazyLinear':
    case 'NonDynamicallyQuantizableLinear':
      return record(w, scope, module, 'linear', call);
    case 'MultiheadAttention':
      return record(w, scope, module, 'attention', call, heads(w, call, 1, 'num_heads', scope));
    case 'TransformerEncoderLayer':
      return record(w, scope, at('self_attn'), 'attention', call, heads(w, call, 1, 'nhead', scope));
    case 'TransformerDecoderLayer': {
      const h = heads(w, call, 1, 'nhead', scope);
      record(w, scope, at('self_attn'), 'attention', call, h);
      return record(w, scope, at('multihead_attn'), 'attention', call, h);
    }
    case 'TransformerEncoder':
      return describe(w, argument(call, 0, 'encoder_layer') ?? { type: 'other' }, at('layers', '*'), scope, depth);
    case 'TransformerDecoder':
      return describe(w, argument(call, 0, 'decoder_layer') ?? { type: 'other' }, at('layers', '*'), scope, depth);
    case 'Transformer': {
      if (call.kwargs.some(([k]) => k === 'custom_encoder' || k === 'custom_decoder')) return;
      const h = heads(w, call, 1, 'nhead', scope, 8);
      record(w, scope, at('encoder', 'layers', '*', 'self_attn'), 'attention', call, h);
      record(w, scope, at('decoder', 'layers', '*', 'self_attn'), 'attention', call, h);
      return record(w, scope, at('decoder', 'layers', '*', 'multihead_attn'), 'attention', call, h);
    }
    case 'ModuleList':
      return items(w, argument(call, 0, 'modules'), module, scope, depth);
    case 'ModuleDict':
      return keyed(w, argument(call, 0, 'modules'), module, scope, depth);
    case 'Sequential': {
      const first = call.args[0];
      if (call.args.length === 1 && first?.type === 'call' && /OrderedDict$/.test(first.fn.type === 'name' ? first.fn.name : first.fn.type === 'attr' ? first.fn.attr : '')) {
        return keyed(w, first, module, scope, depth);
      }
      if (first?.type === 'star') return items(w, first.value, module, scope, depth);
      return items(w, { type: 'list', items: call.args }, module, scope, depth);
    }
    default:
  }
}
