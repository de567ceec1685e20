/**
 * `npm run build`, after tsc: the read-ahead worker (dist/core/read-worker.js and the some twenty
 * modules it imports) as one file, dist/core/read-worker-bundle.js, which read-ahead.ts starts when
 * it is there. The worker is a thread of its own, with its own copy of every module, so one file
 * shares nothing it should not; loading its modules one at a time (resolving, reading and compiling
 * each) kept it from reading for about 70 ms more of the scan's first 200 ms, on a machine with two
 * cores where the scanner waits for it.
 */
import { buildSync } from 'esbuild';

buildSync({
  entryPoints: ['dist/core/read-worker.js'],
  outfile: 'dist/core/read-worker-bundle.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
});
