/**
 * What planning works out from a file's text before any parse: its statements (the lexer's,
 * `statements.ts`), where the names that matter to the plan may be bound (`binding-words.ts`), and
 * the focus (the statements to parse, `focus.ts`). The read-ahead worker works it out for the
 * candidates it reads and hands it over as data (`preparedData`, `preparedFrom`): on the bench tree
 * it was a quarter of the planning thread's time. No parser here (the worker never loads it).
 */
import { bindingOffsets } from './binding-words.js';
import { hasCommentRun } from './comment-runs.js';
import { Focus, moduleRegions } from './focus.js';
import { fileStructure } from './statements.js';
import { Structure, structureBuffers, type StructureData } from './structure.js';

export interface Prepared {
  /** The lexer's statements; null where it is unsure (the whole file is parsed). */
  structure: Structure | null;
  /** For each name, the offsets where it may be bound (only where the module's own bindings can be, when the lexer knows where that is). */
  binders: Map<string, number[]>;
  /** The statements to parse; null without a structure or a statement. */
  focus: Focus | null;
  /** False when the worker found no run of comment lines to blank (`maskCommentRuns` then has nothing to look for); else true. */
  commentRun: boolean;
}

/** `text` as read and `parseText` as the parser reads it (the same offsets); `names` the names that matter (see plan.ts `bindingNames`). */
export function prepare(text: string, parseText: string, names: readonly string[], structure = fileStructure(parseText)): Prepared {
  const binders = bindingOffsets(text, names, structure ? moduleRegions(parseText, structure) : undefined);
  return { structure, binders, focus: structure ? Focus.of(parseText, structure, binders) : null, commentRun: true };
}

/** `Prepared` as plain data a message between threads can carry, with the names it was worked out for. */
export interface PreparedData {
  names: readonly string[];
  structure: StructureData | null;
  binders: Map<string, number[]>;
  /** The focus's kept statements (`Focus.kept`). */
  keep: Uint8Array | null;
  /** Whether the text has a run of comment lines to blank before parsing (comment-runs.ts). */
  commentRun: boolean;
}

/**
 * The structure the worker's lexer fills for each file (`data()` copies it out), let go after a file
 * that made it room for more than SCRATCH_MAX statements: it only grows, and one 5 MB file of
 * one-line statements left it holding 212 MB of arrays until the scan's end.
 */
let scratch: Structure | null = null;
const SCRATCH_MAX = 1 << 16;

/** For tests: how many statements the reused structure has room for (0 when there is none). */
export const scratchRoom = () => scratch?.capacity ?? 0;

/** What planning works out from a Python file's text, as data (the read-ahead worker's side). */
export function preparedData(text: string, names: readonly string[]): PreparedData {
  const into = (scratch ??= new Structure(1024));
  const { structure, binders, focus } = prepare(text, text, names, fileStructure(text, into));
  const data: PreparedData = { names, structure: structure?.data() ?? null, binders, keep: focus?.kept() ?? null, commentRun: hasCommentRun(text) };
  if (into.capacity > SCRATCH_MAX) scratch = null;
  return data;
}

/** The buffers of `data`'s arrays, to transfer with the message that carries it. */
export function preparedBuffers(data: PreparedData): ArrayBuffer[] {
  return [...(data.structure ? structureBuffers(data.structure) : []), ...(data.keep ? [data.keep.buffer as ArrayBuffer] : [])];
}

/**
 * `Prepared` from the data the worker worked out for this text (the planning thread's side); where
 * it was for other names (the scan has since chosen another mapper), only its statements are used.
 */
export function preparedFrom(text: string, parseText: string, names: readonly string[], data: PreparedData): Prepared {
  const structure = data.structure && Structure.of(data.structure);
  const same = data.names.length === names.length && data.names.every((name, i) => name === names[i]);
  if (!same) return { ...prepare(text, parseText, names, structure), commentRun: data.commentRun };
  return { structure, binders: data.binders, focus: structure && data.keep ? Focus.fromKept(parseText, structure, data.keep) : null, commentRun: data.commentRun };
}
