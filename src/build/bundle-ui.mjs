/**
 * `npm run build`, after tsc: the review's modules and what they import from node_modules (Ink,
 * React, ink-select-input...) as one file, dist/ui/review-bundle.js. Loading Ink as some hundred
 * separate modules (opening each, compiling it, reading CommonJS exports) took 0.5 to 0.9 s of the
 * review's start on the bench machine; the one file loads in about 0.15 s. The project's own core
 * and cli modules stay outside it (imported from dist/, one copy of each in the process: the parser,
 * for one, is loaded once). Ink's React DevTools hook (never on: it needs DEV=true and a package we
 * do not install) is replaced by a stub.
 */
import { buildSync } from 'esbuild';
import { fileURLToPath } from 'node:url';

const stub = fileURLToPath(new URL('./devtools-stub.mjs', import.meta.url));

buildSync({
  entryPoints: ['dist/ui/run-review.js'],
  outfile: 'dist/ui/review-bundle.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
  alias: { 'react-devtools-core': stub },
  // CommonJS packages inside an ES module bundle still call require() for Node's built-ins
  banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" },
  // (the paths as dist/ui's modules write them: '../core/plan.js' stays an import of dist/core/plan.js)
  external: ['../core/*', '../cli/*'],
});
