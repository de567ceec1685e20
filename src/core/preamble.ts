/**
 * Where the KeyMapper preamble goes in a file and what it says there: the class after the file's
 * leading import region (guarded imports included), its import lines among the file's own, and
 * whether the file already has the mapper or binds `KeyMapper` to something else.
 */
import { describeBinding, type Binding } from './bindings.js';
import { importInsertions, type Insertion } from './import-groups.js';
import { sourceOf, type Node } from './parser.js';
import { importLine, type PreambleImport } from './preamble-source.js';
import type { Edit, Mapper } from './types.js';
import { nextLineStart, ownCopy, type LineIndex } from './text.js';

const IMPORT_TYPES = new Set(['import_statement', 'import_from_statement', 'future_import_statement']);
/** Compound statements that may hold imports at the top of a file (`try: import x`, `if TYPE_CHECKING:`). */
const GUARDS = new Set(['if_statement', 'try_statement', 'with_statement']);
const CLAUSES = new Set(['elif_clause', 'else_clause', 'except_clause', 'except_group_clause', 'finally_clause']);
const SIMPLE_IN_GUARD = new Set(['pass_statement', 'raise_statement', 'expression_statement', 'comment']);

function isDocstring(node: Node): boolean {
  return node.type === 'expression_statement' && node.namedChildCount === 1 && node.namedChild(0)?.type === 'string';
}

/** `__all__ = [...]`, `__version__ = "1"`: allowed among imports (pycodestyle's E402 lets them be). */
function isDunderAssignment(node: Node): boolean {
  const inner = node.type === 'expression_statement' ? node.namedChild(0) : null;
  return inner?.type === 'assignment' && /^__\w+__$/.test(inner.childForFieldName('left')?.text ?? '');
}

/** An if/try/with at the top of a file made of imports (and pass, raise, assignments, calls), holding at least one. */
function isGuardedImports(node: Node): boolean {
  if (!GUARDS.has(node.type)) return false;
  if (node.type === 'if_statement' && /__name__/.test(node.childForFieldName('condition')?.text ?? '')) return false;
  let imports = 0;
  const statementOk = (s: Node): boolean => {
    if (IMPORT_TYPES.has(s.type)) {
      imports++;
      return true;
    }
    if (GUARDS.has(s.type)) return blocksOk(s);
    return SIMPLE_IN_GUARD.has(s.type);
  };
  const blocksOk = (n: Node): boolean =>
    n.namedChildren.every((c) => !c || (c.type === 'block' ? c.namedChildren.every((s) => !s || statementOk(s)) : !CLAUSES.has(c.type) || blocksOk(c)));
  return blocksOk(node) && imports > 0;
}

interface Region {
  /** Where the class goes: after the last import or guarded import block, else after the header. */
  offset: number;
  /** Nothing but a module docstring (and shebang, encoding line) comes before `offset`. */
  afterDocstringOnly: boolean;
  /** True when the region holds imports (so the class follows them). */
  hasImports: boolean;
  /** Top-level import statements other than `from __future__`, in order. */
  imports: Node[];
}

/**
 * The file's leading import region: a shebang and encoding line, the module docstring, imports,
 * `__dunder__` assignments and if/try/with blocks of imports, up to the first other statement or
 * the first site (`limit`), whichever comes first.
 */
