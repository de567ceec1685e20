/**
 * The modules a project model class builds, by torch module path: from `self.x = <layer>(...)` in
 * the class and its project bases, into the project classes it builds (`Block(...)`), torch's
 * containers (`nn.ModuleList([... for ...])` is `x.*`, `nn.Sequential(a, b)` is `x.0`, `x.1`) and
 * torch's transformer layers. Only what the KeyMapper may need a hint for is recorded: embeddings,
 * Linears, (in, out) Linears (Hugging Face's `Conv1D`) and attention with its head count.
 */
import type { ClassFact } from '../evidence/facts.js';
import { dotted, type Expr } from './expr.js';
import { torchLayer } from './layers.js';
import { bindCall, lookup, scopeOf, type IntResult, type Reader, type Scope, type Thunk } from './values.js';

export type FoundKind = 'embedding' | 'linear' | 'linear_t' | 'attention';

export interface Found {
  /** The torch module path: attribute names, list indexes, `*` for every item of a list. */
  module: string[];
  kind: FoundKind;
  /** For attention: its head count, or why the source cannot say. */
  heads?: IntResult;
  /** The call that builds the module and where it stands. */
  text: string;
  path: string;
  line: number;
  /** The class whose code builds it (`path\0qualname`): two ways of building one module in one class are ambiguous. */
  owner: string;
}

export type Call = Extract<Expr, { type: 'call' }>;

export interface Walk {
  r: Reader;
  found: Found[];
  /** Classes on the current path (a class that builds itself is cut). */
  stack: Set<string>;
  /** Classes left to read: a bound on large projects. */
  budget: number;
}

const MAX_DEPTH = 10;
/** Calls that hand back the module they are given (weight norm wraps a layer in place). */
const PASS_THROUGH = new Set(['deepcopy', 'copy', 'weight_norm', 'spectral_norm']);

export function record(w: Walk, scope: Scope, module: string[], kind: FoundKind, call: Call, heads?: IntResult): void {
  w.found.push({ module, kind, ...(heads ? { heads } : {}), text: call.text, path: scope.src.path, line: call.line, owner: `${scope.src.path}\0${scope.src.qualname}` });
}

/** What `expr`, read in `scope`, builds at `module`. */
export function describe(w: Walk, expr: Expr, module: string[], scope: Scope | null, depth: number): void {
  if (!scope || depth > MAX_DEPTH) return;
  if (expr.type === 'name') {
    const thunk = lookup(expr.name, scope);
    if (thunk) describe(w, thunk.expr, module, thunk.scope, depth + 1);
    return;
  }
  if (expr.type !== 'call') return;
  const fn = dotted(expr.fn);
  if (!fn) return;
  const last = fn.split('.').pop() as string;
  if (PASS_THROUGH.has(last) && expr.args[0]) {
    describe(w, expr.args[0], module, scope, depth + 1);
    return;
  }
  const project = w.r.resolveClass(scope.src.path, fn);
  if (project) {
    if (project.fact.name === 'Conv1D') record(w, scope, module, 'linear_t', expr);
    else walkClass(w, project.path, project.fact, module, (src) => bindCall(expr, scope, src), depth + 1);
    return;
  }
  const target = w.r.resolve(scope.src.path, fn);
  const qualified = target.type === 'external' ? target.qualified : null;
  if (!qualified) return;
  if (/^torch\.(?:ao\.)?nn\./.test(qualified)) torchLayer(w, qualified.split('.').pop() as string, expr, module, scope, depth + 1);
  else if (/^transformers\.(?:.*\.)?Conv1D$/.test(qualified)) record(w, scope, module, 'linear_t', expr);
}

/** Everything a project class builds at `module`; `bind` gives the arguments of the call that built it, once its source is read. */
export function walkClass(w: Walk, path: string, fact: ClassFact, module: string[], bind: (src: NonNullable<ReturnType<Reader['read']>>) => Map<string, Thunk>, depth: number): void {
  const key = `${path}\0${fact.qualname}`;
  if (w.stack.has(key) || depth > MAX_DEPTH || w.budget <= 0) return;
  w.budget--;
  const src = w.r.read(path, fact);
  if (!src) return;
  const bound = bind(src);
  w.stack.add(key);
  try {
    const init = scopeOf(src, '__init__', bound);
    // The bases first: their __init__ runs before the class's own assignments.
    for (const base of src.bases) {
      const project = w.r.resolveClass(src.path, base);
      if (project) {
        walkClass(w, project.path, project.fact, module, (b) => (src.superInit ? bindCall(src.superInit, init, b) : new Map()), depth + 1);
        continue;
      }
      const target = w.r.resolve(src.path, base);
      if (target.type === 'external' && /^torch\.(?:ao\.)?nn\./.test(target.qualified)) {
        const call: Call = src.superInit ?? { type: 'call', fn: { type: 'name', name: base }, args: [], kwargs: [], text: `class ${src.qualname}(${base})`, line: src.line };
        torchLayer(w, target.qualified.split('.').pop() as string, call, module, init, depth + 1);
      }
    }
    for (const a of src.assigned) {
      describe(w, a.value, a.item ? [...module, a.attr, '*'] : [...module, a.attr], scopeOf(src, a.method, bound), depth + 1);
    }
  } finally {
    w.stack.delete(key);
  }
}
