/** discover -> read + prefilter -> parse -> find sites -> plan, streaming each file's plan as it is ready. */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { ProjectIndex } from './evidence/index.js';
import { tightenHeapGrowthWhenLarge } from './heap-growth.js';
import { settlePlan } from './evidence/settle.js';
import { settleHints } from './hints/site.js';
import { MapperChooser } from './mapper-choice.js';
import { bindingNames, planWith } from './plan.js';
import { planText, withoutText } from './plan-text.js';
import { encode } from './text.js';
import { getParser } from './parser.js';
import { comparePaths } from './paths.js';
import { planRead, type FileOutcome } from './scan-file.js';
import { fileReader, type ReadOutcome } from './read-file.js';
import { startReadAhead, type ReadAhead } from './read-ahead.js';
import { dropReadWorker, earlyDiscovery } from './warm-worker.js';
import { diskLayout, helperImportFor, sharedHelper, type Layout } from './shared-helper.js';
import { withHelperImport } from './plan.js';
import { notebookSource, planNotebook } from './notebook/plan-notebook.js';
import type { Parser } from './parser.js';
import { startPool, type Batch } from './scan-pool.js';
import { discoverTarget, resolveTarget, type ScanRequest } from './target.js';
import { DEFAULT_MAX_FILE_SIZE, type FilePlan, type ScanEvent, type ScanOptions, type ScanResult, type SharedHelper, type Skipped } from './types.js';

export { UsageError } from './errors.js';

export const DEFAULT_SCAN_OPTIONS: ScanOptions = {
  include: [],
  targetName: 'variables',
  mapper: 'flax',
  maxFileSize: DEFAULT_MAX_FILE_SIZE,
  preamble: 'inline',
  helperPath: null,
};

/** Where the listed files that are neither links nor read for context are (see the end of scanProject). */
function directFiles(root: string, files: readonly string[], linked: readonly FileOutcome[], context: ReadonlySet<string>): Set<string> {
  const links = new Set(linked.map((outcome) => outcome.rel));
  return new Set(files.filter((rel) => !links.has(rel) && !context.has(rel)).map((rel) => resolve(root, rel)));
}

/** Resolves one path argument to a root directory and, for a single file, that file. */
export async function resolveRoot(path: string): Promise<{ root: string; only: string | null }> {
  const target = await resolveTarget({ paths: [path], root: null });
  return { root: target.root, only: target.named?.[0]?.rel ?? null };
}

/** This thread yields to the event loop this often (ms), so a spinner keeps turning and plans stream out. */
const SLICE_MS = 12;
/** Files per batch: small enough that plans stream out, large enough that messages are few. */
const BATCH = 32;
/**
 * Worker threads scan the files once a project has this many, on a machine with at least
 * POOL_MIN_CORES: starting them costs 100 ms or more and each compiles the grammar again. On the
 * 2-vCPU bench machine they gained nothing once parsing was focused (1.3 s for the plan either
 * way, 0.5 s more CPU) and slowed the review's scan, which shares its thread with Ink (3.0 s to
 * finish instead of 2.0 s).
 */
const POOL_MIN_FILES = 400;
const POOL_MIN_CORES = 4;

/**
 * With fewer cores than POOL_MIN_CORES, a read-ahead worker (read-ahead.ts) reads the files once a
 * project has this many, and this thread plans (starting it costs 30 ms or more, mostly out of
 * this thread).
 */
const AHEAD_MIN_FILES = 400;
const AHEAD_MIN_CORES = 2;

/**
 * For tests: SWITCHEROO_POOL=always has workers scan every batch (this thread only collects),
 * =ahead has the read-ahead worker read every file (this thread claims none), =never keeps
 * everything in this thread.
 */
function poolPolicy(): 'auto' | 'always' | 'ahead' | 'never' {
  const value = process.env.SWITCHEROO_POOL;
  return value === 'always' || value === 'ahead' || value === 'never' ? value : 'auto';
}

/**
 * Scans one path, or the paths of a request (see target.ts). `held`, when given, is asked at every
 * pause between slices of work in this thread: a promise it returns is waited for first (the CLI
 * holds the scan while Ink loads, which otherwise waits a slice for each of its hundreds of module
 * loads).
 */