function leadingRegion(text: string, lines: LineIndex, root: Node, limit: number): Region {
  const region: Region = { offset: 0, afterDocstringOnly: false, hasImports: false, imports: [] };
  let first = true;
  for (const node of root.namedChildren) {
    if (!node || node.startIndex >= limit) break;
    if (node.type === 'comment') {
      const row = lines.row(node.startIndex);
      if (region.offset === lines.lineStart(row) && row < 2 && /^#!|coding[:=]/.test(sourceOf(text, node))) region.offset = nextLineStart(text, node.endIndex);
      continue;
    }
    const docstring = first && isDocstring(node);
    first = false;
    if (docstring) {
      region.offset = nextLineStart(text, node.endIndex);
      region.afterDocstringOnly = true;
    } else if (IMPORT_TYPES.has(node.type) || (isGuardedImports(node) && node.endIndex <= limit)) {
      region.offset = nextLineStart(text, node.endIndex);
      region.afterDocstringOnly = false;
      region.hasImports = true;
      if (node.type === 'import_statement' || node.type === 'import_from_statement') region.imports.push(node);
    } else if (!isDunderAssignment(node)) {
      break;
    }
  }
  return region;
}

/** The class's insertion at the end of the region, with `extra` imports as one group before it; PEP 8 blank lines. */
function classInsertion(text: string, region: Region, extra: readonly PreambleImport[], body: string): Insertion {
  const { offset } = region;
  // (no class: the shared helper's import alone, placed among the file's imports)
  if (body === '' && extra.length === 0) return { offset, text: '' };
  let insert = '';
  if (offset > 0 && !text.slice(0, offset).endsWith('\n')) insert += '\n';
  if (region.afterDocstringOnly) insert += '\n';
  const sorted = [...extra].sort((a, b) => (a.module.toLowerCase() < b.module.toLowerCase() ? -1 : 1));
  if (extra.length > 0) insert += `${region.hasImports ? '\n' : ''}${sorted.map(importLine).join('\n')}\n`;
  if (body !== '' && (offset > 0 || extra.length > 0)) insert += '\n\n';
  insert += body;
  const following = /^(?:[ \t]*\r?\n)*/.exec(text.slice(offset))?.[0] ?? '';
  const blankLines = (following.match(/\n/g) ?? []).length;
  // PEP 8: two blank lines after a class, or before a def or class; one after an import group
  const wanted = body !== '' || /^(?:@|def\s|class\s|async\s+def\s)/.test(text.slice(offset + following.length)) ? 2 : 1;
  if (offset + following.length < text.length) insert += '\n'.repeat(Math.max(0, wanted - blankLines));
  return { offset, text: insert };
}

/**
 * The preamble as one edit (its new lines end with `eol`): the class after the leading
 * import region, above `limit` (the first site), and `imports` in the file's import sections where
 * it keeps isort's, else as one group after its imports. The edit replaces the text between its
 * first and last insertion with that text plus the insertions.
 */
export function placePreamble(text: string, lines: LineIndex, root: Node, limit: number, imports: readonly PreambleImport[], body: string, eol: string): Edit {
  const region = leadingRegion(text, lines, root, limit);
  const placed = imports.length > 0 ? importInsertions(text, lines, region.imports, imports, region.offset) : null;
  const trailing = placed ? placed.trailing : imports;
  const insertions = [...(placed?.insertions ?? []), classInsertion(text, region, trailing, body)];
  // (stable: at one offset, the import lines come before the class, standard library before third party)
  insertions.sort((a, b) => a.offset - b.offset);
  const start = insertions[0]?.offset ?? region.offset;
  const end = region.offset;
  let out = '';
  let at = start;
  for (const insertion of insertions) {
    // (the file's own lines copied: the class body is one string that every plan shares, these are the file's)
    out += ownCopy(text.slice(at, insertion.offset)) + (eol === '\n' ? insertion.text : insertion.text.replace(/\n/g, eol));
    at = insertion.offset;
  }
  return { start, end, text: out + ownCopy(text.slice(at, end)) };
}

/** A `class KeyMapper` with the method the rewrite calls (`from_torch`, or nnx's `load_into`): the mapper (the preamble's own, or one like it). */
function isMapperClass(node: Node, method: string): boolean {
  const body = node.childForFieldName('body');
  return Boolean(body?.namedChildren.some((s) => {
    const def = s?.type === 'decorated_definition' ? s.childForFieldName('definition') : s;
    return def?.type === 'function_definition' && def.childForFieldName('name')?.text === method;
  }));
}

/**
 * What `KeyMapper` is in the file: `absent` (the preamble is needed), `present` (imported, or a
 * mapper class), or the first module-level binding that is something else (then no rewrite can
 * call it). Function-local bindings and imports under `if TYPE_CHECKING:` do not count.
 */
function keyMapperState(bindings: readonly Binding[] | undefined, method: string): 'absent' | 'present' | Binding {
  const live = (bindings ?? []).filter((b) => b.runtime);
  const other = live.find((b) => b.kind !== 'import' && !(b.kind === 'class' && isMapperClass(b.node, method)));
  if (other) return other;
  return live.length > 0 ? 'present' : 'absent';
}

/**
 * What the file's module-level `KeyMapper` means for its rewrites: whether the mapper is there, and
 * why no site can be proposed (`mapperTaken`) when the name is bound to something else.
 */
export function nameConflicts(text: string, bindings: ReadonlyMap<string, Binding[]>, mapper: Mapper = 'flax') {
  const method = mapper === 'nnx' ? 'load_into' : 'from_torch';
  const keyMapper = keyMapperState(bindings.get('KeyMapper'), method);
  return {
    keyMapper: typeof keyMapper === 'object' ? ('taken' as const) : keyMapper,
    mapperTaken: typeof keyMapper === 'object'
      ? `\`KeyMapper\` is bound in this file to something else (${describeBinding(text, keyMapper)}), and the rewrite calls KeyMapper.${method}: rename it first`
      : null,
  };
}
