/**
 * What a project class's source says about the modules it builds: its methods' parameters and local
 * assignments, every `self.x = ...` (and `self.x.append(...)`), its class-level fields and its
 * `super().__init__(...)` call. Only the class is parsed (its lines, dedented when nested); the whole
 * file only when that slice does not parse (a docstring at column 0 ends the slice early).
 */
import type { ClassFact } from '../evidence/facts.js';
import type { ProjectIndex } from '../evidence/index.js';
import { parseWith, type Node, type Parser } from '../parser.js';
import { maskCommentRuns } from '../comment-runs.js';
import { named, toExpr, type Expr } from './expr.js';
import { parentOf } from '../tree-parent.js';

export interface Param {
  name: string;
  default: Expr | null;
  /** The annotation as written (`GPTConfig`, `'GPTConfig'` without quotes), or null. */
  annotation: string | null;
}

export interface Method {
  name: string;
  /** The first parameter's name (`self`), null for a static method without parameters. */
  self: string | null;
  /** Parameters after `self`, `*args` and `**kwargs` left out. */
  params: Param[];
  /** Local names and the values assigned to them, in source order. */
  locals: Map<string, Expr[]>;
}

/** `self.attr = value` (`item`: `self.attr.append(value)`, one item of a list the attribute holds). */
export interface Assigned {
  attr: string;
  value: Expr;
  method: string;
  line: number;
  item?: boolean;
}

export interface ClassSource {
  path: string;
  qualname: string;
  line: number;
  bases: string[];
  methods: Map<string, Method>;
  assigned: Assigned[];
  /** Class-level `name: T = value` / `name = value` (a dataclass's fields and defaults). */
  fields: Map<string, Expr | null>;
  /** The arguments `__init__` passes to its base's `__init__` (`super().__init__(...)`, `Base.__init__(self, ...)`). */
  superInit: Extract<Expr, { type: 'call' }> | null;
}

const NESTED = new Set(['function_definition', 'class_definition', 'lambda']);

const kids = (node: Node | null): Node[] => (node ? named(node) : []);

/** The class's lines: from its header to the first line indented no deeper than it (a closing bracket aside). */
function classSlice(text: string, start: number, indent: number): string {
  // line by line from the header, up to the class's end (not the rest of the file: a file's classes are read one after another)
  const lines: string[] = [];
  for (let at = start; at <= text.length; ) {
    const lf = text.indexOf('\n', at);
    const line = text.slice(at, lf === -1 ? text.length : lf);
    const body = line.trimStart();
    const more = lines.length === 0 || body === '' || body.startsWith('#') || body.startsWith(')') || body.startsWith(']') || line.length - body.length > indent;
    if (!more) break;
    lines.push(line);
    if (lf === -1) break;
    at = lf + 1;
  }
  if (indent === 0) return lines.join('\n');
  return lines.map((line) => line.replace(new RegExp(`^[ \\t]{0,${indent}}`), '')).join('\n');
}

function classNode(root: Node, row: number): Node | null {
  for (let node: Node | null = root.descendantForPosition({ row, column: 0 }); node; node = parentOf(node)) {
    if (node.type === 'class_definition' && node.startPosition.row === row) return node;
  }
  return kids(root).find((n) => n.type === 'class_definition' && n.startPosition.row === row) ?? null;
}

/** Reads a project class's source; null when its file cannot be read or the class is not found there. */
export function readClass(index: ProjectIndex, parser: Parser, path: string, fact: ClassFact): ClassSource | null {
  const text = index.textOf(path);
  if (text === null) return null;
  const start = index.charOffset(path, fact.offset);
  const line = index.lineOf(path, fact.offset);
  const slice = classSlice(text, start, fact.indent);
  // (long runs of comment lines blanked for the parser, as the plan's parse does: see maskCommentRuns)
  let tree = parseWith(parser, maskCommentRuns(slice));
  let node = tree.rootNode.hasError ? null : classNode(tree.rootNode, 0);
  let source = slice;
  let firstLine = line;
  if (!node) {
    tree.delete();
    tree = parseWith(parser, maskCommentRuns(text));
    node = classNode(tree.rootNode, line - 1);
    source = text;
    firstLine = 1;
  }
  try {
    return node ? fromNode(node, source, firstLine, { path, qualname: fact.qualname, line, bases: fact.bases }) : null;
  } finally {
    tree.delete();
  }
}

function fromNode(node: Node, source: string, firstLine: number, id: Pick<ClassSource, 'path' | 'qualname' | 'line' | 'bases'>): ClassSource {
  const expr = (n: Node | null) => toExpr(n, source, firstLine);
  const out: ClassSource = { ...id, methods: new Map(), assigned: [], fields: new Map(), superInit: null };
  for (const statement of kids(node.childForFieldName('body'))) {
    const def = statement.type === 'decorated_definition' ? statement.childForFieldName('definition') : statement;
    if (def?.type === 'function_definition') {
      readMethod(def, out, expr, firstLine);
    } else if (statement.type === 'expression_statement') {
      const assign = kids(statement)[0];
      const left = assign?.childForFieldName('left');
      if (assign?.type === 'assignment' && left?.type === 'identifier') out.fields.set(left.text, assign.childForFieldName('right') ? expr(assign.childForFieldName('right')) : null);
    }
  }
  return out;
}

