/**
 * What an integer argument of a layer (a head count) is, read from the project's source: a literal,
 * a local name, an argument bound by the call that built the class (or its literal default), a
 * `self.x` the constructor set, a config object's field with a literal default, a module constant,
 * or simple arithmetic of those. Anything else is a run-time value, and says why.
 */
import type { ClassFact } from '../evidence/facts.js';
import type { ProjectIndex, Target } from '../evidence/index.js';
import type { ClassSource, Method } from './class-source.js';
import { dotted, type Expr } from './expr.js';

/** Reads classes and resolves names against the project index (both remembered). */
export interface Reader {
  index: ProjectIndex;
  read(path: string, fact: ClassFact): ClassSource | null;
  resolve(path: string, dotted: string): Target;
  resolveClass(path: string, dotted: string): (Target & { type: 'class' }) | null;
}

/** Where a name is read: a method of a class, with the arguments the call that built the instance gave. */
export interface Scope {
  src: ClassSource;
  method: Method | null;
  bound: Map<string, Thunk>;
}

/** An argument as the caller wrote it; `scope` null: the script that built the model, where only literals tell. */
export interface Thunk {
  expr: Expr;
  scope: Scope | null;
  /** The call that passed it, and where (`\`Attention(d, 4)\` (model.py:40)`). */
  via?: string;
}

/** A value, with how it was found when not written as a literal at the call (`from`); or why it is not known. */
export type IntResult = { value: number; from: string | null } | { value: null; why: string };

interface Instance {
  src: ClassSource;
  bound: Map<string, Thunk>;
}

const MAX_DEPTH = 12;
const at = (src: ClassSource) => `${src.path}:${src.line}`;
const unknown = (why: string): IntResult => ({ value: null, why });

/** The scope of a method of an instance: `__init__` sees the call's arguments. */
export function scopeOf(src: ClassSource, methodName: string | null, bound: Map<string, Thunk>): Scope {
  const method = methodName ? (src.methods.get(methodName) ?? null) : null;
  return { src, method, bound: methodName === '__init__' ? bound : new Map() };
}

/**
 * Binds a call's arguments to the parameters of `target`'s `__init__` (a dataclass's fields when it
 * has none). `path`: the file the call is in (the caller's, when there is one).
 */
export function bindCall(call: Extract<Expr, { type: 'call' }>, caller: Scope | null, target: ClassSource, path = caller?.src.path ?? ''): Map<string, Thunk> {
  const init = target.methods.get('__init__');
  const names = init ? init.params.map((p) => p.name) : [...target.fields.keys()];
  const via = `\`${call.text}\` (${path}:${call.line})`;
  const bound = new Map<string, Thunk>();
  for (const [k, arg] of call.args.entries()) {
    if (arg.type === 'star' || k >= names.length) break;
    bound.set(names[k] as string, { expr: arg, scope: caller, via });
  }
  for (const [name, value] of call.kwargs) bound.set(name, { expr: value, scope: caller, via });
  return bound;
}

/** What a local name or an argument holds, as an expression and the scope to read it in. */
export function lookup(name: string, scope: Scope): Thunk | null {
  const local = scope.method?.locals.get(name);
  if (local && local.length > 0) return { expr: local[local.length - 1] as Expr, scope };
  return scope.bound.get(name) ?? null;
}

