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
import type { Discovered, ScanRequest, ScanTarget } from './target.js';

/** The worker's answer to `{ discover }`: the target it resolved and its files, or why it could not. */
export type DiscoverReply = { discovered: { target: ScanTarget } & Discovered } | { discoverFailed: string };

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
/** How to remove each of its listeners, until it is taken (one by one: `removeAllListeners` also drops those by which Node starts a worker's port for 'message'). */
let listening: Array<() => void> = [];
/** What it was asked to discover, and its answer (see `earlyDiscovery`). */
let discovery: Promise<DiscoverReply | null> | null = null;

/**
 * Starts the read-ahead worker's thread now (where there are two cores or more); it waits for its
 * work. With `request` (the paths the command line names), it lists their files first: the scan
 * takes them (`earlyDiscovery`) where it resolves the same target, instead of listing them itself
 * once this thread has loaded its modules.
 */
export function warmReadWorker(request: ScanRequest | null = null): void {
  const script = readWorkerScript();
  if (warm || !script || availableParallelism() < 2) return;
  let worker: Worker;
  try {
    worker = new Worker(script, { resourceLimits: READ_WORKER_LIMITS });
  } catch {
    return;
  }
  warm = worker;
  /** Listens until the worker is taken, or until `off` is called (calling it again does nothing). */
  const listen = (event: string, listener: (...args: any[]) => void) => {
    worker.on(event, listener);
    const off = () => void worker.off(event, listener);
    listening.push(off);
    return off;
  };
  // (failing before it is taken, it is not handed out: the scan starts another or reads alone)
  const gone = () => {
    if (warm === worker) warm = null;
  };
  listen('error', gone);
  listen('exit', gone);
  if (request) {
    discovery = new Promise((resolve) => {
      // (the listeners of the answer go with it)
      const offs = [
        listen('message', (reply: DiscoverReply) => answered(reply)),
        ...['messageerror', 'error', 'exit'].map((event) => listen(event, () => answered(null))),
      ];
      const answered = (reply: DiscoverReply | null) => {
        for (const off of offs) off();
        resolve(reply);
      };
    });
    worker.postMessage({ discover: request });
  }
  // (after the listeners: a 'message' listener refs the worker's port, and the process is not to
  // wait for it, as a usage error found once the words parsed would for the listing to end)
  worker.unref();
}

/**
 * The files the worker started ahead of time listed for `target` (resolved by the scan: the same
 * paths resolve to the same target), once; null where it was asked for none, listed another
 * target, or failed (the scan then lists them itself, and reports what went wrong).
 */
export async function earlyDiscovery(target: ScanTarget): Promise<Discovered | null> {
  const pending = discovery;
  discovery = null;
  const reply = pending ? await pending : null;
  if (!reply || !('discovered' in reply)) return null;
  const { target: listed, ...found } = reply.discovered;
  return JSON.stringify(listed) === JSON.stringify(target) ? found : null;
}

/** The worker `warmReadWorker` started, now the caller's (null when there is none). */
export function takeReadWorker(): Worker | null {
  const worker = warm;
  warm = null;
  for (const off of listening) off();
  listening = [];
  return worker;
}

/** Stops the worker started ahead of time, where the scan has no use for it. */
export function dropReadWorker(): void {
  discovery = null;
  const worker = takeReadWorker();
  // (an error on its way from it would otherwise have no listener, and end the process)
  worker?.on('error', () => {});
  void worker?.terminate();
}
