/**
 * One discovered file through read + prefilter + plan, in whichever thread runs it (the scanner's
 * or a worker's). Counting, de-duplication and events stay with the scanner. Reading is
 * read-file.ts; the read-ahead worker reads and this plans what it read (`planRead`).
 */
import type { ClassFact, ImportFact } from './evidence/facts.js';
import { nnxImportLine } from './mapper-choice.js';
import type { Parser } from './parser.js';
import { planWith } from './plan.js';
import { planNotebookSource } from './notebook/plan-notebook.js';
import { fileReader, type Found, type NotPlanned, type ReadOutcome } from './read-file.js';
import type { FilePlan, Mapper, ScanOptions } from './types.js';

export type FileOutcome = NotPlanned | (Found & { type: 'planned'; plan: FilePlan; classes: ClassFact[]; imports: ImportFact[]; nnx: number | null; mapper: Mapper });

/** A read file's outcome: a candidate planned with `mapper` (the one the scan has settled on so far), anything else as read. */
export function planRead(parser: Parser, options: ScanOptions, read: ReadOutcome, mapper: Mapper = options.mapper): FileOutcome {
  if (read.type !== 'candidate') return read;
  const mapped = mapper === options.mapper ? options : { ...options, mapper };
  const { rel, abs, viaLink, path } = read;
  const found: Found = { rel, abs, viaLink };
  if (read.notebook) {
    const planned = planNotebookSource(parser, path, abs, read.bytes, mapped, true, read.hash);
    if ('skipped' in planned) return { ...found, type: 'skipped', read: true, skipped: { path: rel, reason: planned.skipped } };
    // read from the cells as the index reads them again (IPython lines masked), so that offsets agree
    const nnx = options.mapperAuto ? nnxImportLine(planned.source) : null;
    return { ...found, type: 'planned', plan: planned.plan, ...planned.facts, nnx, mapper };
  }
  // (its classes and imports handed to the plan, which reads them too)
  const facts = read.facts as { classes: ClassFact[]; imports: ImportFact[] };
  return { ...found, type: 'planned', plan: planWith(parser, path, abs, read.bytes, mapped, true, facts, read.hash, read.prepared), ...facts, nnx: read.nnx, mapper };
}

/** A function that scans files of `root` one at a time, synchronously (see fileReader). */
export function fileScanner(root: string, options: ScanOptions, parser: () => Parser): (rel: string, context?: boolean, mapper?: Mapper) => FileOutcome {
  const read = fileReader(root, options);
  return (rel, context = false, mapper = options.mapper) => planRead(parser(), options, read(rel, context), mapper);
}
