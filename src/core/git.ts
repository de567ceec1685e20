/** What git says about files: used to warn before overwriting uncommitted work. */
import { realpath } from 'node:fs/promises';
import { git } from './run-git.js';

/** Relative paths (of `paths`) that git reports as modified, added or untracked; empty outside git. */
export async function gitModified(root: string, paths: readonly string[]): Promise<Set<string>> {
  if (paths.length === 0) return new Set();
  const status = await git(['status', '--porcelain=v1', '-z', '--untracked-files=all', '--', ...paths], root).catch(() => null);
  if (!status || status.exitCode !== 0) return new Set();
  const prefix = await git(['rev-parse', '--show-prefix'], root);
  const base = prefix.exitCode === 0 ? prefix.stdout.trim() : '';
  const changed = new Set<string>();
  const entries = status.stdout.split('\0');
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i] ?? '';
    if (entry.length < 4) continue;
    if (entry[0] === 'R' || entry[0] === 'C') i++; // the next entry is the rename's source
    const path = entry.slice(3);
    changed.add(base && path.startsWith(base) ? path.slice(base.length) : path);
  }
  return new Set(paths.filter((p) => changed.has(p)));
}

/** The real path of the top folder of the git work tree holding `dir`; null outside one, or without git. */
export async function repoRootOf(dir: string): Promise<string | null> {
  try {
    const top = await git(['rev-parse', '--show-toplevel'], dir);
    return top.exitCode === 0 && top.stdout.trim() ? await realpath(top.stdout.trim()) : null;
  } catch {
    return null;
  }
}
