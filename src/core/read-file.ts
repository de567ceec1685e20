/**
 * The first half of scanning a file: open it safely, read it, and learn what the scan needs from
 * every file (is it text, its classes, whether it imports flax.nnx, whether it calls
 * load_state_dict at all). No parser here: the read-ahead worker (read-ahead.ts) runs this alone,
 * so that it starts quickly and leaves planning to the scanner's thread (with `worker`, it also
 * copies each candidate's bytes, to hand them over, hashes them and, for a Python file, works out
 * what planning needs before parsing: `prepare.ts`).
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, realpathSync, statSync, type Stats } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { findClasses, findImports, type ClassFact, type ImportFact } from './evidence/facts.js';
import { nnxImportLine } from './mapper-choice.js';
import { isInside } from './paths.js';
import { preparedData, type PreparedData } from './prepare.js';
import { decode, loneCarriageReturn, sha256, unreadableReason } from './text.js';
import type { ScanOptions, Skipped } from './types.js';

const NEEDLE = Buffer.from('load_state_dict');

/** Where a file was found: `abs` is its real path (null when it could not be resolved). */
export interface Found {
  rel: string;
  abs: string | null;
  /** True when `rel` is a symlink: the scanner then makes sure the real file is planned once. */
  viaLink: boolean;
}

/** A file read but not planned: nothing to plan, or a reason it cannot be. */
export type NotPlanned = Found &
  (
    | { type: 'ignored'; read: boolean; classes?: ClassFact[]; nnx?: number | null }
    | { type: 'skipped'; read: boolean; skipped: Skipped }
  );

/**
 * A file that calls load_state_dict: its bytes for the plan. A Python file's classes, imports and
 * nnx import are read here; a notebook's are read from its cells when it is planned.
 */
export type Candidate = Found & {
  type: 'candidate';
  /** Its path for the plan: `rel`, or the real file's when `rel` is a symlink inside the root. */
  path: string;
  abs: string;
  bytes: Uint8Array;
  /** sha256 of `bytes`, where the reader was asked for it (the read-ahead worker: off the planning thread). */
  hash?: string;
  /** What planning works out from a Python file's text before parsing, where the reader was asked for it (as `hash`). */
  prepared?: PreparedData;
  notebook: boolean;
  facts: { classes: ClassFact[]; imports: ImportFact[] } | null;
  nnx: number | null;
};

export type ReadOutcome = NotPlanned | Candidate;

/**
 * Reads a whole open file into a scratch buffer that is reused from file to file (most files are
 * read only to learn that they hold no site: a fresh buffer each would cost more in allocation and
 * GC than the reading). Returns a view valid until the next call.
 */
function scratchReader(): (fd: number, size: number) => Buffer {
  let scratch = Buffer.allocUnsafe(1 << 20);
  return (fd, size) => {
    if (scratch.length < size + 1) scratch = Buffer.allocUnsafe(Math.max(size + 1, scratch.length * 2));
    let length = 0;
    for (;;) {
      const wanted = scratch.length - length;
      const n = readSync(fd, scratch, length, wanted, null);
      length += n;
      // a read short of what was asked, once the size fstat gave is in, is the end of a regular
      // file: no second read to be told so (one system call less a file); otherwise read on
      if (n === 0 || length === scratch.length || (n < wanted && length >= size)) break;
    }
    return scratch.subarray(0, length);
  };
}

/** Where the reader runs in the read-ahead worker: the names that matter to the plans (plan.ts `bindingNames`). */
export interface WorkerReading {
  names: readonly string[];
  /** False when the planning thread is waiting for this file: it works out the rest itself. */
  prepare: () => boolean;
}

/** A candidate's bytes: the scratch buffer's view, or (in the worker) a copy of its own, its hash and (Python) what planning works out before parsing. */
function own(read: Buffer, worker: WorkerReading | null, python: boolean): { bytes: Uint8Array; hash?: string; prepared?: PreparedData } {
  if (!worker) return { bytes: read };
  const owned = { bytes: new Uint8Array(read), hash: sha256(read) };
  return python && worker.prepare() ? { ...owned, prepared: preparedData(decode(read).text, worker.names) } : owned;
}