export function evalInt(r: Reader, expr: Expr, scope: Scope | null, depth = 0): IntResult {
  if (depth > MAX_DEPTH) return unknown('it is computed too deep to follow');
  switch (expr.type) {
    case 'int':
      return { value: expr.value, from: null };
    case 'name':
      return scope ? nameInt(r, expr.name, scope, depth) : unknown(`\`${expr.name}\` is a value of the code that builds the model`);
    case 'attr':
      return scope ? attrInt(r, expr, scope, depth) : unknown(`\`${dotted(expr) ?? expr.attr}\` is a value of the code that builds the model`);
    case 'binop': {
      const a = evalInt(r, expr.left, scope, depth + 1);
      if (a.value === null) return a;
      const b = evalInt(r, expr.right, scope, depth + 1);
      if (b.value === null) return b;
      const value = expr.op === '+' ? a.value + b.value : expr.op === '-' ? a.value - b.value : expr.op === '*' ? a.value * b.value : expr.op === '//' && b.value !== 0 ? Math.floor(a.value / b.value) : null;
      if (value === null) return unknown(`it is computed with \`${expr.op}\``);
      const from = [a.from, b.from].filter(Boolean).join('; ');
      return { value, from: from || null };
    }
    case 'call':
      return dotted(expr.fn) === 'int' && expr.args.length === 1 ? evalInt(r, expr.args[0] as Expr, scope, depth + 1) : unknown(`it is computed by \`${expr.text}\``);
    default:
      return unknown('it is computed at run time');
  }
}

function nameInt(r: Reader, name: string, scope: Scope, depth: number): IntResult {
  const where = scope.method ? `\`${scope.src.qualname}.${scope.method.name}\`` : `\`${scope.src.qualname}\``;
  const local = scope.method?.locals.get(name);
  if (local && local.length > 0) return evalInt(r, local[local.length - 1] as Expr, scope, depth + 1);
  const thunk = scope.bound.get(name);
  if (thunk) {
    const value = evalInt(r, thunk.expr, thunk.scope, depth + 1);
    return value.value === null || value.from || !thunk.via ? value : { value: value.value, from: `\`${name}\` of ${where} is given by ${thunk.via}` };
  }
  const param = scope.method?.params.find((p) => p.name === name);
  if (param?.default) {
    const value = evalInt(r, param.default, scope, depth + 1);
    return value.value === null ? value : { value: value.value, from: value.from ?? `the default of \`${name}\` in ${where} (${at(scope.src)})` };
  }
  if (param) return unknown(`\`${name}\` is an argument of ${where} without a default (${at(scope.src)})`);
  return moduleConstant(r, name, scope.src) ?? unknown(`\`${name}\` is not set where ${where} reads it (${at(scope.src)})`);
}

/** `NAME = 12` at the start of a line of the class's file, when it is the only such line. */
function moduleConstant(r: Reader, name: string, src: ClassSource): IntResult | null {
  const bytes = r.index.bytesOf(src.path);
  if (!bytes || !/^[\p{L}_][\p{L}\p{N}_]*$/u.test(name)) return null;
  const text = bytes.toString('utf8');
  const found = [...text.matchAll(new RegExp(`^${name}[ \\t]*(?::[^=\\n]+)?=[ \\t]*([0-9][0-9_]*)[ \\t]*(?:#.*)?$`, 'gmu'))];
  if (found.length !== 1) return null;
  const m = found[0] as RegExpMatchArray;
  const line = text.slice(0, m.index).split('\n').length;
  return { value: Number((m[1] as string).replace(/_/g, '')), from: `\`${name}\` (${src.path}:${line})` };
}

function selfName(scope: Scope): string | null {
  return scope.method?.self ?? null;
}

function attrInt(r: Reader, expr: Extract<Expr, { type: 'attr' }>, scope: Scope, depth: number): IntResult {
  const text = dotted(expr) ?? expr.attr;
  if (expr.object.type === 'name' && expr.object.name === selfName(scope)) {
    return fieldInt(r, { src: scope.src, bound: scope.method?.name === '__init__' ? scope.bound : new Map() }, expr.attr, depth) ?? unknown(`\`${text}\` is not set in \`${scope.src.qualname}\``);
  }
  const object = evalObject(r, expr.object, scope, expr.attr, depth + 1);
  if (!object) return unknown(`\`${text}\` is read from \`${dotted(expr.object) ?? 'a value'}\`, which nothing here describes`);
  return fieldInt(r, object, expr.attr, depth) ?? unknown(`\`${text}\`: \`${object.src.qualname}\` (${at(object.src)}) gives \`${expr.attr}\` no value here`);
}

