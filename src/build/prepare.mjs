/**
 * npm's `prepare`: builds dist/ where it is missing, which is when npm installs this package from
 * git (pre-commit's `language: node` hooks run `npm install -g git+file://<clone>`; so does
 * `npm install -g github:...`). A checkout that has built dist/ is left alone: `npm pack` and
 * `npm ci` do not rebuild under the tests that run it.
 *
 * npm 11 prepares a git dependency with a nested `npm install` that inherits the outer one's
 * settings as npm_config_* variables: for `-g` that install is global, so devDependencies (tsc, the
 * grammar's .wasm) are left out and the build fails. The devDependencies are installed here, from
 * the lockfile, with only the registry, cache, proxy and auth settings passed on.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

if (existsSync('dist/bin.cjs')) process.exit(0);

const passed = /^npm_config_(registry|cache|userconfig|globalconfig|proxy|https_proxy|noproxy|cafile|ca|cert|key|strict_ssl|fetch_\w+|prefer_offline|prefer_online|offline|@.+|\/\/.+)$/i;
const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_config_/i.test(name) || passed.test(name)));
const npm = (args) => execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, { stdio: 'inherit', env });

if (!existsSync('node_modules/.bin/tsc') || !existsSync('node_modules/tree-sitter-python')) {
  // --ignore-scripts: the build needs no install script (tree-sitter-python's would compile a native binding)
  npm(['ci', '--include=dev', '--ignore-scripts', '--no-audit', '--no-fund']);
}
npm(['run', 'build']);
