/**
 * Where the worker scripts are, and the read-ahead worker's thread started before the scan needs
 * it. A worker thread takes about 100 ms to start (an isolate, Node's own modules, its script):
 * started by the scan, once this thread has loaded its modules and listed the project's files, it
 * read nothing for the scan's first 100 ms or so while the other core idled. The CLI starts it first
 * thing in the modes that scan without the review (whose Ink start-up it would compete with), and
 * the scan hands it its work (read-ahead.ts) or, not needing it, stops it.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * The built worker script `name` (beside this module: scan-worker.js, read-worker.js), or null when
 * running from TypeScript sources (tests), where threads are skipped.
 */
export function workerScript(name: string): string | null {
  if (!import.meta.url.endsWith('.js')) return null;
  const path = fileURLToPath(new URL(`./${name}`, import.meta.url));
  return existsSync(path) ? path : null;
}

/** The read-ahead worker's script: the build's one-file copy, which starts sooner (src/build/bundle-core.mjs), where there is one. */
export function readWorkerScript(): string | null {
  return workerScript('read-worker-bundle.js') ?? workerScript('read-worker.js');
}

/**
 * A small heap: it holds one batch at a time; out of memory, it fails and the scanner reads. (Its
 * young generation of 4 MB made 75 scavenges on the bench tree, 105-127 ms; 8 MB makes 39, 70-110
 * ms, and the 4x and 16x peaks did not move: 200 and 282 MB.)
 */
export const READ_WORKER_LIMITS = { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 64 };

/** The read-ahead worker started ahead of time and not yet taken, while it is alive. */
let warm: Worker | null = null;

/** Starts the read-ahead worker's thread now (where there are two cores or more); it waits for its work. */
export function warmReadWorker(): void {
  const script = readWorkerScript();
  if (warm || !script || availableParallelism() < 2) return;
  let worker: Worker;
  try {
    worker = new Worker(script, { resourceLimits: READ_WORKER_LIMITS });
  } catch {
    return;
  }
  worker.unref();
  warm = worker;
  // (failing before it is taken, it is not handed out: the scan starts another or reads alone)
  const gone = () => {
    if (warm === worker) warm = null;
  };
  worker.on('error', gone);
  worker.on('exit', gone);
}

/** The worker `warmReadWorker` started, now the caller's (null when there is none). */
export function takeReadWorker(): Worker | null {
  const worker = warm;
  warm = null;
  worker?.removeAllListeners();
  return worker;
}

/** Stops the worker started ahead of time, where the scan has no use for it. */
export function dropReadWorker(): void {
  void takeReadWorker()?.terminate();
}
