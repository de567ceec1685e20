/**
 * The names the preamble's class reads from its module (its imports and the builtins it calls), and
 * which name each gets in a given file: the preamble never rebinds a name the file binds to
 * something else, and the file's names never replace the ones the class needs.
 */
import type { Binding } from './bindings.js';
import { parseWith, type Node, type Parser } from './parser.js';
import { PRIVATE_PREFIX, type PreambleImport, type PreambleSource } from './preamble-source.js';
import { BUILTINS, KEYWORDS } from './python-names.js';
import { parentOf } from './tree-parent.js';

/** Where the class body reads each global name: name -> offsets in `body`. */
export type ClassReads = ReadonlyMap<string, readonly number[]>;

const cache = new WeakMap<PreambleSource, ClassReads>();
const wordCache = new WeakMap<PreambleSource, ReadonlySet<string>>();

/**
 * The global names the class may read, found without parsing: its imports' names and the builtins
 * that occur in its body as words. A superset of `classReads` (a word in a docstring counts), and
 * all that a file needs when none of them must be renamed there.
 */
export function classWords(source: PreambleSource): ReadonlySet<string> {
  let words = wordCache.get(source);
  if (!words) {
    const globals = new Set([...source.imports.map((i) => i.name), ...BUILTINS].filter((n) => !KEYWORDS.has(n)));
    // (not an attribute: `.float()` reads no global)
    words = new Set([...source.body.matchAll(/(?<![.\w])[A-Za-z_]\w*/g)].map((m) => m[0]).filter((w) => globals.has(w)));
    wordCache.set(source, words);
  }
  return words;
}

/** Parameters and assignment targets: a body that bound one of its global names locally could not be renamed. */
function isLocalBinding(id: Node): boolean {
  const parent = parentOf(id);
  if (!parent) return false;
  if (['parameters', 'lambda_parameters', 'list_splat_pattern', 'dictionary_splat_pattern'].includes(parent.type)) return true;
  if (['default_parameter', 'typed_parameter', 'typed_default_parameter'].includes(parent.type)) return parent.namedChild(0)?.startIndex === id.startIndex;
  let target: Node = id;
  let holder = parentOf(target);
  while (holder && ['pattern_list', 'tuple_pattern', 'list_pattern'].includes(holder.type)) {
    target = holder;
    holder = parentOf(holder);
  }
  const field = holder && { assignment: 'left', augmented_assignment: 'left', for_statement: 'left', for_in_clause: 'left' }[holder.type as 'assignment'];
  return Boolean(field && holder?.childForFieldName(field)?.startIndex === target.startIndex);
}

/** The global names the class body reads (its imports' names and builtins), with every offset. Parses the class (once). */
export function classReads(parser: Parser, source: PreambleSource): ClassReads {
  const cached = cache.get(source);
  if (cached) return cached;
  const globals = new Set([...source.imports.map((i) => i.name), ...BUILTINS]);
  const reads = new Map<string, number[]>();
  const tree = parseWith(parser, source.body);
  try {
    // only the words that can be such a name are looked up in the tree (walking every node is slow)
    for (const m of source.body.matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)) {
      if (!globals.has(m[0])) continue;
      const node = tree.rootNode.descendantForIndex(m.index, m.index + m[0].length);
      if (node?.type !== 'identifier' || node.startIndex !== m.index || node.endIndex !== m.index + m[0].length) continue;
      const parent = parentOf(node);
      if (parent?.type === 'attribute' && parent.childForFieldName('attribute')?.startIndex === node.startIndex) continue;
      if (parent?.type === 'keyword_argument' && parent.childForFieldName('name')?.startIndex === node.startIndex) continue;
      if (isLocalBinding(node)) throw new Error(`the preamble source binds \`${node.text}\` locally: it could not be renamed`);
      reads.set(node.text, [...(reads.get(node.text) ?? []), node.startIndex]);
    }
  } finally {
    tree.delete();
  }
  cache.set(source, reads);
  return reads;
}

export interface NamePlan {
  /** The import lines the file needs for the class (its own imports of the same module are reused). */
  imports: PreambleImport[];
  /** Global names of the class that take another name in this file (`np` -> `_km_np`, `all` -> `_km_builtins.all`). */
  renames: Map<string, string>;
}

/** A private name the text does not use anywhere: `_km_np`, else `_km_np_2`, ... */
function freshName(text: string, base: string): string {
  const used = (name: string) => new RegExp(`(?<![\\p{L}\\p{N}_])${name}(?![\\p{L}\\p{N}_])`, 'u').test(text);
  let name = `${PRIVATE_PREFIX}${base}`;
  for (let n = 2; used(name); n++) name = `${PRIVATE_PREFIX}${base}_${n}`;
  return name;
}

/** Builtins that `from numpy import *` (so pylab's and jax.numpy's too) and `from torch import *` rebind. */
const STAR_SHADOWED = new Set(['abs', 'all', 'any', 'bool', 'compile', 'complex', 'divmod', 'float', 'int', 'max', 'min', 'pow', 'range', 'round', 'sum']);

/**
 * The names the class uses in a file, given the file's module-level bindings. An import is reused
 * where the file binds the same name to the same module, unconditionally; added where the file does
 * not bind the name; else imported under a private name. A builtin the file rebinds (or that a star
 * import may rebind) is reached through `builtins`.
 */
function planNames(text: string, source: PreambleSource, reads: ReadonlySet<string>, bindings: ReadonlyMap<string, Binding[]>, starImport: boolean): NamePlan {
  const imports: PreambleImport[] = [];
  const renames = new Map<string, string>();
  for (const imp of source.imports) {
    if (!reads.has(imp.name)) continue; // imported by the source but never read by the class
    const bound = bindings.get(imp.name) ?? [];
    const own = bound.length > 0 && bound.every((b) => b.kind === 'import' && b.module === imp.module) && bound.some((b) => b.unconditional && b.runtime);
    if (own) continue;
    if (bound.length === 0 && !starImport) {
      imports.push(imp);
      continue;
    }
    const alias = freshName(text, imp.name);
    imports.push({ module: imp.module, name: alias });
    renames.set(imp.name, alias);
  }
  const shadowed = [...reads].filter((name) => BUILTINS.has(name) && (bindings.has(name) || (starImport && STAR_SHADOWED.has(name))));
  if (shadowed.length > 0) {
    const alias = freshName(text, 'builtins');
    imports.push({ module: 'builtins', name: alias });
    for (const name of shadowed) renames.set(name, `${alias}.${name}`);
  }
  return { imports, renames };
}

/** The class body with its global names renamed. */
function renameClass(body: string, reads: ClassReads, renames: ReadonlyMap<string, string>): string {
  const edits = [...renames].flatMap(([name, to]) => (reads.get(name) ?? []).map((at) => ({ at, name, to })));
  let out = body;
  for (const { at, name, to } of edits.sort((a, b) => b.at - a.at)) out = out.slice(0, at) + to + out.slice(at + name.length);
  return out;
}

/**
 * The preamble for a file: the import lines it needs and the class, its names renamed where the
 * file's would clash (the class is parsed only then).
 */
export function preambleFor(parser: Parser, text: string, source: PreambleSource, bindings: ReadonlyMap<string, Binding[]>, starImport: boolean): { imports: PreambleImport[]; body: string } {
  const quick = planNames(text, source, classWords(source), bindings, starImport);
  if (quick.renames.size === 0) return { imports: quick.imports, body: source.body };
  const reads = classReads(parser, source);
  const exact = planNames(text, source, new Set(reads.keys()), bindings, starImport);
  return { imports: exact.imports, body: renameClass(source.body, reads, exact.renames) };
}
