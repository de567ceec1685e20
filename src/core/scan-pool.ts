/**
 * Worker threads that scan batches of files: reading and parsing are the scan's cost, and WASM runs
 * one core per thread. Batches wait in one queue and each worker takes the next as it finishes one,
 * so a worker that drew large files does not hold up the others.
 */
import { Worker } from 'node:worker_threads';
import type { FileOutcome } from './scan-file.js';
import type { ScanOptions } from './types.js';
import { workerScript } from './warm-worker.js';

export interface Batch {
  id: number;
  rels: string[];
  /** Files read only for their classes (see target.ts). */
  context?: boolean;
}

export interface WorkerInit {
  root: string;
  options: ScanOptions;
}

export type WorkerReply =
  | { ready: true }
  | { failed: string }
  | { id: number; outcomes: FileOutcome[] }
  | { id: number; error: string };

/** Batches a worker holds at once: one running, one waiting, so it never idles on a round trip. */
const IN_FLIGHT = 2;

export interface Pool {
  /** True after a worker failed: the pool is closed and its unfinished batches went back to `take`. */
  readonly failed: boolean;
  close(): Promise<void>;
}

export interface PoolHooks {
  /** The next batch to scan, or null when none is left to hand out. */
  take(): Batch | null;
  /** A batch handed out but not finished, given back when the pool fails. */
  giveBack(batch: Batch): void;
  done(outcomes: FileOutcome[]): void;
  /** A file's scan threw (not an I/O problem the outcome reports): the scan fails with it. */
  error(message: string): void;
  /** Something changed: a worker became ready, a batch finished, or the pool failed. */
  changed(): void;
}

/** A pool of `size` workers, or null when workers cannot be used here. */
export function startPool(size: number, init: WorkerInit, hooks: PoolHooks): Pool | null {
  const script = workerScript('scan-worker.js');
  if (!script || size < 1) return null;
  const held = new Map<Worker, Map<number, Batch>>();
  let failed = false;
  const feed = (worker: Worker) => {
    const batches = held.get(worker);
    while (!failed && batches && batches.size < IN_FLIGHT) {
      const batch = hooks.take();
      if (!batch) return;
      batches.set(batch.id, batch);
      worker.postMessage(batch);
    }
  };
  const fail = () => {
    if (failed) return;
    failed = true;
    for (const batches of held.values()) for (const batch of batches.values()) hooks.giveBack(batch);
    for (const worker of held.keys()) void worker.terminate();
    held.clear();
    hooks.changed();
  };
  for (let i = 0; i < size; i++) {
    let worker: Worker;
    try {
      worker = new Worker(script, { workerData: init });
    } catch {
      for (const started of held.keys()) void started.terminate(); // no pool: this thread scans alone
      return null;
    }
    worker.unref();
    held.set(worker, new Map());
    worker.on('message', (reply: WorkerReply) => {
      if (failed) return;
      if ('failed' in reply) return fail();
      if (!('ready' in reply)) {
        const batch = held.get(worker)?.get(reply.id);
        held.get(worker)?.delete(reply.id);
        if (batch && 'outcomes' in reply) hooks.done(reply.outcomes);
        else if (batch && 'error' in reply) hooks.error(reply.error);
      }
      feed(worker);
      hooks.changed();
    });
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (code !== 0) fail();
    });
  }
  return {
    get failed() {
      return failed;
    },
    async close() {
      failed = true;
      await Promise.all([...held.keys()].map((w) => w.terminate()));
      held.clear();
    },
  };
}
