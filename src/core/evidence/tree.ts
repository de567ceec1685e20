/** Small questions asked of a parse tree while reading a receiver's clues: names, scopes, calls, source text. */
import type { Node } from '../parser.js';
import type { LineIndex } from '../text.js';
import type { ClueSource, EvidenceRule } from '../types.js';
import type { Ref } from './refs.js';
import { parentOf } from '../tree-parent.js';

/**
 * What a tree parsed from part of the file holds (the focused parse, `focus.ts`). The clue readers
 * ask it wherever they would read a statement the tree may lack; it notes each one it lacks, and the
 * planner then parses again with those statements in, so a plan never rests on what was left out.
 */
export interface Coverage {
  /** True when the tree holds the statement at `offset`; otherwise notes it as needed. */
  seen(offset: number): boolean;
  /** Where the `def`/`async def`/`class` whose tree node starts at `offset` ends in the file; undefined when none starts there. */
  definitionEnd(offset: number): number | undefined;
  /** Notes as needed every statement the tree lacks of the methods named `name` of the class at `classOffset`. */
  needMethods(classOffset: number, name: string): void;
  /** Notes as needed the class's own simple statements holding `word` that the tree lacks. */
  needStatements(classOffset: number, word: string): void;
}

/** One file's tree and text as the clue readers see them, with what they have already found. */
export interface Context {
  text: string;
  path: string;
  lines: LineIndex;
  root: Node;
  /** Present when the tree holds only part of the file. */
  coverage?: Coverage;
  /** Refs already found, by range and receiver text: sites in one function often share a receiver. */
  refs?: Map<string, Ref[]>;
  /** The ranges of the functions, classes and lambdas nested in a scope, by the scope's start. */
  nested?: Map<number, Array<[number, number]>>;
}

/** How deep one value's clues follow others (`a = b`, `b = copy.deepcopy(c)`, ...). */
export const MAX_DEPTH = 4;
export const IDENT_CHAR = /[\p{L}\p{N}_]/u;
export const SCOPES = new Set(['function_definition', 'class_definition', 'lambda']);

export const sameNode = (a: Node | null | undefined, b: Node | null | undefined) => !!a && !!b && a.id === b.id;

export function src(ctx: Context, node: Node): string {
  return ctx.text.slice(node.startIndex, node.endIndex);
}

/** `EMAModel(unet.parameters(), decay=0.9)` -> `EMAModel(...)`; long or multi-line text cut short. */
export function brief(text: string, keepArguments = false): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const call = keepArguments ? null : /^([\p{L}_][\p{L}\p{N}_.]*)\s*\((.+)\)$/su.exec(flat);
  const shown = call && (call[2] ?? '').length > 0 ? `${call[1]}(...)` : flat;
  return shown.length > 60 ? `${shown.slice(0, 57)}...` : shown;
}

export function sourceAt(ctx: Context, rule: EvidenceRule, node: Node): ClueSource {
  const row = ctx.lines.row(node.startIndex);
  const lineText = ctx.text.slice(ctx.lines.lineStart(row), ctx.lines.lineStart(row + 1)).trim();
  return { rule, text: lineText.length > 120 ? `${lineText.slice(0, 117)}...` : lineText, path: ctx.path, line: row + 1 };
}

/** Where a scope (a function, class or lambda) ends in the file: a partial tree may hold only the start of it. */
export function scopeEnd(ctx: Context, scope: Node): number {
  return ctx.coverage?.definitionEnd(scope.startIndex) ?? scope.endIndex;
}

/** The nearest enclosing function, class or lambda of a node, or null at module level. */
export function scopeOf(node: Node): Node | null {
  for (let n = parentOf(node); n; n = parentOf(n)) if (SCOPES.has(n.type)) return n;
  return null;
}

export function enclosing(node: Node, type: string): Node | null {
  for (let n = parentOf(node); n; n = parentOf(n)) if (n.type === type) return n;
  return null;
}