export async function scanProject(
  request: string | ScanRequest,
  options: ScanOptions,
  onEvent: (event: ScanEvent) => void = () => {},
  signal?: AbortSignal,
  held?: () => Promise<void> | null,
): Promise<ScanResult> {
  // The event loop stays alive while the scan runs: its pauses (setImmediate) and its waits for the
  // read-ahead worker (unref'd) hold no handle, and where nothing else did (--json, --check,
  // --dry-run, --yes) Node's loop ran dry at each, then waited for every V8 background task, the
  // JIT's compiles among them, before it went on (NodePlatform::DrainTasks): 40-110 ms at the
  // first pause on the bench tree.
  const alive = setInterval(() => {}, 1 << 30);
  try {
    return await scanWhileAlive(request, options, onEvent, signal, held);
  } finally {
    clearInterval(alive);
  }
}

async function scanWhileAlive(
  request: string | ScanRequest,
  options: ScanOptions,
  onEvent: (event: ScanEvent) => void,
  signal: AbortSignal | undefined,
  held: (() => Promise<void> | null) | undefined,
): Promise<ScanResult> {
  const started = performance.now();
  const target = await resolveTarget(typeof request === 'string' ? { paths: [request], root: null } : request);
  const root = target.root;
  // The grammar compiles while discovery runs and is awaited before reading: compiled while this
  // thread reads, it took three times as long, and the first site waits for it.
  const parserReady = getParser();
  parserReady.catch(() => {}); // reported below
  // (listed already where the CLI's worker did it while this thread loaded its modules: warm-worker.ts)
  const discovered = (await earlyDiscovery(target)) ?? (await discoverTarget(target));
  /** Files read only for the classes they define (see target.ts), never planned or counted. */
  const context = new Set(discovered.context);
  const queue: Batch[] = [];
  // The planned files first, so that the first site shows as early as before.
  for (let i = 0; i < discovered.files.length; i += BATCH) queue.push({ id: queue.length, rels: discovered.files.slice(i, i + BATCH) });
  for (let i = 0; i < discovered.context.length; i += BATCH) queue.push({ id: queue.length, rels: discovered.context.slice(i, i + BATCH), context: true });
  const parallel = Math.min(availableParallelism(), 8);
  const policy = poolPolicy();
  const fileCount = discovered.files.length + context.size;
  const pooled = policy === 'always' || (policy === 'auto' && fileCount >= POOL_MIN_FILES && parallel >= POOL_MIN_CORES);
  const wantAhead = !pooled && (policy === 'ahead' || (policy === 'auto' && fileCount >= AHEAD_MIN_FILES && parallel >= AHEAD_MIN_CORES));
  // (the read-ahead worker the CLI may have started ahead of time: of no use here)
  if (!wantAhead) dropReadWorker();
  // Without --mapper: nnx once a file imports flax.nnx; a file planned before that is planned again.
  const chooser = new MapperChooser(options);
  /** Started with the first batch, or in a held scan once it was held (see below); it reads the batches left then. */
  let ahead: ReadAhead | null = null;
  let aheadTried = false;
  /** The read-ahead on the batches left, planned with the mapper chosen so far (`claim: false`: the worker reads every batch). */
  const startAhead = (claim = true) => {
    aheadTried = true;
    return startReadAhead(root, options, bindingNames({ ...options, mapper: chooser.mapper }), queue.slice(), undefined, claim);
  };
  // SWITCHEROO_POOL=ahead (tests): the worker from the first batch, and every batch left to it
  if (policy === 'ahead') ahead = startAhead(false);
  // A scan that is not held (no review loading Ink beside it) starts the read-ahead with its first
  // batch, before the grammar has compiled: the worker reads while this thread waits for it, then
  // this thread claims what the worker has not (bench tree, 10 runs in turns: 2.05 -> 1.97 s against
  // a start once the first site was out).
  else if (wantAhead && !held && queue.length > 0) ahead = startAhead();
  let parser: Parser;
  try {
    parser = await parserReady;
  } catch (error) {
    await ahead?.close();
    throw error;
  }
  let files: FilePlan[] = [];
  const skipped: Skipped[] = [...discovered.skipped];
  const index = new ProjectIndex((rel) => {
    try {
      const bytes = readFileSync(join(root, rel));
      return rel.endsWith('.ipynb') ? notebookSource(bytes) : bytes;
    } catch {
      return null;
    }
  });
  const plannedNnx = new Set<string>();
  /** Plans whose file could not be read again (see withMapper), with why. */
  const gone = new Map<string, string>();
  const withMapper = (plan: FilePlan) => {
    if (chooser.mapper === options.mapper || plannedNnx.has(plan.path)) return plan;
    plannedNnx.add(plan.path);
    const mapped = { ...options, mapper: chooser.mapper };
    if (!plan.notebook) {
      // a plan that let go of its text is planned again from the file as it is now; gone since, it is skipped
      let bytes: Uint8Array;
      try {
        bytes = plan.text === null ? readFileSync(plan.absPath) : encode(plan.text, plan.bom);
      } catch (error) {
        gone.set(plan.path, `could not be read again to plan it for nnx (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
        return { ...plan, sites: [] };
      }
      return planWith(parser, plan.path, plan.absPath, bytes, mapped);
    }
    const replanned = planNotebook(parser, plan.path, plan.absPath, encode(plan.notebook.json, plan.bom), mapped);
    return 'skipped' in replanned ? plan : replanned;
  };
  /** A plan without its text when the caller needs none (see ScanOptions.keepText). */
  const letGo = (plan: FilePlan) => (options.keepText === false ? withoutText(plan) : plan);
  // Kinds, then (flax, nnx) the hints read from each model's source, against the files indexed so far.
  const settle = (plan: FilePlan) => {
    const settled = settlePlan(withMapper(plan), index, options.include);
    return chooser.mapper === 'reference' ? settled : settleHints(settled, index, parser, chooser.mapper);
  };
  let filesScanned = 0;
  let candidates = 0;
  let sites = 0;

  const progress = () => onEvent({ type: 'progress', filesScanned, candidates, sites });
  const skip = (item: Skipped) => {
    skipped.push(item);
    onEvent({ type: 'skipped', skipped: item });
  };
  const count = (outcome: FileOutcome) => {
    if (outcome.type !== 'skipped') chooser.note(outcome.type === 'planned' ? outcome.plan.path : outcome.rel, outcome.nnx);
    if (outcome.type === 'planned') index.add(outcome.plan.path, outcome.classes, outcome.imports);
    else index.add(outcome.rel, outcome.type === 'skipped' ? [] : (outcome.classes ?? []));
    if (outcome.type === 'skipped') {
      if (outcome.read) filesScanned++;
      skip(outcome.skipped);
    } else if (outcome.type === 'ignored') {
      if (outcome.read) filesScanned++;
    } else {
      filesScanned++;
      candidates++;
      // planned with nnx already (the scan had settled on it): not planned again
      if (outcome.mapper !== options.mapper) plannedNnx.add(outcome.plan.path);
      // Settled against the files indexed so far (for those who show it now); again against all of them at the end.
      const plan = letGo(options.settleEach === false ? outcome.plan : settle(outcome.plan));
      if (plan.sites.length > 0) {
        files.push(plan);
        sites += plan.sites.length;
        // The counts first, so that no one shows a file's sites under counts that leave it out.
        progress();
        onEvent({ type: 'file', plan });
      } else if (plan.parseError) {
        skip({ path: plan.path, reason: `${plan.parseError}; no call site outside the broken code` });
      }
    }
  };
  // A file reached through a symlink waits for the end: the real file may be listed too (then it is
  // planned as itself), or reached by another link (then the first link in path order counts).
  const linked: FileOutcome[] = [];
  const take = (outcome: FileOutcome) => {
    if (context.has(outcome.rel)) {
      index.add(outcome.rel, outcome.type === 'skipped' ? [] : (outcome.classes ?? []));
      if (outcome.type !== 'skipped') chooser.note(outcome.rel, outcome.nnx);
    }
    else if (outcome.viaLink) linked.push(outcome);
    else count(outcome);
  };

  let outstanding = queue.length;
  let failure: Error | null = null;
  let wake: () => void = () => {};
  const finish = (outcomes: FileOutcome[]) => {
    outcomes.forEach(take);
    outstanding--;
    progress();
  };
  const pool = pooled
      ? startPool(Math.max(parallel - 1, 1), { root, options }, {
          take: () => queue.shift() ?? null,
          giveBack: (batch) => queue.unshift(batch),
          done: finish,
          error: (message) => (failure ??= new Error(message)),
          changed: () => wake(),
        })
      : null;
  const abort = () => wake();
  signal?.addEventListener('abort', abort);
  try {
    // This thread scans batches too, so the first sites come at once and no core idles (with
    // SWITCHEROO_POOL=always it only collects); without workers it scans them all.
    const read = fileReader(root, options);
    let sliceStart = performance.now();
    let wasHeld = false;
    while (outstanding > 0 && !failure && !signal?.aborted) {
      const batch = pool && policy === 'always' && !pool.failed ? null : queue.shift();
      if (!batch) {
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      // read by the read-ahead worker, or here (no worker, or it failed before this batch): each
      // file planned before the next is read (a candidate read here is a view of a reused buffer)
      const reads: readonly (ReadOutcome | string)[] = (await ahead?.get(batch)) ?? batch.rels;
      const outcomes: FileOutcome[] = [];
      for (const file of reads) {
        const outcome = planRead(parser, options, typeof file === 'string' ? read(file, batch.context) : file, chooser.mapper);
        outcomes.push(outcome);
        if (outcome.type === 'planned' && files.length === 0 && outcome.plan.sites.length > 0) sliceStart = -Infinity; // show the first site now
      }
      ahead?.release(batch);
      finish(outcomes);
      if (performance.now() - sliceStart > SLICE_MS) {
        tightenHeapGrowthWhenLarge(fileCount);
        const hold = held?.() ?? null;
        await (hold ?? new Promise((r) => setImmediate(r)));
        if (hold) wasHeld = true;
        sliceStart = performance.now();
        // A scan held while Ink loads starts the read-ahead once it was held: started sooner, its
        // start-up (an isolate, its modules) delayed the review's first site and its screen by
        // about 100 ms, competing with the grammar's compilation and Ink's loading.
        if (wantAhead && !aheadTried && queue.length > 0 && wasHeld) ahead = startAhead();
      }
    }
  } finally {
    signal?.removeEventListener('abort', abort);
    await Promise.all([pool?.close(), ahead?.close()]);
  }
  if (failure) throw failure;
  const byPath = (a: { path: string }, b: { path: string }) => comparePaths(a.path, b.path);
  const seenLinks = new Set<string>();
  // Where each file read as itself is (a file that is no link is read at `resolve(root, rel)`): worked
  // out here, and only when there are links, not kept for every file as the scan went (13 MB over
  // 112,000 files). A scan stopped early counts every listed file as read.
  const direct = linked.length === 0 ? new Set<string>() : directFiles(root, discovered.files, linked, context);
  for (const outcome of linked.sort((a, b) => comparePaths(a.rel, b.rel))) {
    if (outcome.abs && (direct.has(outcome.abs) || seenLinks.has(outcome.abs))) continue;
    if (outcome.abs) seenLinks.add(outcome.abs);
    count(outcome);
  }
  progress();
  /** Each plan replaced in place (its old copy garbage at once, not once every plan has its new one). */
  const replaceEach = (f: (plan: FilePlan) => FilePlan) => {
    for (let i = 0; i < files.length; i++) files[i] = letGo(f(files[i] as FilePlan));
  };
  // Kinds settled against every file of the project (a class may be defined in a file scanned later).
  replaceEach(settle);
  files = files.filter((plan) => !gone.has(plan.path));
  for (const [path, reason] of gone) skipped.push({ path, reason });
  const layout = diskLayout(root);
  const helper = options.preamble === 'module' ? sharedHelper(root, layout, files, { ...options, mapper: chooser.mapper }, [...discovered.files, ...discovered.context]) : null;
  if (helper) replaceEach((plan) => withHelper(plan, helper, layout, parser, { ...options, mapper: chooser.mapper }));
  files.sort(byPath);
  skipped.sort(byPath);
  return {
    root,
    files,
    ...(helper ? { helper } : {}),
    skipped,
    mapper: chooser.choice(),
    stats: {
      filesScanned,
      candidates,
      sites,
      proposed: files.reduce((n, f) => n + f.sites.filter((s) => s.proposed).length, 0),
      ms: Math.round(performance.now() - started),
    },
  };
}

/** A plan that imports the shared helper, with the import its place calls for (`from mypkg.keymapper import KeyMapper`). */
function withHelper(plan: FilePlan, helper: SharedHelper, layout: Layout, parser: Parser, options: ScanOptions): FilePlan {
  if (plan.preamble === null) return plan;
  const text = planText(plan); // (read again, once, when the plan let go of it)
  const helperImport = helperImportFor(layout, plan.path, text, helper);
  const placed = helperImport.module === 'keymapper' && helperImport.warning === null ? plan : withHelperImport(parser, plan, helperImport, options, text);
  return { ...placed, helper };
}
