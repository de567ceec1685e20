/** Where a receiver's text stands in a scope, and what it does there: bound, imported, used. */
import type { Node } from '../parser.js';
import { IDENT_CHAR, SCOPES, sameNode, scopeEnd, src, type Context } from './tree.js';
import { parentOf } from '../tree-parent.js';

/** One place a receiver's text stands: bound there, used there, or checked there. */
export interface Ref {
  node: Node;
  role:
    | { type: 'assign'; value: Node | null; annotation: Node | null; index: number | null }
    | { type: 'loop'; iterable: Node; index: number | null }
    | { type: 'with'; value: Node }
    | { type: 'parameter'; annotation: Node | null }
    | { type: 'import'; module: boolean }
    | { type: 'use'; method: string | null; call: boolean };
}

/** Where an identifier or pattern element sits in its binding target: the top-level index of a tuple target. */
function targetIndex(node: Node, top: Node): number | null {
  let child = node;
  for (let n = parentOf(node); n; child = n, n = parentOf(n)) {
    if (sameNode(n, top)) return null;
    if (n.type === 'pattern_list' || n.type === 'tuple_pattern' || n.type === 'list_pattern' || n.type === 'tuple' || n.type === 'expression_list') {
      const up = parentOf(n);
      if (sameNode(up, top) || (up?.type === 'parenthesized_expression' && sameNode(parentOf(up), top)) || sameNode(n, top)) {
        return n.namedChildren.findIndex((c) => sameNode(c, child));
      }
    }
  }
  return null;
}

/** The nodes a binding target may sit in: `a, b = ...`, `(a) = ...`, `[a, b] = ...`. */
const TARGET_WRAPPERS = new Set(['pattern_list', 'tuple_pattern', 'list_pattern', 'parenthesized_expression', 'tuple', 'expression_list']);

/** What role the text at `node` (an identifier or attribute equal to the receiver) plays. */
function roleOf(node: Node): Ref['role'] | null {
  let target = node;
  let parent = parentOf(node);
  while (parent && TARGET_WRAPPERS.has(parent.type)) {
    target = parent;
    parent = parentOf(parent);
  }
  if (!parent) return null;
  const index = sameNode(target, node) ? null : targetIndex(node, parent);
  switch (parent.type) {
    case 'assignment':
      if (sameNode(parent.childForFieldName('left'), target)) {
        return { type: 'assign', value: parent.childForFieldName('right'), annotation: parent.childForFieldName('type'), index };
      }
      break;
    case 'for_statement':
    case 'for_in_clause':
      if (sameNode(parent.childForFieldName('left'), target)) {
        const iterable = parent.childForFieldName('right');
        if (iterable) return { type: 'loop', iterable, index };
      }
      break;
    case 'as_pattern_target': {
      const pattern = parentOf(parent);
      const value = pattern?.type === 'as_pattern' ? pattern.childForFieldName('value') ?? pattern.namedChild(0) : null;
      if (value && sameNode(target, node)) return { type: 'with', value };
      break;
    }
    case 'named_expression':
      if (sameNode(parent.childForFieldName('name'), node)) return { type: 'assign', value: parent.childForFieldName('value'), annotation: null, index: null };
      break;
    case 'parameters':
    case 'lambda_parameters':
      return { type: 'parameter', annotation: null };
    case 'typed_parameter':
    case 'typed_default_parameter':
    case 'default_parameter':
      if (sameNode(parent.childForFieldName('name') ?? parent.namedChild(0), node)) return { type: 'parameter', annotation: parent.childForFieldName('type') };
      break;
    case 'aliased_import':
      return sameNode(parent.childForFieldName('alias'), node) ? { type: 'import', module: parentOf(parent)?.type === 'import_statement' } : null;
    case 'dotted_name': {
      // `import a.b` binds `a`; `from m import x` binds `x`; the module named in `from a.b import x` is no binding.
      const stmt = parentOf(parent);
      if (stmt?.type === 'import_statement') return sameNode(parent.namedChild(0), node) ? { type: 'import', module: true } : null;
      if (stmt?.type === 'import_from_statement' && !sameNode(stmt.childForFieldName('module_name'), parent)) return { type: 'import', module: false };
      return null;
    }
    case 'relative_import':
    case 'import_prefix':
      return null;
    case 'keyword_argument':
      if (sameNode(parent.childForFieldName('name'), node)) return null;
      break;
    case 'attribute':
      if (sameNode(parent.childForFieldName('object'), node)) {
        const method = parent.childForFieldName('attribute')?.text ?? null;
        const outer = parentOf(parent);
        const call = outer?.type === 'call' && sameNode(outer.childForFieldName('function'), parent);
        return { type: 'use', method, call };
      }
      return null;
    case 'call':
      if (sameNode(parent.childForFieldName('function'), node)) return { type: 'use', method: null, call: true };
      break;
  }
  return { type: 'use', method: null, call: false };
}