/** An instance's field: an argument of the call that built it, a class-level default, or what `__init__` sets. */
function fieldInt(r: Reader, object: Instance, attr: string, depth: number): IntResult | null {
  const thunk = object.bound.get(attr);
  if (thunk && !object.src.methods.has('__init__')) return evalInt(r, thunk.expr, thunk.scope, depth + 1);
  const assigned = object.src.assigned.find((a) => a.attr === attr && !a.item && a.method === '__init__') ?? object.src.assigned.find((a) => a.attr === attr && !a.item);
  if (assigned) return evalInt(r, assigned.value, scopeOf(object.src, assigned.method, object.bound), depth + 1);
  const field = object.src.fields.get(attr);
  if (field) {
    const value = evalInt(r, field, scopeOf(object.src, null, new Map()), depth + 1);
    return value.value === null ? value : { value: value.value, from: value.from ?? `the default of \`${object.src.qualname}.${attr}\` (${at(object.src)})` };
  }
  return null;
}

/** The project class instance an expression holds (a config object), when the source tells. */
function evalObject(r: Reader, expr: Expr, scope: Scope | null, attr: string, depth: number): Instance | null {
  if (!scope || depth > MAX_DEPTH) return null;
  if (expr.type === 'name') {
    const local = scope.method?.locals.get(expr.name);
    if (local && local.length > 0) return evalObject(r, local[local.length - 1] as Expr, scope, attr, depth + 1);
    const thunk = scope.bound.get(expr.name);
    if (thunk) return evalObject(r, thunk.expr, thunk.scope, attr, depth + 1) ?? (thunk.scope ? null : unboundObject(r, expr.name, scope, attr));
    return unboundObject(r, expr.name, scope, attr);
  }
  if (expr.type === 'attr' && expr.object.type === 'name' && expr.object.name === selfName(scope)) {
    const assigned = scope.src.assigned.find((a) => a.attr === expr.attr && !a.item);
    return assigned ? evalObject(r, assigned.value, scopeOf(scope.src, assigned.method, scope.method?.name === '__init__' ? scope.bound : new Map()), attr, depth + 1) : null;
  }
  if (expr.type === 'call') {
    const fn = dotted(expr.fn);
    const target = fn ? r.resolveClass(scope.src.path, fn) : null;
    const src = target ? r.read(target.path, target.fact) : null;
    return src ? { src, bound: bindCall(expr, scope, src) } : null;
  }
  return null;
}

/**
 * An argument nothing binds (the model's own constructor argument): its annotation's class, else the
 * one class of the file, or of the project modules it imports, that has a class-level `attr`.
 */
function unboundObject(r: Reader, name: string, scope: Scope, attr: string): Instance | null {
  const param = scope.method?.params.find((p) => p.name === name);
  if (!param) return null;
  if (param.annotation) {
    const target = r.resolveClass(scope.src.path, param.annotation);
    const src = target ? r.read(target.path, target.fact) : null;
    return src ? { src, bound: new Map() } : null;
  }
  const candidates = new Map<string, { path: string; fact: ClassFact }>();
  for (const fact of r.index.classesIn(scope.src.path)) candidates.set(`${scope.src.path}\0${fact.qualname}`, { path: scope.src.path, fact });
  for (const imp of r.index.importsOf(scope.src.path)) {
    if (imp.local === '*' || candidates.size > 40) continue;
    const target = r.resolve(scope.src.path, imp.local);
    if (target.type === 'class') candidates.set(`${target.path}\0${target.fact.qualname}`, target);
  }
  const withField = [...candidates.values()]
    .filter(({ fact }) => fact.qualname !== scope.src.qualname)
    .map(({ path, fact }) => r.read(path, fact))
    .filter((src): src is ClassSource => src !== null && src.fields.get(attr) != null);
  return withField.length === 1 ? { src: withField[0] as ClassSource, bound: new Map() } : null;
}
