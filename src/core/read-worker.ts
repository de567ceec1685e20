/**
 * Worker-thread entry of the read-ahead (read-ahead.ts): reads the batches in order, never more than
 * the limit ahead. Its work comes in its first message: the CLI may start it before the scan knows
 * the files (warm-worker.ts).
 */
import { parentPort } from 'node:worker_threads';
import { candidateBuffers, type ReadAheadInit, type ReadAheadRelease, type ReadAheadReply, type ReadAheadStart } from './read-ahead.js';
import { fileReader } from './read-file.js';
import { discoverTarget, resolveTarget, type ScanRequest } from './target.js';
import type { DiscoverReply } from './warm-worker.js';

const port = parentPort;
if (!port) throw new Error('read-worker must run in a worker thread');

/** Candidate bytes of each batch handed over and not yet released. */
const held = new Map<number, number>();
let heldBytes = 0;
let wake: (() => void) | null = null;
// (the buffers handed back with a release are let go here: freed at this thread's next young collection)
port.on('message', (message: { discover: ScanRequest } | ReadAheadStart | ReadAheadRelease) => {
  if ('discover' in message) {
    void discover(message.discover).then((reply) => port.postMessage(reply satisfies DiscoverReply));
    return;
  }
  if ('init' in message) {
    run(message.init).catch((error: unknown) => port.postMessage({ failed: (error as Error).message ?? String(error) } satisfies ReadAheadReply));
    return;
  }
  heldBytes -= held.get(message.release) ?? 0;
  held.delete(message.release);
  wake?.();
});

/** The files of the paths the command line names, listed while the scanner's thread loads its modules (warm-worker.ts). */
async function discover(request: ScanRequest): Promise<DiscoverReply> {
  try {
    const target = await resolveTarget(request);
    return { discovered: { target, ...(await discoverTarget(target)) } };
  } catch (error) {
    return { discoverFailed: (error as Error).message ?? String(error) };
  }
}

async function run({ root, options, batches, next, limit, names }: ReadAheadInit) {
  const claims = new Int32Array(next);
  let position = 0;
  // (what planning works out before parsing is left to the scanner once it waits for this batch)
  const read = fileReader(root, options, { names, prepare: () => Atomics.load(claims, 1) <= position });
  for (;;) {
    while (heldBytes > 0 && heldBytes >= limit) await new Promise<void>((resolve) => (wake = resolve));
    wake = null;
    // the next batch no one has claimed (the scanner claims those it reaches first)
    position = Atomics.add(claims, 0, 1);
    const batch = batches[position];
    if (!batch) break;
    const outcomes = batch.rels.map((rel) => read(rel, batch.context));
    const bytes = outcomes.reduce((sum, outcome) => sum + (outcome.type === 'candidate' ? outcome.bytes.byteLength : 0), 0);
    held.set(batch.id, bytes);
    heldBytes += bytes;
    port?.postMessage({ id: batch.id, outcomes } satisfies ReadAheadReply, outcomes.flatMap(candidateBuffers));
  }
  // (then idle until the scanner terminates it: its port stays open for releases)
}

