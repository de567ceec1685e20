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

/** A pool of `size` workers, or null when workers cannot be used here. */
export function workerPlanner(size: number): Planner | null {
  const script = workerScript();
  if (!script || size < 1) return null;
  const pending = new Map<number, { resolve: (p: FilePlan) => void; reject: (e: Error) => void }>();
  const load = new Map<Worker, number>();
  const owner = new Map<number, Worker>();
  let nextId = 0;
  for (let i = 0; i < size; i++) {
    const worker = new Worker(script);
    worker.unref();
    load.set(worker, 0);
    worker.on('message', (reply: PlanReply) => {
      const waiter = pending.get(reply.id);
      pending.delete(reply.id);
      owner.delete(reply.id);
      load.set(worker, (load.get(worker) ?? 1) - 1);
      if ('plan' in reply) waiter?.resolve(reply.plan);
      else waiter?.reject(new Error(reply.error));
    });
    worker.on('error', (error) => {
      load.delete(worker); // later files go to the other workers, or are planned in this thread
      for (const [id, w] of owner) if (w === worker) pending.get(id)?.reject(error);
    });
  }
  return {
    plan(path, absPath, bytes, options) {
      const id = nextId++;
      const worker = [...load.entries()].sort((a, b) => a[1] - b[1])[0]?.[0];
      if (!worker) return planFile(path, absPath, bytes, options);
      load.set(worker, (load.get(worker) ?? 0) + 1);
      owner.set(id, worker);
      return new Promise<FilePlan>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, path, absPath, bytes, options } satisfies PlanJob);
      });
    },
    async close() {
      await Promise.all([...load.keys()].map((w) => w.terminate()));
    },
  };
}
