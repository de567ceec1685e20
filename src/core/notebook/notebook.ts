/**
 * A Jupyter notebook as one more container of Python text (design.md): its code cells read into
 * one text plus a map of where each cell lies in it, and written back into the notebook's own
 * JSON, replacing only the `source` of the cells that change (and adding the preamble's cell), so
 * that its indent, key order, escapes, outputs, metadata and final newline stay byte for byte.
 */
import { diffArrays } from 'diff';
import type { Edit, NotebookMap } from '../types.js';
import { field, jsonString, parseJsonRanges, JsonError, type JsonValue } from './json-ranges.js';
import { maskCell } from './ipython.js';
import { splitLines } from '../text.js';

/** The notebook format versions this reads and writes: 4.0 to 4.5. */
const MAJOR = 4;
const MAX_MINOR = 5;

export type NotebookRead = { ok: true; text: string; parseText: string; map: NotebookMap } | { ok: false; reason: string };

function sourceText(value: JsonValue | undefined): string | null {
  if (value?.type === 'string') return value.value;
  if (value?.type !== 'array') return null;
  let out = '';
  for (const item of value.items) {
    if (item.type !== 'string') return null;
    out += item.value;
  }
  return out;
}

const isCode = (cell: JsonValue | undefined) => {
  const type = field(cell, 'cell_type');
  return type?.type === 'string' && type.value === 'code';
};

