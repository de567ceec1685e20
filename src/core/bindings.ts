/**
 * Which top-level statements bind a given name in the module's scope (imports, classes, defs,
 * assignments, loops, `with ... as`, `except ... as`, walrus, `del`, `global` in a function, match
 * captures), for the handful of names the preamble and the rewrites must not clash with. Bindings
 * inside a function or a class body, or a comprehension's own loop variables, are not the module's.
 */
import { nodesAtWord, sourceOf, type Node, type Span } from './parser.js';
import { parentOf } from './tree-parent.js';

export interface Binding {
  name: string;
  /** `import` (with the module bound), `class`, `def`, or `other` (assignment, loop, `global`...). */
  kind: 'import' | 'class' | 'def' | 'other';
  /** For imports: the dotted module the name is bound to (`from jax import numpy as jnp`: `jax.numpy`). */
  module: string | null;
  /** The statement that binds (the class or def itself for those). */
  node: Node;
  /** 1-based line of the statement. */
  line: number;
  /** A statement directly in the module (not inside an if, try, with, loop or function), so it always runs. */
  unconditional: boolean;
  /** False inside `if TYPE_CHECKING:`, which never runs. */
  runtime: boolean;
}

/** Nodes a binding target can be nested in (`a, (b, *c) = ...`). */
const PATTERNS = new Set([
  'pattern_list', 'tuple_pattern', 'list_pattern', 'list_splat_pattern', 'tuple', 'list', 'expression_list',
  'parenthesized_expression', 'list_splat', 'as_pattern_target',
]);

/** Statement and field a target sits in: each binds it. */
const TARGET_FIELDS: Record<string, string> = {
  assignment: 'left',
  augmented_assignment: 'left',
  for_statement: 'left',
  named_expression: 'name',
  as_pattern: 'alias',
};

/** Scopes whose bindings are not the module's. */
const SCOPES = new Set(['function_definition', 'lambda', 'class_definition']);

function isField(parent: Node, field: string, child: Node): boolean {
  return parent.childrenForFieldName(field).some((n) => n?.startIndex === child.startIndex && n.endIndex === child.endIndex);
}

/** The module a name bound by an import statement refers to. */
function importedModule(id: Node): { module: string; statement: Node } | null {
  const parent = parentOf(id);
  if (!parent) return null;
  if (parent.type === 'aliased_import') {
    if (!isField(parent, 'alias', id)) return null;
    const name = parent.childForFieldName('name')?.text ?? '';
    const statement = parentOf(parent);
    if (statement?.type === 'import_statement') return { module: name, statement };
    if (statement?.type === 'import_from_statement') return { module: `${statement.childForFieldName('module_name')?.text ?? ''}.${name}`, statement };
    return null;
  }
  if (parent.type !== 'dotted_name') return null;
  const statement = parentOf(parent);
  if (!statement || !isField(statement, 'name', parent)) return null;
  if (statement.type === 'import_statement') {
    // `import a.b.c` binds `a`, to the package `a`
    return parent.namedChild(0)?.startIndex === id.startIndex ? { module: id.text, statement } : null;
  }
  if (statement.type === 'import_from_statement') {
    return { module: `${statement.childForFieldName('module_name')?.text ?? ''}.${parent.text}`, statement };
  }
  return null;
}

/** The statement that binds `id` and how, or null when `id` is not bound there. */
function bindingOf(id: Node): { kind: Binding['kind']; module: string | null; node: Node } | null {
  const imported = importedModule(id);
  if (imported) return { kind: 'import', module: imported.module, node: imported.statement };
  const parent = parentOf(id);
  if (!parent) return null;
  if ((parent.type === 'class_definition' || parent.type === 'function_definition') && isField(parent, 'name', id)) {
    return { kind: parent.type === 'class_definition' ? 'class' : 'def', module: null, node: parent };
  }
  if (parent.type === 'global_statement' || parent.type === 'delete_statement' || parent.type === 'splat_pattern') return { kind: 'other', module: null, node: parent };
  const grandparent = parentOf(parent);
  if (parent.type === 'dotted_name' && parent.namedChildCount === 1 && grandparent?.type === 'case_pattern') return { kind: 'other', module: null, node: parent };
  if (parent.type === 'type' && grandparent?.type === 'type_alias_statement' && isField(grandparent, 'left', parent)) {
    return { kind: 'other', module: null, node: grandparent };
  }
  let target: Node = id;
  let statement: Node | null = parent;
  while (statement && PATTERNS.has(statement.type)) {
    target = statement;
    statement = parentOf(statement);
  }
  const field = statement ? TARGET_FIELDS[statement.type] : undefined;
  if (statement && field && isField(statement, field, target)) return { kind: 'other', module: null, node: statement };
  return null;
}

