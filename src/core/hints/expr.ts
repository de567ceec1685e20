/**
 * Python expressions as plain data: what reading a model's constructor needs (calls, names, numbers,
 * lists and comprehensions), taken from tree-sitter nodes so that the tree can be freed at once.
 */
import type { Node } from '../parser.js';

export type Expr =
  | { type: 'int'; value: number }
  | { type: 'str'; value: string }
  | { type: 'name'; name: string }
  | { type: 'attr'; object: Expr; attr: string }
  | { type: 'call'; fn: Expr; args: Expr[]; kwargs: Array<[string, Expr]>; text: string; line: number }
  /** A list or tuple display. */
  | { type: 'list'; items: Expr[] }
  /** `[X for ...]`, `(X for ...)`: one item stands for all. */
  | { type: 'comp'; item: Expr }
  | { type: 'dict'; entries: Array<[Expr, Expr]> }
  | { type: 'star'; value: Expr }
  | { type: 'binop'; op: string; left: Expr; right: Expr }
  | { type: 'other' };

const OTHER: Expr = { type: 'other' };

/** `a.b.c` for a name or an attribute chain of names; null for anything else. */
export function dotted(expr: Expr): string | null {
  if (expr.type === 'name') return expr.name;
  if (expr.type === 'attr') {
    const object = dotted(expr.object);
    return object === null ? null : `${object}.${expr.attr}`;
  }
  return null;
}

/** A Python integer literal's value (`1_024`, `0x10`); null when it is not a safe integer. */
function intValue(text: string): number | null {
  const clean = text.replace(/_/g, '').toLowerCase();
  if (/[lj]$/.test(clean)) return null;
  const value = /^0[box]/.test(clean) ? Number(clean) : /^[0-9]+$/.test(clean) ? Number(clean) : NaN;
  return Number.isSafeInteger(value) ? value : null;
}

/** A plain string literal's content (no f-string, no escapes beyond the quotes); null otherwise. */
function stringValue(node: Node, text: string): string | null {
  if (node.children.some((c) => c?.type === 'interpolation')) return null;
  const m = /^[rRuUbB]?('''|"""|'|")([\s\S]*)\1$/.exec(text);
  return m && !(m[2] as string).includes('\\') ? (m[2] as string) : null;
}

/** A node's named children but comments. */
export function named(node: Node): Node[] {
  return node.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
}

/** `source` is the text the node indexes; `firstLine` is the 1-based line of its row 0. */
export function toExpr(node: Node | null, source: string, firstLine: number): Expr {
  if (!node) return OTHER;
  const text = () => source.slice(node.startIndex, node.endIndex);
  const sub = (n: Node | null) => toExpr(n, source, firstLine);
  switch (node.type) {
    case 'integer': {
      const value = intValue(text());
      return value === null ? OTHER : { type: 'int', value };
    }
    case 'string': {
      const value = stringValue(node, text());
      return value === null ? OTHER : { type: 'str', value };
    }
    case 'identifier':
      return { type: 'name', name: text() };
    case 'attribute':
      return { type: 'attr', object: sub(node.childForFieldName('object')), attr: node.childForFieldName('attribute')?.text ?? '' };
    case 'parenthesized_expression':
      return sub(named(node)[0] ?? null);
    case 'unary_operator': {
      const inner = sub(node.childForFieldName('argument'));
      return node.childForFieldName('operator')?.text === '-' && inner.type === 'int' ? { type: 'int', value: -inner.value } : OTHER;
    }
    case 'binary_operator':
      return { type: 'binop', op: node.childForFieldName('operator')?.text ?? '', left: sub(node.childForFieldName('left')), right: sub(node.childForFieldName('right')) };
    case 'list':
    case 'tuple':
    case 'expression_list':
      return { type: 'list', items: named(node).map(sub) };
    case 'list_splat':
      return { type: 'star', value: sub(named(node)[0] ?? null) };
    case 'list_comprehension':
    case 'generator_expression':
    case 'set_comprehension':
      return { type: 'comp', item: sub(node.childForFieldName('body')) };
    case 'dictionary':
      return {
        type: 'dict',
        entries: named(node)
          .filter((p) => p.type === 'pair')
          .map((p) => [sub(p.childForFieldName('key')), sub(p.childForFieldName('value'))] as [Expr, Expr]),
      };
    case 'dictionary_comprehension': {
      const pair = node.childForFieldName('body');
      return { type: 'comp', item: sub(pair?.childForFieldName('value') ?? null) };
    }
    case 'call':
      return callExpr(node, source, firstLine);
    default:
      return OTHER;
  }
}

function callExpr(node: Node, source: string, firstLine: number): Expr {
  const sub = (n: Node | null) => toExpr(n, source, firstLine);
  const args: Expr[] = [];
  const kwargs: Array<[string, Expr]> = [];
  const list = node.childForFieldName('arguments');
  if (list?.type === 'generator_expression') args.push(sub(list));
  else if (list) {
    for (const arg of named(list)) {
      if (arg.type === 'keyword_argument') kwargs.push([arg.childForFieldName('name')?.text ?? '', sub(arg.childForFieldName('value'))]);
      else if (arg.type !== 'dictionary_splat') args.push(sub(arg));
    }
  }
  const raw = source.slice(node.startIndex, node.endIndex).replace(/\s+/g, ' ');
  return {
    type: 'call',
    fn: sub(node.childForFieldName('function')),
    args,
    kwargs,
    text: raw.length > 80 ? `${raw.slice(0, 77)}...` : raw,
    line: firstLine + node.startPosition.row,
  };
}