/**
 * Opening a path that is not a symlink (O_NOFOLLOW: a symlink fails with ELOOP), without waiting on
 * a FIFO (O_NONBLOCK); null where the platform has no O_NOFOLLOW. Its `fstat` then says what
 * `lstat` would have, without a second walk of the path (that took 100 ms of the plan over the
 * 9,500 files of site-packages).
 */
const OPEN_DIRECT = constants.O_NOFOLLOW === undefined ? null : constants.O_RDONLY | constants.O_NOFOLLOW | (constants.O_NONBLOCK ?? 0);

/** An open file that is no symlink and its stat, or null: a symlink, or anything opening it directly refused (the caller looks again). */
function openDirect(path: string): { fd: number; info: Stats } | null {
  if (OPEN_DIRECT === null) return null;
  let fd: number;
  try {
    fd = openSync(path, OPEN_DIRECT);
  } catch {
    return null;
  }
  try {
    return { fd, info: fstatSync(fd) };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/**
 * A function that reads files of `root` one at a time, synchronously (many small sync reads beat
 * the promise API's thread-pool round trips). A `context` file is read for its classes only. A
 * candidate's `bytes` are valid until the next call (`worker` gives it bytes of its own, their hash
 * and what planning works out before parsing).
 */
export function fileReader(root: string, options: ScanOptions, worker: WorkerReading | null = null): (rel: string, context?: boolean) => ReadOutcome {
  const readInto = scratchReader();
  return (rel, context = false) => {
    const link = resolve(root, rel);
    const found: Found = { rel, abs: link, viaLink: false };
    let fd: number | null = null;
    try {
      // most files: opened at once; a symlink (or anything the direct open refused) is looked at first
      const direct = openDirect(link);
      let info: Stats;
      if (direct) ({ fd, info } = direct);
      else {
        info = lstatSync(link);
        if (info.isSymbolicLink()) {
          found.viaLink = true;
          found.abs = null; // until it resolves
          found.abs = realpathSync(link);
          if (!isInside(root, found.abs)) return { ...found, type: 'skipped', read: false, skipped: { path: rel, reason: 'symlink to a file outside the root' } };
          info = statSync(found.abs);
        }
      }
      const abs = found.abs as string;
      if (!info.isFile()) return { ...found, type: 'ignored', read: false };
      if (info.size > options.maxFileSize) {
        const reason = `larger than the size limit (${info.size} > ${options.maxFileSize} bytes; see --max-file-size)`;
        return { ...found, type: 'skipped', read: false, skipped: { path: rel, reason } };
      }
      fd ??= openSync(abs, 'r');
      const read = readInto(fd, info.size);
      closeSync(fd);
      fd = null;
      const bad = unreadableReason(read);
      if (bad) return { ...found, type: 'skipped', read: true, skipped: { path: rel, reason: bad } };
      const path = abs === link ? rel : relative(root, abs).split(sep).join('/');
      if (rel.endsWith('.ipynb')) {
        // nothing imports a notebook: its classes matter to its own sites only
        if (context || read.indexOf(NEEDLE) === -1) return { ...found, type: 'ignored', read: true, nnx: null };
        return { ...found, type: 'candidate', path, abs, ...own(read, worker, false), notebook: true, facts: null, nnx: null };
      }
      // Every file's classes go into the project index: a receiver's class may be defined anywhere.
      const classes = findClasses(read);
      // and whether it imports flax.nnx (without --mapper, the project's mapper is nnx if any does)
      const nnx = options.mapperAuto ? nnxImportLine(read) : null;
      if (context || read.indexOf(NEEDLE) === -1) return { ...found, type: 'ignored', read: true, classes, nnx };
      const lone = loneCarriageReturn(read);
      if (lone) return { ...found, type: 'skipped', read: true, skipped: { path: rel, reason: lone } };
      return { ...found, type: 'candidate', path, abs, ...own(read, worker, true), notebook: false, facts: { classes, imports: findImports(read) }, nnx };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return { ...found, type: 'ignored', read: false };
      if (code === 'EACCES' || code === 'EPERM') return { ...found, type: 'skipped', read: false, skipped: { path: rel, reason: 'permission denied' } };
      if (code === 'ELOOP') return { ...found, type: 'skipped', read: false, skipped: { path: rel, reason: 'symlink loop' } };
      throw error;
    } finally {
      if (fd !== null) closeSync(fd); // returned before reading it
    }
  };
}
