/** A notebook's plan: its code cells planned as one text, with the map back to cells. */
import type { Parser } from '../parser.js';
import { planSource } from '../plan.js';
import { decode, loneCarriageReturn, sha256 } from '../text.js';
import type { FilePlan, ScanOptions } from '../types.js';
import { findClasses, findImports } from '../evidence/facts.js';
import type { FileFacts } from '../evidence/settle.js';
import { readNotebook } from './notebook.js';
import { cellPlace, placeEvidence } from './place.js';

/** The notebook's plan, or why it is skipped (invalid JSON, an nbformat this tool does not know, not Python). */
export function planNotebook(parser: Parser, path: string, absPath: string, bytes: Uint8Array, options: ScanOptions, focus = true): FilePlan | { skipped: string } {
  const planned = planNotebookSource(parser, path, absPath, bytes, options, focus);
  return 'skipped' in planned ? planned : planned.plan;
}

/**
 * The notebook's plan, its Python source as the project index reads it (its code cells, IPython
 * lines masked: the classes' offsets must be counted in these bytes, not in the plan's text), and
 * the classes and imports read from it. `hash`: the bytes' sha256, where the caller has it already.
 */
export function planNotebookSource(parser: Parser, path: string, absPath: string, bytes: Uint8Array, options: ScanOptions, focus = true, hash = sha256(bytes)): { plan: FilePlan; source: Buffer; facts: FileFacts } | { skipped: string } {
  const { text: json, bom } = decode(bytes);
  const read = readNotebook(json);
  if (!read.ok) return { skipped: read.reason };
  const { text, parseText, map } = read;
  const lone = loneCarriageReturn(Buffer.from(text), (line) => cellPlace(map, line));
  if (lone) return { skipped: lone };
  const eol = /\r\n/.test(text) ? '\r\n' : '\n';
  const source = Buffer.from(parseText);
  const facts = { classes: findClasses(source), imports: findImports(source) };
  const plan = planSource(
    parser,
    { path, absPath, text, parseText, bom, eol, hash, indexBytes: source, facts, place: (line) => cellPlace(map, line), notebook: map },
    options,
    focus,
  );
  return { plan: placeEvidence(plan), source, facts };
}

/** A notebook's code cells as one Python text (what the evidence's index reads), or null. */
export function notebookSource(bytes: Uint8Array): Buffer | null {
  const read = readNotebook(decode(bytes).text);
  return read.ok ? Buffer.from(read.parseText) : null;
}
