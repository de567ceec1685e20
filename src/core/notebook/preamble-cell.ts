/** The KeyMapper preamble of a notebook: a code cell of its own, holding the imports the class reads and the class. */
import { classWords } from '../preamble-names.js';
import { importLine, type PreambleImport, type PreambleSource } from '../preamble-source.js';
import { STDLIB_MODULES } from '../python-names.js';
import type { NotebookMap, PreamblePlan } from '../types.js';

/**
 * The imports the cell holds: those the file needs, and those the notebook already has under the
 * same names (the cell may run before the cell that imports them: importing again costs nothing).
 */
export function cellImports(source: PreambleSource, needed: readonly PreambleImport[]): PreambleImport[] {
  const words = classWords(source);
  const again = source.imports.filter((imp) => words.has(imp.name) && !needed.some((n) => n.module === imp.module));
  return [...needed, ...again];
}

/** `import` lines in isort's sections: the standard library, then the rest, each sorted. */
export function importBlock(imports: readonly PreambleImport[]): string {
  const key = (imp: PreambleImport) => imp.module.toLowerCase();
  const sorted = [...imports].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  const stdlib = sorted.filter((imp) => STDLIB_MODULES.has(imp.module.split('.')[0] ?? ''));
  const rest = sorted.filter((imp) => !stdlib.includes(imp));
  return [stdlib, rest].filter((group) => group.length > 0).map((group) => group.map(importLine).join('\n')).join('\n\n');
}

/** The preamble as a new cell before cell `map.insertAt`: an insertion at that cell's start in the plan's text. */
export function preambleCell(map: NotebookMap, text: string, imports: readonly PreambleImport[], body: string, eol: string): PreamblePlan {
  const cellText = [importBlock(imports), body.replace(/\n$/, '')].filter(Boolean).join('\n\n\n').replace(/\n/g, eol);
  const at = map.cells.find((c) => c.index >= map.insertAt)?.start ?? text.length;
  return { line: 1, endLine: 1, text: cellText, edit: { start: at, end: at, text: cellText }, cell: map.insertAt };
}
