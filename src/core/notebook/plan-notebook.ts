/** A notebook's plan: its code cells planned as one text, with the map back to cells. */
import type { Parser } from '../parser.js';
import { planSource } from '../plan.js';
import { decode, sha256 } from '../text.js';
import type { FilePlan, NotebookMap, ScanOptions } from '../types.js';
import { readNotebook } from './notebook.js';

/** The cell holding a line of the notebook's text (1-based), and the line within it. */
function cellLine(map: NotebookMap, line: number): { cell: number; line: number } | null {
  let cell = map.cells[0];
  for (const c of map.cells) if (c.row <= line - 1) cell = c;
  return cell ? { cell: cell.index, line: line - cell.row } : null;
}

/** `cell 3, line 2` for a line of the notebook's text (1-based, both). */
export function cellPlace(map: NotebookMap, line: number): string {
  const at = cellLine(map, line);
  return at ? `cell ${at.cell + 1}, line ${at.line}` : `line ${line}`;
}

/**
 * The notebook's sites with their evidence placed in cells (the evidence reads the notebook as one
 * text): `line` within the cell, and `demo.ipynb:12` in notes as `demo.ipynb · cell 3 · line 2`.
 */
export function placeEvidence(plan: FilePlan): FilePlan {
  const map = plan.notebook;
  if (!map) return plan;
  const escaped = plan.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const inNote = new RegExp(`${escaped}:(\\d+)`, 'g');
  let changed = false;
  const sites = plan.sites.map((site) => {
    const { evidence } = site;
    if (evidence.cell !== undefined || (!evidence.note.includes(`${plan.path}:`) && evidence.path !== plan.path)) return site;
    changed = true;
    const note = evidence.note.replace(inNote, (whole, line: string) => {
      const at = cellLine(map, Number(line));
      return at ? `${plan.path} · cell ${at.cell + 1} · line ${at.line}` : whole;
    });
    const at = evidence.path === plan.path && evidence.line !== undefined ? cellLine(map, evidence.line) : null;
    const placed = { ...evidence, note, ...(at ? { line: at.line, cell: at.cell } : {}) };
    return { ...site, evidence: placed, reason: site.proposed ? site.reason : site.reason === evidence.note ? note : site.reason };
  });
  return changed ? { ...plan, sites } : plan;
}

/** The notebook's plan, or why it is skipped (invalid JSON, an nbformat this tool does not know, not Python). */
export function planNotebook(parser: Parser, path: string, absPath: string, bytes: Uint8Array, options: ScanOptions, focus = true): FilePlan | { skipped: string } {
  const { text: json, bom } = decode(bytes);
  const read = readNotebook(json);
  if (!read.ok) return { skipped: read.reason };
  const { text, parseText, map } = read;
  const eol = /\r\n/.test(text) ? '\r\n' : '\n';
  const plan = planSource(
    parser,
    { path, absPath, text, parseText, bom, eol, hash: sha256(bytes), indexBytes: Buffer.from(parseText), place: (line) => cellPlace(map, line), notebook: map },
    options,
    focus,
  );
  return placeEvidence(plan);
}



/** A notebook's code cells as one Python text (what the evidence's index reads), or null. */
export function notebookSource(bytes: Uint8Array): Buffer | null {
  const read = readNotebook(decode(bytes).text);
  return read.ok ? Buffer.from(read.parseText) : null;
}
