/** Where the KeyMapper preamble goes in a file, and its text (from src/python/, read once). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { nodesAtWord, sourceOf, type Node } from './parser.js';
import type { ScanOptions } from './types.js';
import type { LineIndex } from './text.js';

export interface PreambleSource {
  /** Top-level import lines of the preamble file. */
  imports: string[];
  /** `class KeyMapper:` to the end, ending with one newline. */
  body: string;
}

const cache = new Map<string, PreambleSource>();

/** Splits a preamble file into its import lines and the class that follows them. */
function splitPreamble(source: string): PreambleSource {
  const text = source.replace(/\r\n/g, '\n');
  const classAt = text.search(/^class KeyMapper\b/m);
  if (classAt === -1) throw new Error('the preamble source has no `class KeyMapper`');
  const imports = text.slice(0, classAt).split('\n').map((l) => l.trim()).filter(Boolean);
  return { imports, body: `${text.slice(classAt).trimEnd()}\n` };
}

/** The preamble flavour's source, from dist/python/keymapper_<flavour>.py. */
export function preambleSource(mapper: ScanOptions['mapper']): PreambleSource {
  let source = cache.get(mapper);
  if (!source) {
    const url = new URL(`../python/keymapper_${mapper}.py`, import.meta.url);
    source = splitPreamble(readFileSync(fileURLToPath(url), 'utf8'));
    cache.set(mapper, source);
  }
  return source;
}

const IMPORT_TYPES = new Set(['import_statement', 'import_from_statement', 'future_import_statement']);

function isDocstring(node: Node): boolean {
  return node.type === 'expression_statement' && node.namedChildCount === 1 && node.namedChild(0)?.type === 'string';
}

/** True when the file defines `KeyMapper` or imports it under that name. */
export function definesKeyMapper(root: Node, text: string): boolean {
  for (const name of nodesAtWord(root, text, 'KeyMapper')) {
    const parent = name.parent;
    if (parent?.type === 'class_definition' && parent.childForFieldName('name')?.startIndex === name.startIndex) return true;
    let stmt: Node | null = parent;
    while (stmt && (stmt.type === 'dotted_name' || stmt.type === 'aliased_import')) stmt = stmt.parent;
    if (stmt?.type !== 'import_statement' && stmt?.type !== 'import_from_statement') continue;
    for (const imported of stmt.childrenForFieldName('name')) {
      const bound = imported?.type === 'aliased_import' ? imported.childForFieldName('alias') : imported;
      if (bound?.text.split('.').pop() === 'KeyMapper') return true;
    }
  }
  return false;
}

/** Offset of the start of the line after the one holding `offset` (or the text's end). */
function nextLineStart(text: string, offset: number): number {
  const lf = text.indexOf('\n', offset);
  return lf === -1 ? text.length : lf + 1;
}

const normalize = (line: string) => line.replace(/\s+/g, ' ').trim();

/**
 * The insertion: after a shebang and encoding line, the module docstring, `from __future__`
 * imports and the leading block of imports; PEP 8 blank lines around the class.
 * Returns the offset and the text to insert (LF line endings; the planner converts).
 */
export function placePreamble(text: string, lines: LineIndex, root: Node, source: PreambleSource): { offset: number; text: string } {
  let offset = 0;
  let afterDocstringOnly = false;
  const existing = new Set<string>();
  for (const node of root.namedChildren) {
    if (!node) continue;
    if (node.type === 'comment') {
      const row = lines.row(node.startIndex);
      if (offset === lines.lineStart(row) && row < 2 && /^#!|coding[:=]/.test(sourceOf(text, node))) offset = nextLineStart(text, node.endIndex);
      continue;
    }
    if (IMPORT_TYPES.has(node.type)) {
      existing.add(normalize(sourceOf(text, node)));
      offset = nextLineStart(text, node.endIndex);
      afterDocstringOnly = false;
      continue;
    }
    if (isDocstring(node) && existing.size === 0 && !afterDocstringOnly) {
      offset = nextLineStart(text, node.endIndex);
      afterDocstringOnly = true;
      continue;
    }
    break;
  }
  const imports = source.imports.filter((line) => !existing.has(normalize(line)));
  let insert = '';
  if (offset > 0 && !text.slice(0, offset).endsWith('\n')) insert += '\n';
  if (afterDocstringOnly) insert += '\n';
  if (imports.length > 0) insert += `${imports.join('\n')}\n`;
  if (offset > 0 || imports.length > 0) insert += '\n\n';
  insert += source.body;
  const following = /^(?:[ \t]*\r?\n)*/.exec(text.slice(offset))?.[0] ?? '';
  const blankLines = (following.match(/\n/g) ?? []).length;
  const atEnd = offset + following.length >= text.length;
  if (!atEnd) insert += '\n'.repeat(Math.max(0, 2 - blankLines));
  return { offset, text: insert };
}
