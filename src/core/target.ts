/**
 * What a scan covers. One path keeps its meaning (a folder is the root; a file is planned alone, its
 * folder the root). Several paths, or `--root`, name files and folders inside one project root:
 * only they are planned, every path in the plan is relative to that root, and the root's other
 * Python files are read for evidence (a receiver's class may live in a file nobody named), so a
 * file is judged the same whether it is named alone or with others.
 */
import { realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { discoverFiles, isPythonFile } from './discover.js';
import { UsageError } from './errors.js';
import { repoRootOf } from './git.js';
import { comparePaths, isInside } from './paths.js';
import type { Skipped } from './types.js';

/** The paths as given on the command line, and `--root` (null: decided from the paths). */
export interface ScanRequest {
  paths: readonly string[];
  root: string | null;
}

/** What discovery gives: the files to plan, those read only for their classes, and what it skipped. */
export interface Discovered {
  files: string[];
  context: string[];
  skipped: Skipped[];
}

export interface ScanTarget {
  /** Real path of the project root. */
  root: string;
  /** The named files and folders, relative to the root with `/` separators; null: the whole root. */
  named: Array<{ rel: string; folder: boolean }> | null;
  /** True: the root's other Python files are read for their classes, never planned. */
  context: boolean;
  /** Named files that are not Python. */
  skipped: Skipped[];
}


const toRel = (root: string, abs: string) => relative(root, abs).split(sep).join('/');

/** The path's real location (a file keeps its own name: a symlinked file is the scanner's to follow) and whether it is a folder. */
async function locate(path: string): Promise<{ abs: string; folder: boolean }> {
  const abs = resolve(path);
  let info;
  try {
    info = await stat(abs);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw new UsageError(`${path}: symlink loop`);
    if (code === 'EACCES') throw new UsageError(`${path}: permission denied`);
    throw new UsageError(`${path}: no such file or directory`);
  }
  if (info.isDirectory()) return { abs: await realpath(abs), folder: true };
  return { abs: join(await realpath(dirname(abs)), basename(abs)), folder: false };
}

/** The deepest folder holding every one of `folders`. */
function commonFolder(folders: string[]): string {
  let common = folders[0] as string;
  for (const folder of folders) {
    while (!isInside(common, folder)) common = dirname(common);
  }
  return common;
}

export async function resolveTarget(request: ScanRequest): Promise<ScanTarget> {
  const paths = request.paths.length > 0 ? request.paths : ['.'];
  const found = await Promise.all(paths.map(locate));
  if (paths.length === 1 && request.root === null) {
    const [path, only] = [paths[0] as string, found[0] as { abs: string; folder: boolean }];
    if (only.folder) return { root: only.abs, named: null, context: false, skipped: [] };
    if (!isPythonFile(only.abs)) throw new UsageError(`${path}: not a Python file (expected a directory, a .py file or a .ipynb notebook)`);
    return { root: dirname(only.abs), named: [{ rel: basename(only.abs), folder: false }], context: false, skipped: [] };
  }
  let root: string;
  if (request.root !== null) {
    const given = await locate(request.root);
    if (!given.folder) throw new UsageError(`--root ${request.root}: not a directory`);
    root = given.abs;
  } else {
    const common = commonFolder(found.map((f) => (f.folder ? f.abs : dirname(f.abs))));
    root = (await repoRootOf(common)) ?? common;
  }
  const named: Array<{ rel: string; folder: boolean }> = [];
  const skipped: Skipped[] = [];
  for (const [i, f] of found.entries()) {
    if (!isInside(root, f.abs)) throw new UsageError(`${paths[i]}: outside the root ${root}`);
    const rel = toRel(root, f.abs);
    if (f.folder && rel === '') return { root, named: null, context: false, skipped: [] };
    if (named.some((n) => n.rel === rel)) continue;
    if (!f.folder && !isPythonFile(rel)) skipped.push({ path: rel, reason: 'not a Python file' });
    else named.push({ rel, folder: f.folder });
  }
  return { root, named, context: true, skipped };
}

/**
 * The files to plan (sorted), the root's other files to read for evidence only, and what was
 * skipped. A named file is planned even where discovery would leave it out (git ignores it, it
 * lies in a virtualenv): it was asked for.
 */
export async function discoverTarget(target: ScanTarget): Promise<Discovered> {
  if (target.named === null) return { ...(await discoverFiles(target.root)), context: [] };
  const files = new Set<string>();
  const skipped = [...target.skipped];
  for (const { rel, folder } of target.named) {
    if (!folder) {
      files.add(rel);
      continue;
    }
    const inside = await discoverFiles(join(target.root, rel));
    for (const file of inside.files) files.add(`${rel}/${file}`);
    for (const s of inside.skipped) skipped.push({ ...s, path: `${rel}/${s.path}` });
  }
  const context = target.context ? (await discoverFiles(target.root)).files.filter((f) => !files.has(f)) : [];
  return { files: [...files].sort(comparePaths), context, skipped };
}