/** Only imports (and comments, blank lines, IPython lines) in a cell, as its masked text says. */
function onlyImports(masked: string): boolean {
  let open = 0;
  let continued = false;
  for (const line of masked.split('\n')) {
    const code = line.replace(/#.*$/, '').trim();
    const inside = open > 0 || continued;
    if (!inside && code !== '' && !/^(?:import\s|from\s+\S+\s+import[\s(])/.test(code) && !/^(?:pass|\.\.\.|0+)$/.test(code)) return false;
    for (const c of code) open += c === '(' ? 1 : c === ')' ? -1 : 0;
    continued = code.endsWith('\\');
  }
  return true;
}

/** Reads a notebook's JSON text: the code cells as one text, the masked text to parse, and the map; or why not. */
export function readNotebook(json: string): NotebookRead {
  let root: JsonValue;
  try {
    root = parseJsonRanges(json);
  } catch (error) {
    if (error instanceof JsonError) return { ok: false, reason: `not a notebook: invalid JSON (${error.message})` };
    throw error;
  }
  const major = field(root, 'nbformat');
  const minor = field(root, 'nbformat_minor');
  if (major?.type !== 'number' || (minor !== undefined && minor.type !== 'number')) return { ok: false, reason: 'not a notebook: no nbformat version' };
  const version = `${major.value}.${minor?.value ?? 0}`;
  if (major.value !== MAJOR || Number(minor?.value ?? 0) > MAX_MINOR) {
    return { ok: false, reason: `nbformat ${version} notebook: this tool reads nbformat 4.0 to 4.${MAX_MINOR}` };
  }
  const metadata = field(root, 'metadata');
  const language = field(field(metadata, 'kernelspec'), 'language') ?? field(field(metadata, 'language_info'), 'name');
  if (language?.type === 'string' && language.value.toLowerCase() !== 'python') {
    return { ok: false, reason: `the notebook's language is ${language.value}, not Python` };
  }
  const cells = field(root, 'cells');
  if (cells?.type !== 'array') return { ok: false, reason: 'not a notebook: no cells' };
  let text = '';
  let parseText = '';
  let row = 0;
  const map: NotebookMap = { json, cells: [], insertAt: -1, cellCount: cells.items.length };
  let leading = true;
  for (const [index, cell] of cells.items.entries()) {
    if (!isCode(cell)) continue;
    const source = sourceText(field(cell, 'source'));
    if (source === null) return { ok: false, reason: `not a notebook: cell ${index + 1} has no source text` };
    const masked = maskCell(source);
    if (leading) {
      if (map.insertAt === -1) map.insertAt = index;
      if (masked.skipped === null && onlyImports(masked.text)) map.insertAt = index + 1;
      else leading = false;
    }
    const end = text.length + source.length;
    map.cells.push({ index, start: text.length, end, row });
    // each cell ends a line, so that the next one starts its own statement
    const sep = source === '' || source.endsWith('\n') ? '' : '\n';
    text += source + sep;
    parseText += masked.text + sep;
    row += (source + sep).split('\n').length - 1;
  }
  if (map.insertAt === -1) map.insertAt = cells.items.length;
  return { ok: true, text, parseText, map };
}

/** The cell holding an offset of the text (the last one whose start is at or before it). */
export function cellAt(map: NotebookMap, offset: number) {
  let found = map.cells[0];
  for (const cell of map.cells) if (cell.start <= offset) found = cell;
  return found;
}

/**
 * The edits by the index of the cell each starts in, each cut at its cell's end (one that removes a
 * cell's last line may reach into the line end joining it to the next, which is not the cell's).
 */
export function editsByCell<E extends Edit>(map: NotebookMap, edits: readonly E[]): Map<number, E[]> {
  const byCell = new Map<number, E[]>();
  for (const edit of edits) {
    const cell = cellAt(map, edit.start);
    if (cell) byCell.set(cell.index, [...(byCell.get(cell.index) ?? []), { ...edit, end: Math.min(edit.end, cell.end) }]);
  }
  return byCell;
}

/**
 * Each changed cell's old and new source under `edits` (offsets in the plan's text, each within
 * one cell; one that removes a cell's last line may reach into the line end joining it to the
 * next, which is not the cell's), in cell order.
 */
export function changedCells(map: NotebookMap, text: string, edits: readonly Edit[]): { index: number; before: string; after: string }[] {
  const byCell = editsByCell(map, edits);
  const out: { index: number; before: string; after: string }[] = [];
  for (const cell of map.cells) {
    const mine = byCell.get(cell.index);
    if (!mine) continue;
    const before = text.slice(cell.start, cell.end);
    let after = before;
    for (const edit of [...mine].sort((a, b) => b.start - a.start || b.end - a.end)) {
      after = after.slice(0, edit.start - cell.start) + edit.text + after.slice(edit.end - cell.start);
    }
    if (after !== before) out.push({ index: cell.index, before, after });
  }
  return out;
}

/** Whether the notebook writes non-ASCII characters as `\uXXXX` (json.dumps' ensure_ascii). */
function ensuresAscii(json: string): boolean {
  if (/[^\x00-\x7f]/.test(json)) return false;
  return /\\u(?:00[89a-f][0-9a-f]|0[1-9a-f][0-9a-f]{2}|[1-9a-f][0-9a-f]{3})/i.test(json);
}

/** The whitespace at the start of the line holding `offset`. */
function indentAt(json: string, offset: number): string {
  const lineStart = json.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(json.slice(lineStart))?.[0] ?? '';
}

/** A new `source` value laid out as `old` was, keeping the text of every line that did not change. */
function sourceValue(json: string, old: JsonValue, source: string, ascii: boolean): string {
  if (old.type === 'string') return jsonString(source, ascii);
  if (old.type !== 'array') throw new Error('a notebook cell source that is neither a string nor a list');
  const lines = splitLines(source);
  const oldItems = old.items.filter((i): i is Extract<JsonValue, { type: 'string' }> => i.type === 'string');
  const items: string[] = [];
  let at = 0;
  for (const part of diffArrays(oldItems.map((i) => i.value), lines)) {
    if (part.removed) { at += part.value.length; continue; }
    if (part.added) { items.push(...part.value.map((line) => jsonString(line, ascii))); continue; }
    for (let k = 0; k < part.value.length; k++) {
      const item = oldItems[at++] as JsonValue;
      items.push(json.slice(item.start, item.end));
    }
  }
  const first = old.items[0];
  const multiline = first ? json.slice(old.start, first.start).includes('\n') : true;
  if (!multiline) return `[${items.join(json.slice(old.items[0]?.end ?? 0, old.items[1]?.start ?? 0).includes(' ') ? ', ' : ',')}]`;
  const itemIndent = first ? indentAt(json, first.start) : `${indentAt(json, old.start)} `;
  const closeIndent = indentAt(json, old.end - 1);
  if (items.length === 0) return '[]';
  return `[\n${items.map((i) => itemIndent + i).join(',\n')}\n${closeIndent}]`;
}

/** A free cell id: `keymapper`, else `keymapper-2`, ... */
function freshId(cells: readonly JsonValue[]): string {
  const ids = new Set(cells.map((c) => field(c, 'id')).flatMap((v) => (v?.type === 'string' ? [v.value] : [])));
  let id = 'keymapper';
  for (let n = 2; ids.has(id); n++) id = `keymapper-${n}`;
  return id;
}

/** A new code cell laid out as `sibling` (a code cell of the same notebook) is: its key order, indent and separators. */
function newCell(json: string, sibling: Extract<JsonValue, { type: 'object' }>, cells: readonly JsonValue[], source: string, ascii: boolean): string {
  const cellIndent = indentAt(json, sibling.start);
  const firstKey = sibling.entries[0]?.value;
  const keyIndent = firstKey ? indentAt(json, firstKey.start) : `${cellIndent} `;
  const unit = keyIndent.slice(cellIndent.length) || ' ';
  const colon = /"\s*:(\s*)$/.exec(json.slice(sibling.start, firstKey?.start ?? sibling.start))?.[1] === '' ? ':' : ': ';
  const values: Record<string, string> = {
    cell_type: '"code"',
    execution_count: 'null',
    id: JSON.stringify(freshId(cells)),
    metadata: '{}',
    outputs: '[]',
    source: (() => {
      // as the sibling keeps its source: one string, or a list of lines
      if (field(sibling, 'source')?.type === 'string') return jsonString(source, ascii);
      const lines = splitLines(source).map((l) => `${keyIndent}${unit}${jsonString(l, ascii)}`);
      return lines.length === 0 ? '[]' : `[\n${lines.join(',\n')}\n${keyIndent}]`;
    })(),
  };
  const keys = sibling.entries.map((e) => e.key).filter((k) => k in values);
  for (const k of ['cell_type', 'execution_count', 'metadata', 'outputs', 'source']) if (!keys.includes(k)) keys.push(k);
  return `{\n${keys.map((k) => `${keyIndent}${JSON.stringify(k)}${colon}${values[k]}`).join(',\n')}\n${cellIndent}}`;
}

/**
 * The notebook's JSON with the cells' new sources, and `inserted` as a new code cell before cell
 * `map.insertAt`. Everything else is the original text, byte for byte.
 */
export function writeNotebook(map: NotebookMap, changes: readonly { index: number; after: string }[], inserted: string | null): string {
  const { json } = map;
  const root = parseJsonRanges(json);
  const cells = field(root, 'cells') as Extract<JsonValue, { type: 'array' }>;
  const ascii = ensuresAscii(json);
  const splices: Edit[] = [];
  for (const change of changes) {
    const source = field(cells.items[change.index], 'source');
    if (!source) throw new Error(`cell ${change.index + 1} has no source`);
    splices.push({ start: source.start, end: source.end, text: sourceValue(json, source, change.after, ascii) });
  }
  if (inserted !== null) {
    const sibling = cells.items.find(isCode);
    if (sibling?.type !== 'object') throw new Error('a notebook with no code cell to lay the new one out by');
    const cellText = newCell(json, sibling, cells.items, inserted, ascii);
    const before = cells.items[map.insertAt];
    const indent = indentAt(json, sibling.start);
    if (before) splices.push({ start: before.start, end: before.start, text: `${cellText},\n${indent}` });
    else splices.push({ start: (cells.items.at(-1) as JsonValue).end, end: (cells.items.at(-1) as JsonValue).end, text: `,\n${indent}${cellText}` });
  }
  let out = json;
  for (const s of splices.sort((a, b) => b.start - a.start)) out = out.slice(0, s.start) + s.text + out.slice(s.end);
  return out;
}