const DEFINITION = /\b(?:def|class|lambda)\b/g;

/**
 * The ranges of the functions, classes and lambdas inside `scope` (the module when null): a name
 * inside one of them belongs to that scope, not this one. Found from their keywords in the text,
 * which costs far less than asking the tree for every name's enclosing scope.
 */
function nestedScopes(ctx: Context, scope: Node | null): Array<[number, number]> {
  const key = scope ? scope.startIndex : -1;
  ctx.nested ??= new Map();
  let ranges = ctx.nested.get(key);
  if (ranges) return ranges;
  ranges = [];
  const start = scope ? scope.startIndex : 0;
  const end = scope ? scopeEnd(ctx, scope) : ctx.text.length;
  DEFINITION.lastIndex = start;
  for (let m = DEFINITION.exec(ctx.text); m && m.index < end; m = DEFINITION.exec(ctx.text)) {
    const last = ranges[ranges.length - 1];
    if (m.index === start || (last && m.index < last[1])) continue;
    if (ctx.coverage && m[0] !== 'lambda') {
      // a partial tree may lack the definition, or hold only part of it: the lexer knows where it ends
      const defEnd = ctx.coverage.definitionEnd(m.index);
      if (defEnd !== undefined) ranges.push([m.index, defEnd]);
      continue;
    }
    const keyword = ctx.root.descendantForIndex(m.index, m.index + m[0].length);
    const def = parentOf(keyword);
    if (!keyword || keyword.startIndex !== m.index || !def || !SCOPES.has(def.type) || def.startIndex !== m.index) continue;
    if (scope && sameNode(def, scope)) continue;
    ranges.push([def.startIndex, def.endIndex]);
  }
  ctx.nested.set(key, ranges);
  return ranges;
}

/** Every place in [start, end) where the receiver's text stands as an expression: `model`, or `self.model`. */
export function refsIn(ctx: Context, receiver: Node, start: number, end: number, scope: Node | null = null): Ref[] {
  const key = `${start}:${end}:${receiver.type === 'attribute' ? src(ctx, receiver).replace(/\s+/g, '') : receiver.text}`;
  ctx.refs ??= new Map();
  const cached = ctx.refs.get(key);
  if (cached) return cached;
  const refs = findRefs(ctx, receiver, start, end, scope);
  ctx.refs.set(key, refs);
  return refs;
}

function findRefs(ctx: Context, receiver: Node, start: number, end: number, scope: Node | null): Ref[] {
  const isAttr = receiver.type === 'attribute';
  const nested = isAttr ? [] : nestedScopes(ctx, scope);
  const word = isAttr ? receiver.childForFieldName('attribute')?.text : receiver.text;
  const objectText = isAttr ? src(ctx, receiver.childForFieldName('object') as Node).replace(/\s+/g, '') : null;
  if (!word) return [];
  const refs: Ref[] = [];
  const dotBefore = objectText === null ? '' : `${objectText}.`;
  for (let i = ctx.text.indexOf(word, start); i !== -1 && i < end; i = ctx.text.indexOf(word, i + word.length)) {
    if (IDENT_CHAR.test(ctx.text[i - 1] ?? '') || IDENT_CHAR.test(ctx.text[i + word.length] ?? '')) continue;
    // Cheap text checks first: asking the tree costs far more. `self.model` is preceded by `self.`
    // (spaces around the dot are rare enough to miss); a plain name is not preceded by a dot.
    if (isAttr ? ctx.text.slice(i - dotBefore.length, i) !== dotBefore : ctx.text[i - 1] === '.') continue;
    if (nested.some(([from, to]) => i >= from && i < to)) continue;
    if (ctx.coverage && !ctx.coverage.seen(i)) continue;
    let node = ctx.root.descendantForIndex(i, i + word.length);
    if (!node || node.startIndex !== i || node.endIndex !== i + word.length || node.type !== 'identifier') continue;
    if (isAttr) {
      const parent = parentOf(node);
      if (parent?.type !== 'attribute' || !sameNode(parent.childForFieldName('attribute'), node)) continue;
      if (src(ctx, parent.childForFieldName('object') as Node).replace(/\s+/g, '') !== objectText) continue;
      node = parent;
    } else {
      const parent = parentOf(node);
      if (parent?.type === 'attribute' && sameNode(parent.childForFieldName('attribute'), node)) continue;
    }
    const role = roleOf(node);
    if (role) refs.push({ node, role });
  }
  return refs;
}

/** The binding in force at `at`: the last one before it, else the first after it (a loop carries it round). */
export function bindingAt(refs: Ref[], at: number): Ref | null {
  const bindings = refs.filter((r) => r.role.type !== 'use');
  const before = bindings.filter((r) => r.node.startIndex < at);
  return before[before.length - 1] ?? bindings[0] ?? null;
}
