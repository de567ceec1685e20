/**
 * `npm run build`, after tsc: two pieces of the engine as one file each (esbuild), which load in a
 * fraction of the time their separate modules take (each resolved, read and compiled in turn):
 * - dist/core/read-worker-bundle.js: the read-ahead worker and the twenty modules it imports, which
 *   read-ahead.ts starts where it is there. The worker is a thread of its own, with its own copy of
 *   every module, so one file shares nothing it should not. Its modules one at a time kept it from
 *   reading for about 70 ms more of the scan's first 200 ms.
 * - dist/core/execa-bundle.js: execa, for git (run-git.ts; the review's bundle has its own copy for
 *   the editor). Discovery asks git for the files of a work tree: execa's hundred-odd modules took
 *   106-130 ms to load, before git could start; the one file loads in 25-35 ms.
 */
import { buildSync } from 'esbuild';
import { fileURLToPath } from 'node:url';

const common = { bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning' };

// (git's execa is the bundle below, loaded at run time where run-git.ts finds it: not copied in here)
buildSync({ ...common, entryPoints: ['dist/core/read-worker.js'], outfile: 'dist/core/read-worker-bundle.js', external: ['execa'] });

buildSync({
  ...common,
  stdin: { contents: "export { execa } from 'execa';", resolveDir: fileURLToPath(new URL('../..', import.meta.url)), loader: 'js' },
  outfile: 'dist/core/execa-bundle.js',
  // its CommonJS dependencies (cross-spawn...) call require() for Node's built-ins
  banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" },
});
