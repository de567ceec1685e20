/**
 * `--preamble module`: where the one shared KeyMapper file goes, how each changed file imports it
 * as Python would run that file, and what the file holds.
 *
 * A file inside a package (directories with `__init__.py` up to its top) runs with the directory
 * above its top package on `sys.path`; a script or a notebook with its own directory there. The
 * helper goes into the top package that holds most of the changed files (then each imports it
 * absolutely from the package's top: `from mypkg.keymapper import KeyMapper`), or, with no package,
 * beside the scripts (`from keymapper import KeyMapper`), or into the deepest directory holding them
 * all. A file whose `sys.path` entry does not reach the helper is told which entry the import needs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, posix, relative, resolve, sep } from 'node:path';
import { UsageError } from './errors.js';
import { importBlock } from './notebook/preamble-cell.js';
import { isInside } from './paths.js';
import { classWords } from './preamble-names.js';
import { preambleSource } from './preamble-source.js';
import { isIdentifier } from './target-name.js';
import type { FilePlan, HelperImport, ScanOptions, SharedHelper } from './types.js';

/** The directory of a `/` path relative to the root ('' for the root). */
const dirOf = (path: string) => (path.includes('/') ? posix.dirname(path) : '');

export interface Layout {
  isPackage(dir: string): boolean;
}

/** A layout read from the disk under `root` (asked once per directory). */
export function diskLayout(root: string): Layout {
  const known = new Map<string, boolean>();
  return {
    isPackage(dir) {
      let found = known.get(dir);
      if (found === undefined) known.set(dir, (found = existsSync(join(root, dir, '__init__.py'))));
      return found;
    },
  };
}

/** The top package holding `dir` (itself a package), walking up while the parent is one too. */
function topPackage(layout: Layout, dir: string): string {
  let top = dir;
  while (top !== '' && layout.isPackage(dirOf(top))) top = dirOf(top);
  return top;
}

/** The `sys.path` entry a file runs with: above its top package, or its own directory. */
function entryOf(layout: Layout, path: string): string {
  const dir = dirOf(path);
  if (!layout.isPackage(dir) || dir === '') return dir;
  return dirOf(topPackage(layout, dir));
}

/** `a/b/c.py` relative to entry `a` -> `b.c`, or null when a part is no Python name. */
function moduleFrom(entry: string, path: string): string | null {
  const rel = entry === '' ? path : path.startsWith(`${entry}/`) ? path.slice(entry.length + 1) : null;
  if (rel === null) return null;
  const parts = rel.replace(/\.py$/, '').split('/');
  return parts.every(isIdentifier) ? parts.join('.') : null;
}

function commonDir(dirs: readonly string[]): string {
  const split = dirs.map((d) => (d === '' ? [] : d.split('/')));
  const first = split[0] ?? [];
  let n = 0;
  while (n < first.length && split.every((parts) => parts[n] === first[n])) n++;
  return first.slice(0, n).join('/');
}

/** Where the helper goes and the module its own entry imports it as. */
export function helperPlace(layout: Layout, changed: readonly string[], requested: string | null): { path: string; module: string; entry: string } {
  if (requested !== null) {
    const entry = entryOf(layout, requested);
    const module = moduleFrom(entry, requested);
    if (module === null) throw new UsageError(`--preamble module=${requested}: Python cannot import that path (every directory in it must be a Python name)`);
    return { path: requested, module, entry };
  }
  const packages = new Map<string, number>();
  for (const path of changed) {
    const dir = dirOf(path);
    if (dir !== '' && layout.isPackage(dir)) {
      const top = topPackage(layout, dir);
      packages.set(top, (packages.get(top) ?? 0) + 1);
    }
  }
  const most = [...packages].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
  if (most) {
    const path = `${most[0]}/keymapper.py`;
    const entry = dirOf(most[0]);
    return { path, module: moduleFrom(entry, path) ?? 'keymapper', entry };
  }
  const dir = commonDir([...new Set(changed.map(dirOf))]);
  const path = dir === '' ? 'keymapper.py' : `${dir}/keymapper.py`;
  return { path, module: 'keymapper', entry: dir };
}