/**
 * True when nothing between `node` and the module opens a scope of its own. (A comprehension's loop
 * variables are not bindings at all here; a walrus inside a comprehension binds in the enclosing scope.)
 */
function inModuleScope(node: Node): boolean {
  for (let n = parentOf(node); n; n = parentOf(n)) if (SCOPES.has(n.type)) return false;
  return true;
}

function underTypeChecking(node: Node): boolean {
  for (let n = parentOf(node); n; n = parentOf(n)) {
    if (n.type === 'if_statement' && /(?:^|\.)TYPE_CHECKING$/.test(n.childForFieldName('condition')?.text ?? '')) return true;
  }
  return false;
}

/** The import statements of the file (all parsed, however focused the parse; `included`: the ranges a focused tree was parsed from). */
export function importStatements(root: Node, text: string, included: readonly Span[] | null = null): Node[] {
  return nodesAtWord(root, text, 'import', included)
    .map((keyword) => parentOf(keyword))
    .filter((s): s is Node => s?.type === 'import_statement' || s?.type === 'import_from_statement');
}

/** The identifiers an import statement binds: `c` in `import a.b as c`, `a` in `import a.b`, `y` in `from x import y`. */
function importedIdentifiers(statement: Node): Node[] {
  return statement.childrenForFieldName('name').flatMap((name) => {
    const bound = name?.type === 'aliased_import' ? name.childForFieldName('alias') : name?.namedChild(0);
    return bound ? [bound] : [];
  });
}

/**
 * Every binding in the module's scope of each name of `candidates` (`bindingOffsets`: name -> where
 * it may be bound; the focused parse holds those statements) and by each of `imports` (the file's
 * import statements), in source order.
 */
export function moduleBindings(root: Node, imports: readonly Node[], candidates: ReadonlyMap<string, readonly number[]>): Map<string, Binding[]> {
  const ids = new Map<number, Node>();
  for (const statement of imports) {
    for (const id of importedIdentifiers(statement)) if (candidates.has(id.text)) ids.set(id.startIndex, id);
  }
  for (const [name, offsets] of candidates) {
    for (const at of offsets) {
      const id = root.descendantForIndex(at, at + name.length);
      if (id?.type === 'identifier' && id.startIndex === at && id.endIndex === at + name.length) ids.set(at, id);
    }
  }
  const out = new Map<string, Binding[]>();
  for (const id of [...ids.values()].sort((a, b) => a.startIndex - b.startIndex)) {
    const binding = bindingOf(id);
    // `global x` in a function makes its assignments the module's.
    if (!binding || (binding.node.type !== 'global_statement' && !inModuleScope(binding.node))) continue;
    const decorated = parentOf(binding.node);
    const statement = decorated?.type === 'decorated_definition' ? decorated : binding.node;
    const holder = parentOf(statement);
    const direct = holder?.type === 'module' || (holder?.type === 'expression_statement' && parentOf(holder)?.type === 'module');
    const found = out.get(id.text) ?? [];
    found.push({
      name: id.text,
      ...binding,
      line: binding.node.startPosition.row + 1,
      unconditional: direct && binding.node.type !== 'global_statement',
      runtime: !underTypeChecking(binding.node),
    });
    out.set(id.text, found);
  }
  return out;
}

/**
 * The module-level `from x import *` statements among `imports` (they may bind any name). Only a
 * statement with a `*` in its text (`text`: the file's) is asked of the tree: listing a node's
 * children makes an object of each.
 */
export function starImports(imports: readonly Node[], text: string): Node[] {
  const starred = (s: Node) => {
    const star = text.indexOf('*', s.startIndex);
    return star !== -1 && star < s.endIndex;
  };
  return imports.filter((s) => starred(s) && s.children.some((c) => c?.type === 'wildcard_import') && inModuleScope(s));
}

/** `line 3: def KeyMapper(x):`, for messages. */
export function describeBinding(text: string, binding: Binding): string {
  return `line ${binding.line}: \`${sourceOf(text, binding.node).split('\n')[0]?.trim()}\``;
}
