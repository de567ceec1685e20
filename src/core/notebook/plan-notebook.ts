/** A notebook's plan: its code cells planned as one text, with the map back to cells. */
import type { Parser } from '../parser.js';
import { planSource } from '../plan.js';
import { decode, sha256 } from '../text.js';
import type { FilePlan, NotebookMap, ScanOptions } from '../types.js';
import { readNotebook } from './notebook.js';

/** `cell 3, line 2` for a line of the notebook's text (1-based, both). */
export function cellPlace(map: NotebookMap, line: number): string {
  const row = line - 1;
  let cell = map.cells[0];
  for (const c of map.cells) if (c.row <= row) cell = c;
  return cell ? `cell ${cell.index + 1}, line ${row - cell.row + 1}` : `line ${line}`;
}

/** The notebook's plan, or why it is skipped (invalid JSON, an nbformat this tool does not know, not Python). */
export function planNotebook(parser: Parser, path: string, absPath: string, bytes: Uint8Array, options: ScanOptions, focus = true): FilePlan | { skipped: string } {
  const { text: json, bom } = decode(bytes);
  const read = readNotebook(json);
  if (!read.ok) return { skipped: read.reason };
  const { text, parseText, map } = read;
  const eol = /\r\n/.test(text) ? '\r\n' : '\n';
  return planSource(
    parser,
    { path, absPath, text, parseText, bom, eol, hash: sha256(bytes), indexBytes: Buffer.from(parseText), place: (line) => cellPlace(map, line), notebook: map },
    options,
    focus,
  );
}


