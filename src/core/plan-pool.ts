/** Planning files on worker threads: parsing is the scan's main cost and WASM runs one core per thread. */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { planFile } from './plan.js';
import type { FilePlan, ScanOptions } from './types.js';

export interface PlanJob {
  id: number;
  path: string;
  absPath: string;
  bytes: Uint8Array;
  options: ScanOptions;
}

export type PlanReply = { id: number; plan: FilePlan } | { id: number; error: string };

export interface Planner {
  plan(path: string, absPath: string, bytes: Uint8Array, options: ScanOptions): Promise<FilePlan>;
  close(): Promise<void>;
}

export const inThreadPlanner: Planner = {
  plan: planFile,
  close: async () => {},
};

/** The built worker script, or null when running from TypeScript sources (tests), where threads are skipped. */
function workerScript(): string | null {
  if (!import.meta.url.endsWith('.js')) return null;
  const path = fileURLToPath(new URL('./plan-worker.js', import.meta.url));
  return existsSync(path) ? path : null;
}

/** Jobs a worker holds at once: enough that it never waits on this thread, busy reading in 12 ms slices. */
const IN_FLIGHT = 16;

interface Waiting {
  job: PlanJob;
  resolve: (plan: FilePlan) => void;
  reject: (error: Error) => void;
}

/**
 * A pool of `size` workers, or null when workers cannot be used here. Jobs wait in one queue and
 * each worker takes the next as it finishes one, so a worker that drew large files does not hold
 * up the others.
 */
export function workerPlanner(size: number): Planner | null {
  const script = workerScript();
  if (!script || size < 1) return null;
  const queue: Waiting[] = [];
  const held = new Map<Worker, Map<number, Waiting>>();
  let nextId = 0;
  const feed = (worker: Worker) => {
    const jobs = held.get(worker);
    while (jobs && jobs.size < IN_FLIGHT && queue.length > 0) {
      const waiting = queue.shift() as Waiting;
      jobs.set(waiting.job.id, waiting);
      worker.postMessage(waiting.job);
    }
  };
  for (let i = 0; i < size; i++) {
    const worker = new Worker(script);
    worker.unref();
    held.set(worker, new Map());
    worker.on('message', (reply: PlanReply) => {
      const jobs = held.get(worker);
      const waiting = jobs?.get(reply.id);
      jobs?.delete(reply.id);
      if ('plan' in reply) waiting?.resolve(reply.plan);
      else waiting?.reject(new Error(reply.error));
      feed(worker);
    });
    worker.on('error', (error) => {
      const jobs = held.get(worker);
      held.delete(worker); // its queue share goes to the other workers, or to this thread
      for (const waiting of jobs?.values() ?? []) waiting.reject(error);
      if (held.size === 0) for (const waiting of queue.splice(0)) planFile(waiting.job.path, waiting.job.absPath, waiting.job.bytes, waiting.job.options).then(waiting.resolve, waiting.reject);
    });
  }
  return {
    plan(path, absPath, bytes, options) {
      if (held.size === 0) return planFile(path, absPath, bytes, options);
      return new Promise<FilePlan>((resolve, reject) => {
        queue.push({ job: { id: nextId++, path, absPath, bytes, options }, resolve, reject });
        for (const worker of held.keys()) feed(worker);
      });
    },
    async close() {
      await Promise.all([...held.keys()].map((w) => w.terminate()));
    },
  };
}
