/** Worker-thread entry: plans the files the scanner sends, so parsing runs on every core. */
import { parentPort } from 'node:worker_threads';
import { planFile } from './plan.js';
import type { PlanJob, PlanReply } from './plan-pool.js';

const port = parentPort;
if (!port) throw new Error('plan-worker must run in a worker thread');

port.on('message', (job: PlanJob) => {
  planFile(job.path, job.absPath, job.bytes, job.options).then(
    (plan) => port.postMessage({ id: job.id, plan } satisfies PlanReply),
    (error: unknown) => port.postMessage({ id: job.id, error: (error as Error).message ?? String(error) } satisfies PlanReply),
  );
});