function readParams(def: Node, expr: (n: Node | null) => Expr): { self: string | null; params: Param[] } {
  const params: Param[] = [];
  let self: string | null = null;
  for (const p of kids(def.childForFieldName('parameters'))) {
    let name: string | null = null;
    let annotation: string | null = null;
    let value: Node | null = null;
    if (p.type === 'identifier') name = p.text;
    else if (p.type === 'typed_parameter') {
      name = kids(p).find((c) => c.type === 'identifier')?.text ?? null;
      annotation = p.childForFieldName('type')?.text ?? null;
    } else if (p.type === 'default_parameter' || p.type === 'typed_default_parameter') {
      name = p.childForFieldName('name')?.text ?? null;
      annotation = p.childForFieldName('type')?.text ?? null;
      value = p.childForFieldName('value');
    }
    if (name === null) continue;
    if (self === null && params.length === 0 && !value) {
      self = name;
      continue;
    }
    params.push({ name, default: value ? expr(value) : null, annotation: annotation?.replace(/^['"]|['"]$/g, '') ?? null });
  }
  return { self, params };
}

function readMethod(def: Node, out: ClassSource, expr: (n: Node | null) => Expr, firstLine: number): void {
  const name = def.childForFieldName('name')?.text ?? '';
  const { self, params } = readParams(def, expr);
  const method: Method = { name, self, params, locals: new Map() };
  if (!out.methods.has(name)) out.methods.set(name, method);
  const isSelf = (n: Node | null | undefined) => n?.type === 'identifier' && self !== null && n.text === self;
  const body = def.childForFieldName('body');
  if (!body) return;
  // The method's own assignments and calls, not those of functions, classes or lambdas nested in it
  // (asked of the tree in one call each: visiting every node from here costs ten times as much).
  const nested = body.descendantsOfType([...NESTED]).filter((n): n is Node => n !== null).map((n) => [n.startIndex, n.endIndex] as const);
  const own = (n: Node) => !nested.some(([start, end]) => n.startIndex >= start && n.endIndex <= end);
  for (const n of body.descendantsOfType(['assignment', 'call'])) {
    if (!n || !own(n)) continue;
    if (n.type === 'call') {
      readCall(n, out, name, isSelf, expr, firstLine);
      continue;
    }
    const left = n.childForFieldName('left');
    const right = n.childForFieldName('right');
    if (right && left?.type === 'identifier') {
      const list = method.locals.get(left.text) ?? [];
      list.push(expr(right));
      method.locals.set(left.text, list);
    } else if (right && left?.type === 'attribute' && isSelf(left.childForFieldName('object'))) {
      out.assigned.push({ attr: left.childForFieldName('attribute')?.text ?? '', value: expr(right), method: name, line: firstLine + n.startPosition.row });
    }
  }
}

/** `self.x.append(v)`, `self.x.extend([...])`, `self.add_module('x', v)`, and `__init__`'s call of its base's. */
function readCall(n: Node, out: ClassSource, method: string, isSelf: (n: Node | null | undefined) => boolean, expr: (n: Node | null) => Expr, firstLine: number): void {
  const fn = n.childForFieldName('function');
  if (fn?.type !== 'attribute') return;
  const attr = fn.childForFieldName('attribute')?.text ?? '';
  const object = fn.childForFieldName('object');
  const args = kids(n.childForFieldName('arguments'));
  const line = firstLine + n.startPosition.row;
  if ((attr === 'append' || attr === 'extend') && object?.type === 'attribute' && isSelf(object.childForFieldName('object')) && args.length === 1) {
    const target = object.childForFieldName('attribute')?.text ?? '';
    const value = expr(args[0] as Node);
    const items = attr === 'append' ? [value] : value.type === 'list' ? value.items : value.type === 'comp' ? [value.item] : [];
    for (const item of items) out.assigned.push({ attr: target, value: item, method, line, item: true });
  } else if ((attr === 'add_module' || attr === 'register_module') && isSelf(object) && args.length === 2) {
    const key = expr(args[0] as Node);
    if (key.type === 'str') out.assigned.push({ attr: key.value, value: expr(args[1] as Node), method, line });
  } else if (attr === '__init__' && method === '__init__' && !out.superInit) {
    const call = expr(n);
    if (call.type !== 'call') return;
    if (object?.type === 'call' && object.childForFieldName('function')?.text === 'super') out.superInit = call;
    else if (object && out.bases.includes(object.text) && call.args.length > 0) out.superInit = { ...call, args: call.args.slice(1) };
  }
}
