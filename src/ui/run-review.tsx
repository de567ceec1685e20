import { render } from 'ink';
import { colorEnabled } from '../cli/color.js';
import type { ScanRequest } from '../core/target.js';
import type { ScanEvent, ScanOptions } from '../core/types.js';
import { App } from './app.js';
import { editorCommand, externalEditor } from './editor.js';
import { coreServices, type ReviewServices } from './services.js';

export interface RunReviewOptions {
  /** What to scan: one path, or several paths (core/target.ts). */
  root: string | ScanRequest;
  scanOptions: ScanOptions;
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WriteStream;
  env?: NodeJS.ProcessEnv;
  /** --color / --no-color; null or absent defers to NO_COLOR and FORCE_COLOR. */
  color?: boolean | null;
  /** A scan already under way (started before Ink loaded), used instead of starting one. */
  scan?: ReviewServices['scan'];
  /** Its events so far: the first frame shows them (`scan` goes on from there). */
  seen?: ScanEvent[];
}

/**
 * The interactive review on a terminal. Resolves with the exit code: 0 done or quit, 1 a file could not be
 * written, 2 the scan failed, 130 interrupted. Resolves only once no write is in progress.
 */
export async function runReview(opts: RunReviewOptions): Promise<number> {
  const stdin = opts.stdin ?? process.stdin;
  const stdout = opts.stdout ?? process.stdout;
  const env = opts.env ?? process.env;
  const command = editorCommand(env);
  const services = { ...coreServices(command ? externalEditor(command, stdin, stdout) : null, env), ...(opts.scan ? { scan: opts.scan } : {}) };

  // Ctrl-C arrives as a key in raw mode; SIGINT only while an editor has the terminal, or from `kill`.
  const listeners = new Set<() => void>();
  const onSigint = () => listeners.forEach((listener) => listener());
  const onInterrupt = (listener: () => void) => {
    listeners.add(listener);
    return () => void listeners.delete(listener);
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);

  let finish: (code: number) => void = () => {};
  const exited = new Promise<number>((resolve) => {
    finish = resolve;
  });
  const instance = render(
    <App
      root={opts.root}
      scanOptions={opts.scanOptions}
      services={services}
      onExit={finish}
      color={colorEnabled(opts.color ?? null, true, env)}
      editorName={command}
      onInterrupt={onInterrupt}
      seen={opts.seen}
    />,
    { stdin, stdout, exitOnCtrlC: false, patchConsole: false },
  );
  try {
    return await exited;
  } finally {
    instance.unmount();
    await instance.waitUntilExit();
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
}
