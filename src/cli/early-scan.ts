/** Starting the scan before the review screen has loaded, so that Ink's start-up and the scan overlap. */
import { scanProject } from '../core/scan.js';
import type { ScanEvent, ScanOptions, ScanResult } from '../core/types.js';

export interface EarlyScan {
  /** For the review's services: replays the events so far, then streams the rest; the options given are ignored. */
  scan(root: string, options: ScanOptions, onEvent: (event: ScanEvent) => void, signal: AbortSignal): Promise<ScanResult>;
}

export function startScan(path: string, options: ScanOptions): EarlyScan {
  const controller = new AbortController();
  const buffered: ScanEvent[] = [];
  let listener: ((event: ScanEvent) => void) | null = null;
  const result = scanProject(path, options, (event) => (listener ? listener(event) : buffered.push(event)), controller.signal);
  result.catch(() => {}); // reported to whoever attaches
  return {
    scan(_root, _options, onEvent, signal) {
      signal.addEventListener('abort', () => controller.abort(), { once: true });
      for (const event of buffered.splice(0)) onEvent(event);
      listener = onEvent;
      return result;
    },
  };
}
