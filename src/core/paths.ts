/** Path checks and ordering shared by discovery, scanning, writing and the review. */
import { relative, sep } from 'node:path';

/** True when `path` is `root` or lies below it. */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return !rel.startsWith('..') && !rel.startsWith(sep);
}

/** Orders strings by UTF-16 code units, the same on every machine and locale. */
export function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
