/**
 * A worker thread that reads the scan's files ahead of it (read-file.ts: open, read, classes, nnx,
 * the load_state_dict prefilter) and hands them over in order, so that the scanner's thread only
 * plans. On two cores, planning in two threads gained nothing (each thread's JIT warms up on the
 * one core left, and both ran at half speed); reading is mostly system calls and native buffer
 * searches, and took a sixth of the plan's time on the bench tree.
 *
 * Batches are claimed in order through a shared counter: the worker claims the next one when it
 * is free to read, the scanner when it needs one that no one has claimed (while the worker starts,
 * or waits at its limit), and reads that one itself. The worker runs at most READ_AHEAD_BYTES of
 * candidate files ahead of what was planned. If it fails, the scanner reads what it had claimed.
 */
import { Worker } from 'node:worker_threads';
import { preparedBuffers } from './prepare.js';
import type { ReadOutcome } from './read-file.js';
import type { Batch } from './scan-pool.js';
import { READ_WORKER_LIMITS, readWorkerScript, takeReadWorker } from './warm-worker.js';
import type { ScanOptions } from './types.js';

/** Bytes of candidate files read but not yet planned, at most (a larger file is still read, alone). */
export const READ_AHEAD_BYTES = 8 << 20;

export interface ReadAheadInit {
  root: string;
  options: ScanOptions;
  batches: Batch[];
  /**
   * Two Int32s: the position in `batches` of the next batch no one has claimed, and one more than
   * the position of the batch the scanner waits for (0 before it first waits): the worker leaves
   * what planning works out before parsing to the scanner in that batch (prepare.ts), so that it
   * arrives sooner.
   */
  next: SharedArrayBuffer;
  limit: number;
  /** The names that matter to the plans (plan.ts `bindingNames`): the worker works out where each may be bound (prepare.ts). */
  names: readonly string[];
}

export type ReadAheadReply = { id: number; outcomes: ReadOutcome[] } | { failed: string };

/** The worker's first message: its work. */
export interface ReadAheadStart {
  init: ReadAheadInit;
}

/**
 * Main thread → worker: the batch `id` is planned, its bytes no longer count against the limit.
 * Its candidates' buffers (their bytes, and the arrays of what was prepared for them) go back with
 * it (transferred) and die in the worker. Left here, they outlived their batch: the planning of a
 * batch outlasts young collections, so they went to the old space and waited for a full
 * collection, up to 70 MB of them at once on a 112,000-file project.
 */
export interface ReadAheadRelease {
  release: number;
  buffers: ArrayBuffer[];
}

export interface ReadAhead {
  /**
   * The batch's files as read by the worker; null when this thread is to read them (no one had
   * claimed the batch, so this thread has, or the worker failed first). Asked in batch order.
   */
  get(batch: Batch): Promise<ReadOutcome[] | null>;
  /** The batch `get` gave is planned. */
  release(batch: Batch): void;
  /** For tests: how many batches have been claimed, by either thread. */
  claimed(): number;
  /** The file the worker runs: the build's one-file copy where there is one. */
  readonly script: string;
  close(): Promise<void>;
}

/** The buffers a read outcome carries between the threads: a candidate's bytes and what was prepared for it. */
export function candidateBuffers(outcome: ReadOutcome): ArrayBuffer[] {
  if (outcome.type !== 'candidate') return [];
  return [outcome.bytes.buffer as ArrayBuffer, ...(outcome.prepared ? preparedBuffers(outcome.prepared) : [])];
}

/**
 * The worker's outcomes name their files with this thread's strings, the batch's (a copy each, as
 * they come, they cost 60 bytes a file for as long as the scan's index keeps its paths).
 */
function sameNames(outcomes: ReadOutcome[], batch: Batch): void {
  outcomes.forEach((outcome, i) => {
    const rel = batch.rels[i];
    if (rel === undefined || outcome.rel !== rel) return;
    if (outcome.type === 'candidate' && outcome.path === rel) outcome.path = rel;
    outcome.rel = rel;
  });
}

/**
 * Starts the worker on `batches` (read in order, ids consecutive), or returns null when no worker
 * can run here. `names`: see ReadAheadInit. `claim: false` (tests) leaves every batch to the worker: `get` waits for it.
 */
export function startReadAhead(root: string, options: ScanOptions, names: readonly string[], batches: Batch[], limit = READ_AHEAD_BYTES, claim = true): ReadAhead | null {
  const script = readWorkerScript();
  const first = batches[0];
  if (!script || !first) return null;
  const next = new SharedArrayBuffer(8);
  const claims = new Int32Array(next);
  let worker: Worker | null = null;
  try {
    // (the one the CLI started ahead of time, where it did: warm-worker.ts)
    worker = takeReadWorker() ?? new Worker(script, { resourceLimits: READ_WORKER_LIMITS });
    worker.postMessage({ init: { root, options, batches, next, limit, names } } satisfies ReadAheadStart);
  } catch {
    void worker?.terminate();
    return null;
  }
  worker.unref();
  const arrived = new Map<number, ReadOutcome[]>();
  /** The candidates' buffers (their bytes, what was prepared for them) of each batch handed over and not yet released. */
  const handed = new Map<number, ArrayBuffer[]>();
  const waiting = new Map<number, (outcomes: ReadOutcome[] | null) => void>();
  let failed = false;
  const fail = () => {
    if (failed) return;
    failed = true;
    for (const resolve of waiting.values()) resolve(null);
    waiting.clear();
    void worker.terminate();
  };
  worker.on('message', (reply: ReadAheadReply) => {
    if ('failed' in reply) return fail();
    if (!('id' in reply)) return; // (nothing else comes: early discovery is answered before the worker is taken)
    sameNames(reply.outcomes, batches[reply.id - first.id] as Batch);
    const resolve = waiting.get(reply.id);
    if (resolve) {
      waiting.delete(reply.id);
      resolve(reply.outcomes);
    } else arrived.set(reply.id, reply.outcomes);
  });
  worker.on('error', fail);
  worker.on('messageerror', fail); // (a reply that could not be read: its batch would never come)
  worker.on('exit', fail);
  /** True when this thread claims the batch at `position` (no one had); false when the worker has. */
  const claimHere = (position: number) => {
    for (;;) {
      const at = Atomics.load(claims, 0);
      if (at > position) return false;
      if (Atomics.compareExchange(claims, 0, at, position + 1) === at) return true;
    }
  };
  return {
    script,
    get(batch) {
      const outcomes = arrived.get(batch.id);
      const handOver = (outcomes: ReadOutcome[] | null) => {
        if (outcomes) handed.set(batch.id, outcomes.flatMap(candidateBuffers));
        return outcomes;
      };
      if (outcomes) {
        arrived.delete(batch.id);
        return Promise.resolve(handOver(outcomes));
      }
      if ((claim && claimHere(batch.id - first.id)) || failed) return Promise.resolve(null);
      Atomics.store(claims, 1, batch.id - first.id + 1);
      return new Promise((resolve) => waiting.set(batch.id, (outcomes) => resolve(handOver(outcomes))));
    },
    release(batch) {
      const buffers = handed.get(batch.id) ?? [];
      handed.delete(batch.id);
      if (!failed) worker.postMessage({ release: batch.id, buffers } satisfies ReadAheadRelease, buffers);
    },
    claimed: () => Math.min(Atomics.load(claims, 0), batches.length),
    async close() {
      failed = true;
      arrived.clear();
      handed.clear();
      await worker.terminate();
    },
  };
}
