#!/usr/bin/env node
/** The bin: wire the process to `run`, map signals, set the exit code. Nothing else. */
import { run } from './cli/run.js';

let interrupted = false;
const onSignal = () => {
  if (interrupted) process.exit(130);
  interrupted = true;
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

run({ argv: process.argv.slice(2), env: process.env, stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, interrupted: () => interrupted })
  .then((code) => {
    process.exitCode = code;
  })
  .catch((error: unknown) => {
    process.stderr.write(`switcheroo-migrate: unexpected error: ${(error as Error).message ?? String(error)}\n`);
    process.exitCode = 1;
  });
