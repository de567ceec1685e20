/** Worker-thread entry: scans the batches of files the scanner sends, so reading and parsing run on every core. */
import { parentPort, workerData } from 'node:worker_threads';
import { getParser, type Parser } from './parser.js';
import { fileScanner } from './scan-file.js';
import type { Batch, WorkerInit, WorkerReply } from './scan-pool.js';

const port = parentPort;
if (!port) throw new Error('scan-worker must run in a worker thread');
const { root, options } = workerData as WorkerInit;

getParser().then(
  (parser: Parser) => {
    const scan = fileScanner(root, options, () => parser);
    port.on('message', (batch: Batch) => {
      try {
        port.postMessage({ id: batch.id, outcomes: batch.rels.map((rel) => scan(rel, batch.context)) } satisfies WorkerReply);
      } catch (error) {
        port.postMessage({ id: batch.id, error: (error as Error).message ?? String(error) } satisfies WorkerReply);
      }
    });
    port.postMessage({ ready: true } satisfies WorkerReply);
  },
  (error: unknown) => port.postMessage({ failed: (error as Error).message ?? String(error) } satisfies WorkerReply),
);
