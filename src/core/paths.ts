/** Path checks and ordering shared by discovery, scanning, writing and the review. */
import { isAbsolute, relative, sep } from 'node:path';

/** True when `path` is `root` or lies below it (a file named `..x.py` in the root is inside). */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

/** Orders strings by UTF-16 code units, the same on every machine and locale. */
export function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
