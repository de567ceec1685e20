/** discover -> read + prefilter -> parse -> find sites -> plan, streaming each file's plan as it is ready. */
import { closeSync, lstatSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, dirname, relative, resolve, sep } from 'node:path';
import { discoverFiles } from './discover.js';
import { UsageError } from './errors.js';
import { comparePaths, isInside } from './paths.js';
import { inThreadPlanner, workerPlanner, type Planner } from './plan-pool.js';
import { unreadableReason } from './text.js';
import { getParser } from './parser.js';
import { DEFAULT_MAX_FILE_SIZE, type FilePlan, type ScanEvent, type ScanOptions, type ScanResult, type Skipped } from './types.js';

export { UsageError } from './errors.js';

const NEEDLE = Buffer.from('load_state_dict');

export const DEFAULT_SCAN_OPTIONS: ScanOptions = {
  include: [],
  targetName: 'variables',
  mapper: 'flax',
  maxFileSize: DEFAULT_MAX_FILE_SIZE,
};

/** Resolves the path argument to a root directory and, for a single file, that file. */
export async function resolveRoot(path: string): Promise<{ root: string; only: string | null }> {
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
  if (info.isDirectory()) return { root: await realpath(abs), only: null };
  if (!abs.endsWith('.py')) throw new UsageError(`${path}: not a Python file (expected a directory or a .py file)`);
  return { root: await realpath(dirname(abs)), only: basename(abs) };
}

/**
 * Reads a whole file into a scratch buffer that is reused from file to file (most files are read
 * only to learn that they hold no site: a fresh buffer each would cost more in allocation and GC
 * than the reading). Returns a view valid until the next call.
 */
function scratchReader(): (path: string, size: number) => Buffer {
  let scratch = Buffer.allocUnsafe(1 << 20);
  return (path, size) => {
    const fd = openSync(path, 'r');
    try {
      if (scratch.length < size + 1) scratch = Buffer.allocUnsafe(Math.max(size + 1, scratch.length * 2));
      let length = 0;
      for (let n = 1; n > 0 && length < scratch.length; length += n) n = readSync(fd, scratch, length, scratch.length - length, null);
      return scratch.subarray(0, length);
    } finally {
      closeSync(fd);
    }
  };
}

type Read = { candidate: { path: string; abs: string; bytes: Buffer } } | { skipped: Skipped } | { ignored: true };

/** Planning moves to worker threads once this many candidates are known: below it, starting them costs more. */
const POOL_AFTER = 8;
/** Reading yields to the event loop this often (ms), so a spinner keeps turning and plans stream out. */
const SLICE_MS = 12;

export async function scanProject(
  path: string,
  options: ScanOptions,
  onEvent: (event: ScanEvent) => void = () => {},
  signal?: AbortSignal,
): Promise<ScanResult> {
  const started = performance.now();
  const { root, only } = await resolveRoot(path);
  void getParser().catch(() => {}); // the grammar compiles while discovery runs; a failure shows when planning
  const discovered = only ? { files: [only], skipped: [] } : await discoverFiles(root);
  const files: FilePlan[] = [];
  const skipped: Skipped[] = [...discovered.skipped];
  const seen = new Set<string>();
  let filesScanned = 0;
  let candidates = 0;
  let sites = 0;

  /** Reads one file synchronously: many small sync reads beat the promise API's thread-pool round trips. */
  const readInto = scratchReader();
  const read = (rel: string): Read => {
    const link = resolve(root, rel);
    let abs = link;
    try {
      let info = lstatSync(link);
      if (info.isSymbolicLink()) {
        abs = realpathSync(link);
        if (!isInside(root, abs)) return { skipped: { path: rel, reason: 'symlink to a file outside the root' } };
        info = statSync(abs);
      }
      if (seen.has(abs) || !info.isFile()) return { ignored: true };
      seen.add(abs);
      if (info.size > options.maxFileSize) {
        return { skipped: { path: rel, reason: `larger than the size limit (${info.size} > ${options.maxFileSize} bytes; see --max-file-size)` } };
      }
      const bytes = readInto(abs, info.size);
      filesScanned++;
      const bad = unreadableReason(bytes);
      if (bad) return { skipped: { path: rel, reason: bad } };
      if (bytes.indexOf(NEEDLE) === -1) return { ignored: true };
      candidates++;
      return { candidate: { path: abs === link ? rel : relative(root, abs).split(sep).join('/'), abs, bytes: Buffer.from(bytes) } };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return { ignored: true };
      if (code === 'EACCES' || code === 'EPERM') return { skipped: { path: rel, reason: 'permission denied' } };
      if (code === 'ELOOP') return { skipped: { path: rel, reason: 'symlink loop' } };
      throw error;
    }
  };

  const progress = () => onEvent({ type: 'progress', filesScanned, candidates, sites });
  const skip = (item: Skipped) => {
    skipped.push(item);
    onEvent({ type: 'skipped', skipped: item });
  };
  let planner: Planner = inThreadPlanner;
  const planning: Promise<void>[] = [];
  const plan = async (c: { path: string; abs: string; bytes: Buffer }): Promise<void> => {
    const result = await planner.plan(c.path, c.abs, c.bytes, options);
    if (result.sites.length > 0) {
      files.push(result);
      sites += result.sites.length;
      onEvent({ type: 'file', plan: result });
    } else if (result.parseError) {
      skip({ path: result.path, reason: `${result.parseError}; no call site outside the broken code` });
    }
    progress();
  };

  try {
    let sliceStart = performance.now();
    for (const rel of discovered.files) {
      if (signal?.aborted) break;
      const outcome = read(rel);
      if ('candidate' in outcome) {
        if (candidates === POOL_AFTER && discovered.files.length > POOL_AFTER * 4) {
          planner = workerPlanner(Math.max(1, availableParallelism())) ?? inThreadPlanner;
        }
        planning.push(plan(outcome.candidate));
      } else if ('skipped' in outcome) {
        skip(outcome.skipped);
      }
      if (performance.now() - sliceStart > SLICE_MS) {
        progress();
        await new Promise((r) => setImmediate(r));
        sliceStart = performance.now();
      }
    }
    await Promise.all(planning);
  } finally {
    await planner.close();
  }
  progress();

  const byPath = (a: { path: string }, b: { path: string }) => comparePaths(a.path, b.path);
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
