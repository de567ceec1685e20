/** Candidate `.py` and `.ipynb` files under a root: git-aware when the root is in a work tree, else a walk. */
import { existsSync, readdirSync, type Dirent } from 'node:fs';
import { dirname, join } from 'node:path';
import { git } from './run-git.js';
import { UsageError } from './errors.js';
import { comparePaths } from './paths.js';
import type { Skipped } from './types.js';

const SKIP_DIRS = new Set(['.git', 'node_modules', '__pycache__', 'site-packages', 'venv', 'build', 'dist']);

/** Directories nobody migrates, even where git tracks them (ruff's default excludes skip them too): vendored environments. */
const ENVIRONMENTS = new Set(['venv', '.venv', 'site-packages', 'node_modules']);

/** True for the files the scan plans: Python files and Jupyter notebooks. */
export function isPythonFile(path: string): boolean {
  return path.endsWith('.py') || path.endsWith('.ipynb');
}

/**
 * Whether a path below the root lies in a vendored environment: a directory named like one, or
 * any directory holding `pyvenv.cfg` (asked once per directory). The root itself is never one: a
 * path named on the command line is scanned even there.
 */
function inEnvironment(rel: string, isVenv: (dir: string) => boolean): boolean {
  const parts = rel.split('/').slice(0, -1);
  for (let i = 0; i < parts.length; i++) {
    if (ENVIRONMENTS.has(parts[i] as string) || isVenv(parts.slice(0, i + 1).join('/'))) return true;
  }
  return false;
}

function venvCheck(root: string): (dir: string) => boolean {
  const known = new Map<string, boolean>();
  return (dir) => {
    let found = known.get(dir);
    if (found === undefined) known.set(dir, (found = existsSync(join(root, dir, 'pyvenv.cfg'))));
    return found;
  };
}

/** True when `dir` or a parent holds `.git`: only then is it worth starting git at all. */
function inGitTree(dir: string): boolean {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, '.git'))) return true;
    if (dirname(d) === d) return false;
  }
}

/** Relative `/`-separated paths of tracked and untracked-not-ignored `.py` and `.ipynb` files, or null outside git. */
async function gitFiles(root: string): Promise<string[] | null> {
  if (!inGitTree(root)) return null;
  // Outside a work tree ls-files fails. git lists nothing under a directory it ignores; the user
  // named this one, so it is walked instead.
  const [listed, ignored] = await Promise.all([
    git(['ls-files', '-co', '--exclude-standard', '-z', '--', '*.py', '*.ipynb'], root),
    git(['check-ignore', '-q', '.'], root),
  ]);
  if (listed.exitCode !== 0 || ignored.exitCode === 0) return null;
  const isVenv = venvCheck(root);
  return [...new Set(listed.stdout.split('\0').filter((p) => isPythonFile(p) && !inEnvironment(p, isVenv)))];
}

/** A walk (synchronous: far quicker than a promise per directory) that skips the design's list of directories and never follows a directory symlink. */
function walkFiles(root: string, skipped: Skipped[]): string[] {
  const out: string[] = [];
  // (`rel`: the directory's `/`-separated path below the root, built as the walk goes down:
  // path.relative for each of thousands of files took a third of the walk)
  const visit = (dir: string, rel: string): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      if (dir === root) throw new UsageError(`cannot read the directory ${root}`);
      skipped.push({ path: rel, reason: 'directory cannot be read' });
      return;
    }
    if (dir !== root && entries.some((e) => e.name === 'pyvenv.cfg' && e.isFile())) return;
    const prefix = rel === '' ? '' : `${rel}/`;
    for (const entry of entries) {
      if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name) && !entry.name.startsWith('.')) visit(join(dir, entry.name), prefix + entry.name);
      } else if ((entry.isFile() || entry.isSymbolicLink()) && isPythonFile(entry.name)) {
        out.push(prefix + entry.name);
      }
    }
  };
  visit(root, '');
  return out;
}

/** Sorted relative paths of the `.py` and `.ipynb` files to consider under `root` (a directory). */
export async function discoverFiles(root: string): Promise<{ files: string[]; skipped: Skipped[] }> {
  const skipped: Skipped[] = [];
  let files: string[] | null = null;
  try {
    files = await gitFiles(root);
  } catch {
    files = null; // no git on this machine: walk instead
  }
  files ??= walkFiles(root, skipped);
  return { files: files.sort(comparePaths), skipped };
}
