/** Candidate `.py` files under a root: git-aware when the root is in a work tree, else a walk. */
import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { execa } from 'execa';
import type { Skipped } from './types.js';

const SKIP_DIRS = new Set(['.git', 'node_modules', '__pycache__', 'site-packages', 'build', 'dist']);

/** Relative `/`-separated paths of tracked and untracked-not-ignored `.py` files, or null outside git. */
async function gitFiles(root: string): Promise<string[] | null> {
  const inside = await execa('git', ['rev-parse', '--is-inside-work-tree'], { cwd: root, reject: false });
  if (inside.exitCode !== 0 || inside.stdout.trim() !== 'true') return null;
  // git lists nothing under a directory it ignores; the user named this one, so walk it instead.
  const ignored = await execa('git', ['check-ignore', '-q', '.'], { cwd: root, reject: false });
  if (ignored.exitCode === 0) return null;
  const listed = await execa('git', ['ls-files', '-co', '--exclude-standard', '-z', '--', '*.py'], {
    cwd: root,
    reject: false,
    stripFinalNewline: false,
    maxBuffer: 512 * 1024 * 1024,
  });
  if (listed.exitCode !== 0) return null;
  return [...new Set(listed.stdout.split('\0').filter((p) => p.endsWith('.py')))];
}

/** A walk that skips the design's list of directories and never follows a directory symlink. */
async function walkFiles(root: string, skipped: Skipped[]): Promise<string[]> {
  const out: string[] = [];
  const visit = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      if (dir === root) throw new Error(`cannot read the directory ${root}`);
      skipped.push({ path: relative(root, dir).split(sep).join('/'), reason: 'directory cannot be read' });
      return;
    }
    if (dir !== root && entries.some((e) => e.name === 'pyvenv.cfg' && e.isFile())) return;
    for (const entry of entries) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name) && !entry.name.startsWith('.')) await visit(full);
      } else if ((entry.isFile() || entry.isSymbolicLink()) && entry.name.endsWith('.py')) {
        out.push(relative(root, full).split(sep).join('/'));
      }
    }
  };
  await visit(root);
  return out;
}

/** Sorted relative paths of the `.py` files to consider under `root` (a directory). */
export async function discoverFiles(root: string): Promise<{ files: string[]; skipped: Skipped[] }> {
  const skipped: Skipped[] = [];
  let files: string[] | null = null;
  try {
    files = await gitFiles(root);
  } catch {
    files = null; // no git on this machine: walk instead
  }
  files ??= await walkFiles(root, skipped);
  return { files: files.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)), skipped };
}