const shownEntry = (entry: string) => (entry === '' ? 'the project root' : `\`${entry}\``);

/**
 * How `path` imports the helper: from its own `sys.path` entry where that reaches it, else as the
 * helper's entry names it, saying that running the file needs that entry (unless the file already
 * imports the helper's top package, which needs the same).
 */
export function helperImportFor(layout: Layout, path: string, text: string, helper: SharedHelper): HelperImport {
  const entry = entryOf(layout, path);
  const own = moduleFrom(entry, helper.path);
  if (own !== null) return { module: own, warning: null };
  const top = helper.module.split('.')[0] ?? '';
  const importsTop = helper.module.includes('.') && new RegExp(`^[ \\t]*(?:from|import)[ \\t]+${top}(?:[ \\t.]|$)`, 'm').test(text);
  if (importsTop) return { module: helper.module, warning: null };
  return {
    module: helper.module,
    warning: `the shared KeyMapper is \`${helper.module}\` (${helper.path}): running this file needs ${shownEntry(helper.entry)} on sys.path (PYTHONPATH), and it runs with ${shownEntry(entry)} there`,
  };
}

/** The helper file's text: a docstring, the imports the class reads, the class. */
export function helperText(mapper: ScanOptions['mapper']): string {
  const source = preambleSource(mapper);
  const words = classWords(source);
  const block = importBlock(source.imports.filter((imp) => words.has(imp.name)));
  const doc = '"""KeyMapper: PyTorch state dicts to Flax variables, shared by the files switcheroo-migrate rewrote."""';
  return `${doc}\n${block ? `${block}\n` : ''}\n\n${source.body}`;
}

function readOr(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** A file there already holds a KeyMapper with `from_torch` (this tool's, from an earlier run, or one like it). */
function holdsMapper(text: string): boolean {
  return /^class KeyMapper\b/m.test(text) && /^\s+def from_torch\(/m.test(text);
}

/**
 * The shared helper for a scanned project: its place (an earlier run's `keymapper.py` among the
 * `discovered` files, else as `helperPlace` says), and its text unless a KeyMapper file is there
 * already; a file of that name that is something else is refused, never overwritten.
 */
export function sharedHelper(root: string, layout: Layout, plans: readonly FilePlan[], options: ScanOptions, discovered: readonly string[] = []): SharedHelper | null {
  const needing = plans.filter((p) => p.preamble !== null);
  if (needing.length === 0) return null;
  const proposed = needing.filter((p) => p.sites.some((s) => s.proposed));
  // an earlier run's helper, wherever it went, stays the one shared helper
  const earlier = options.helperPath === null ? discovered.find((path) => posix.basename(path) === 'keymapper.py' && holdsMapper(readOr(join(root, path)))) : undefined;
  const chosen = options.helperPath === null ? (earlier ?? null) : posix.normalize(relative(root, resolve(root, options.helperPath)).split(sep).join('/'));
  const place = helperPlace(layout, (proposed.length > 0 ? proposed : needing).map((p) => p.path), chosen);
  const absPath = join(root, place.path);
  if (!isInside(root, absPath) || place.path.startsWith('../')) throw new UsageError(`--preamble module=${place.path}: the helper must lie inside the project (${root})`);
  let existing: string | null = null;
  try {
    existing = readFileSync(absPath, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') throw new UsageError(`${place.path} cannot be read (${code}): choose another place with --preamble module=PATH`);
  }
  if (existing !== null && !holdsMapper(existing)) {
    throw new UsageError(`${place.path} exists and holds no KeyMapper: it is not overwritten; choose another file with --preamble module=PATH`);
  }
  return { ...place, absPath, text: existing === null ? helperText(options.mapper) : null };
}
