/** Starting the scan before the review screen has loaded, so that Ink's start-up and the scan overlap. */
import { scanProject } from '../core/scan.js';
import type { ScanRequest } from '../core/target.js';
import type { ScanEvent, ScanOptions, ScanResult } from '../core/types.js';

export interface EarlyScan {
  /** Settles when the first file with sites is planned, the scan ends, or `ms` pass, whichever is first. */
  firstFile(ms: number): Promise<void>;
  /** Runs `work` with the scan paused (workers, where there are any, go on). */
  hold<T>(work: Promise<T>): Promise<T>;
  /** Stops the scan (when the review cannot start). */
  cancel(): void;
  /** The events so far, taken: the review's first frame starts from them, and `scan` does not replay them. */
  drain(): ScanEvent[];
  /** For the review's services: replays the events so far, then streams the rest; the options given are ignored. */
  scan(request: ScanRequest, options: ScanOptions, onEvent: (event: ScanEvent) => void, signal: AbortSignal): Promise<ScanResult>;
}

/** `preview` sees every event until the review attaches (the placeholder line uses it). */
export function startScan(request: ScanRequest, options: ScanOptions, preview: (event: ScanEvent) => void = () => {}): EarlyScan {
  const controller = new AbortController();
  const buffered: ScanEvent[] = [];
  let listener: ((event: ScanEvent) => void) | null = null;
  let sawFile: () => void = () => {};
  const fileSeen = new Promise<void>((resolve) => (sawFile = resolve));
  let gate: Promise<void> | null = null;
  const result = scanProject(
    request,
    options,
    (event) => {
      if (listener) return listener(event);
      buffered.push(event);
      preview(event);
      if (event.type === 'file') sawFile();
    },
    controller.signal,
    () => gate,
  );
  result.catch(() => {}); // reported to whoever attaches
  return {
    hold(work) {
      const settled = work.then(() => {}, () => {});
      gate = settled.then(() => {
        gate = null;
      });
      return work;
    },
    cancel: () => controller.abort(),
    drain: () => buffered.splice(0),
    firstFile: (ms) => Promise.race([fileSeen, result.then(() => {}, () => {}), new Promise<void>((r) => setTimeout(r, ms).unref())]),
    scan(_root, _options, onEvent, signal) {
      signal.addEventListener('abort', () => controller.abort(), { once: true });
      for (const event of buffered.splice(0)) onEvent(event);
      listener = onEvent;
      return result;
    },
  };
}