/** The first parameter's name of a method (`self`), or null when `fn` is not a method of a class. */
export function selfName(fn: Node | null): string | null {
  if (!fn) return null;
  const decorated = parentOf(fn);
  const holder = decorated?.type === 'decorated_definition' ? decorated : fn;
  const block = parentOf(holder);
  if (block?.type !== 'block' || parentOf(block)?.type !== 'class_definition') return null;
  if (holder.type === 'decorated_definition' && /@staticmethod\b/.test(holder.text.slice(0, fn.startIndex - holder.startIndex))) return null;
  const first = fn.childForFieldName('parameters')?.namedChildren[0];
  if (!first) return null;
  if (first.type === 'identifier') return first.text;
  if (first.type === 'typed_parameter' || first.type === 'default_parameter' || first.type === 'typed_default_parameter') {
    return (first.childForFieldName('name') ?? first.namedChildren[0])?.text ?? null;
  }
  return null;
}

/** `Outer.Inner` for a node inside class Inner nested in class Outer; null outside any class. */
export function className(node: Node): string | null {
  const names: string[] = [];
  for (let n: Node | null = enclosing(node, 'class_definition'); n; n = enclosing(n, 'class_definition')) {
    const name = n.childForFieldName('name')?.text;
    if (name) names.unshift(name);
  }
  return names.length > 0 ? names.join('.') : null;
}

/** The first parameter of a classmethod (`cls`), or null. */
export function clsName(fn: Node | null): string | null {
  const decorated = parentOf(fn);
  const holder = decorated?.type === 'decorated_definition' ? decorated : null;
  if (!fn || !holder || !/@classmethod\b/.test(holder.text.slice(0, fn.startIndex - holder.startIndex))) return null;
  return selfName(fn);
}

/** What `self.<name>()` returns: the value of the first `return` of that method of the enclosing class. */
export function methodReturn(ctx: Context, node: Node, name: string): Node | null {
  const cls = enclosing(node, 'class_definition');
  if (cls) ctx.coverage?.needMethods(cls.startIndex, name);
  for (const stmt of cls?.childForFieldName('body')?.namedChildren ?? []) {
    const fn = stmt?.type === 'decorated_definition' ? stmt.childForFieldName('definition') : stmt;
    if (fn?.type !== 'function_definition' || fn.childForFieldName('name')?.text !== name) continue;
    for (const ret of fn.descendantsOfType('return_statement')) {
      if (ret && sameNode(scopeOf(ret), fn) && ret.namedChild(0)) return ret.namedChild(0);
    }
  }
  return null;
}

/** `Optional["nn.Module"]` -> `nn.Module`; `Union[A, None]` -> `A`; `A | None` -> `A`. */
export function annotationName(text: string): string | null {
  let t = text.replace(/['"\s]/g, '');
  for (;;) {
    const m = /^(?:typing\.)?(?:Optional|Union|Annotated|Final|ClassVar)\[(.*)\]$/.exec(t);
    if (!m) break;
    t = (m[1] ?? '').split(',')[0] ?? '';
  }
  t = t.split('|').find((part) => part !== 'None') ?? '';
  return /^[\p{L}_][\p{L}\p{N}_]*(?:\.[\p{L}_][\p{L}\p{N}_]*)*$/u.test(t) ? t : null;
}

/** A dotted name (`torch.optim.SGD`), or null for anything else. */
export function dotted(node: Node | null): string | null {
  if (!node) return null;
  if (node.type === 'identifier') return node.text;
  if (node.type === 'attribute') {
    const object = dotted(node.childForFieldName('object'));
    const attr = node.childForFieldName('attribute')?.text;
    return object && attr ? `${object}.${attr}` : null;
  }
  return null;
}

/** The name a receiver goes by: `self.net` -> `net`, `get_model()` -> `get_model`, `xs[0]` -> `xs`. */
export function lastName(node: Node | null): string | null {
  if (!node) return null;
  switch (node.type) {
    case 'identifier':
      return node.text;
    case 'attribute':
      return node.childForFieldName('attribute')?.text ?? null;
    case 'call':
      return lastName(node.childForFieldName('function'));
    case 'subscript':
      return lastName(node.childForFieldName('value'));
    case 'parenthesized_expression':
      return lastName(node.namedChild(0));
    default:
      return null;
  }
}

export function unwrap(node: Node | null): Node | null {
  let n = node;
  while (n && (n.type === 'parenthesized_expression' || n.type === 'await')) n = n.namedChild(0);
  return n;
}

export function positionalArgs(call: Node): Node[] {
  return (call.childForFieldName('arguments')?.namedChildren ?? []).filter(
    (a): a is Node => !!a && a.type !== 'keyword_argument' && a.type !== 'comment' && a.type !== 'list_splat' && a.type !== 'dictionary_splat',
  );
}
