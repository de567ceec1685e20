/** discover -> read + prefilter -> parse -> find sites -> plan, streaming each file's plan as it is ready. */
import { lstat, readFile, realpath, stat } from 'node:fs/promises';
import { basename, dirname, relative, resolve, sep } from 'node:path';
import { discoverFiles } from './discover.js';
import { planFile } from './plan.js';
import { unreadableReason } from './text.js';
import type { FilePlan, ScanEvent, ScanOptions, ScanResult, Skipped } from './types.js';

/** A bad path argument: the CLI prints the message and exits 2. */
export class UsageError extends Error {}

const NEEDLE = Buffer.from('load_state_dict');
const READ_CONCURRENCY = 16;

export const DEFAULT_MAX_FILE_SIZE = 5 * 1024 * 1024;

export const DEFAULT_SCAN_OPTIONS: ScanOptions = {
  include: [],
  targetName: 'variables',
  mapper: 'flax',
  maxFileSize: DEFAULT_MAX_FILE_SIZE,
};

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && rel !== '..');
}

/** Resolves the path argument to a root directory and, for a single file, that file. */
async function resolveRoot(path: string): Promise<{ root: string; only: string | null }> {
  const abs = resolve(path);
  let info;
  try {
    info = await stat(abs);
  } catch {
    throw new UsageError(`${path}: no such file or directory`);
  }
  if (info.isDirectory()) return { root: await realpath(abs), only: null };
  if (!abs.endsWith('.py')) throw new UsageError(`${path}: not a Python file (expected a directory or a .py file)`);
  return { root: await realpath(dirname(abs)), only: basename(abs) };
}

type Outcome = { plan: FilePlan } | { skipped: Skipped } | { ignored: true };

export async function scanProject(
  path: string,
  options: ScanOptions,
  onEvent: (event: ScanEvent) => void = () => {},
  signal?: AbortSignal,
): Promise<ScanResult> {
  const started = performance.now();
  const { root, only } = await resolveRoot(path);
  const discovered = only ? { files: [only], skipped: [] } : await discoverFiles(root);
  const files: FilePlan[] = [];
  const skipped: Skipped[] = [...discovered.skipped];
  const seen = new Set<string>();
  let filesScanned = 0;
  let candidates = 0;
  let sites = 0;

  const examine = async (rel: string): Promise<Outcome> => {
    const link = resolve(root, rel);
    let abs = link;
    try {
      if ((await lstat(link)).isSymbolicLink()) {
        abs = await realpath(link);
        if (!isInside(root, abs)) return { skipped: { path: rel, reason: 'symlink to a file outside the root' } };
      }
      if (seen.has(abs)) return { ignored: true };
      seen.add(abs);
      const info = await stat(abs);
      if (!info.isFile()) return { ignored: true };
      if (info.size > options.maxFileSize) {
        return { skipped: { path: rel, reason: `larger than the size limit (${info.size} > ${options.maxFileSize} bytes; see --max-file-size)` } };
      }
      const bytes = await readFile(abs);
      filesScanned++;
      const bad = unreadableReason(bytes);
      if (bad) return { skipped: { path: rel, reason: bad } };
      if (bytes.indexOf(NEEDLE) === -1) return { ignored: true };
      candidates++;
      const relPath = abs === link ? rel : relative(root, abs).split(sep).join('/');
      const plan = await planFile(relPath, abs, bytes, options);
      if (plan.sites.length > 0) return { plan };
      if (plan.parseError) return { skipped: { path: relPath, reason: `${plan.parseError}; no call site outside the broken code` } };
      return { ignored: true };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return { ignored: true };
      if (code === 'EACCES' || code === 'EPERM') return { skipped: { path: rel, reason: 'permission denied' } };
      if (code === 'ELOOP') return { skipped: { path: rel, reason: 'symlink loop' } };
      throw error;
    }
  };

  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < discovered.files.length) {
      if (signal?.aborted) return;
      const rel = discovered.files[next++] as string;
      const outcome = await examine(rel);
      if ('plan' in outcome) {
        files.push(outcome.plan);
        sites += outcome.plan.sites.length;
        onEvent({ type: 'file', plan: outcome.plan });
      } else if ('skipped' in outcome) {
        skipped.push(outcome.skipped);
        onEvent({ type: 'skipped', skipped: outcome.skipped });
      }
      onEvent({ type: 'progress', filesScanned, candidates, sites });
    }
  };
  await Promise.all(Array.from({ length: READ_CONCURRENCY }, worker));

  const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  files.sort(byPath);
  skipped.sort(byPath);
  return {
    root,
    files,
    skipped,
    stats: {
      filesScanned,
      candidates,
      sites,
      proposed: files.reduce((n, f) => n + f.sites.filter((s) => s.proposed).length, 0),
      ms: Math.round(performance.now() - started),
    },
  };
}
