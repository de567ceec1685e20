#!/usr/bin/env node
/** The bin: wire the process to `run`, map signals, set the exit code. Nothing else. */
import { requestOf } from './cli/options.js';
import { visible } from './core/visible.js';
import { warmReadWorker } from './core/warm-worker.js';

// The modes that scan without the review (--json, --check, --dry-run, --yes, or no terminal) start
// the read-ahead worker's thread before this one loads its modules: it starts, and lists the files
// of the paths named, while they load (see warm-worker.ts). Not for --yes: it lists the files once
// it holds the project's lock (a run writing there first may add a shared helper). A guess from the
// words alone; a wrong one costs a thread the scan stops, or the start-up of one as it always did.
const argv = process.argv.slice(2);
const NO_SCAN = new Set(['-h', '--help', '-v', '--version', '--undo', '--json-schema']);
const SCAN_ALONE = /^(?:--json|--check|--dry-run|-n|--yes|-y|--output-format=(?:github|json))$/;
const formatAlone = (a: string, i: number) => a === '--output-format' && /^(?:github|json)$/.test(argv[i + 1] ?? '');
const writes = argv.some((a) => a === '--yes' || a === '-y');
if (!argv.some((a) => NO_SCAN.has(a)) && (argv.some((a, i) => SCAN_ALONE.test(a) || formatAlone(a, i)) || !process.stdout.isTTY)) {
  warmReadWorker(writes ? null : requestOf(argv));
  // and the grammar starts compiling (on V8's background threads) while the rest loads: the scan
  // waited for it once the files were listed
  import('./core/parser.js').then((parser) => parser.getParser()).catch(() => {}); // (a failure is the scan's to report)
}
const { run } = await import('./cli/run.js');

// A signal ends the process at once unless something is guarded (a batch of writes, the review
// screen, which handles interrupts itself): then it is only noted, and the guarded work stops at a
// safe point. A second signal never cuts a write short.
let interrupted = false;
let guarded = 0;
const onSignal = () => {
  interrupted = true;
  if (guarded === 0) process.exit(130);
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
// A reader that goes away (`| head`) is not an error of ours: the rest of the output is dropped and
// the run ends as it would have (a batch of writes is never cut short by it).
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});

async function guard<T>(work: () => Promise<T>): Promise<T> {
  guarded++;
  try {
    return await work();
  } finally {
    guarded--;
  }
}

run({ argv, env: process.env, stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, interrupted: () => interrupted, guard })
  .then((code) => {
    process.exitCode = code;
  })
  .catch((error: unknown) => {
    // The message may quote a path from the project.
    process.stderr.write(`switcheroo-migrate: unexpected error: ${visible((error as Error).message ?? String(error))}\n`);
    process.exitCode = 1;
  });
