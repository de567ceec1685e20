/** Picks the mode, runs the engine, prints, and returns the exit code. The only caller of the core from the CLI. */
import { readFileSync } from 'node:fs';
import { isAbsolute, relative, sep } from 'node:path';
import type { Decisions, ScanEvent, ScanOptions, ScanResult, WriteResult } from '../core/types.js';
import { ArgsError, HELP, parseCli } from './args.js';
import { colorEnabled, painter, shown, type Paint } from './color.js';
import { fitPieces, visiblePieces } from '../core/visible.js';
import { count } from '../core/count.js';
import { siteWhere } from '../core/where.js';
import { UsageError } from '../core/errors.js';
import type { RootLock } from '../core/lock.js';
import type { ScanRequest } from '../core/target.js';

// Everything else loads on demand, so that the review's first line is on screen before the engine
// (web-tree-sitter) and Ink have loaded.

export interface Io {
  argv: string[];
  env: NodeJS.ProcessEnv;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
  /** Set by the signal handler: stop before the next file. */
  interrupted: () => boolean;
  /** Runs work during which a signal is only noted (the work checks `interrupted` at safe points). */
  guard: <T>(work: () => Promise<T>) => Promise<T>;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/**
 * The line shown while Ink loads: live counts and the first site found (its control characters shown
 * escaped), redrawn at most every 40 ms, cut to fit the terminal's width so that `\r` can redraw it.
 */
function placeholder(out: NodeJS.WriteStream, paint: Paint): (event: ScanEvent) => void {
  let files = 0;
  let sites = 0;
  let first = '';
  let drawn = 0;
  const draw = () => {
    const text = `scanning · ${count(files, 'file')} read · ${count(sites, 'site')}${first ? ` · first: ${first}` : ''}`;
    const fitted = fitPieces(visiblePieces(text), Math.max(10, (out.columns ?? 80) - 3));
    out.write(`\r\u001b[2K${paint('cyan', '⠋')} ${fitted.map((p) => (p.mark ? paint('mark', p.text) : p.text)).join('')}`);
    drawn = performance.now();
  };
  draw();
  return (event) => {
    if (event.type === 'progress') ({ filesScanned: files, sites } = event);
    if (event.type === 'file' && !first && event.plan.sites[0]) {
      const site = event.plan.sites[0];
      first = `${site.cell === undefined ? `${site.path}:${site.line}` : siteWhere(site)} ${site.original.split(/\r?\n/)[0]}`;
      drawn = 0;
    }
    if (performance.now() - drawn > 40) draw();
  };
}

/**
 * The environment Ink and React read once, at import: Ink renders only the last frame when CI or
 * CONTINUOUS_INTEGRATION is set, and React runs its development build (several times slower to
 * render) unless NODE_ENV is `production`. The review runs only on a real terminal, where every
 * frame is needed: hide the CI flags and ask for production while Ink loads, then put them back.
 */
async function withInkEnv<T>(env: NodeJS.ProcessEnv, load: () => Promise<T>): Promise<T> {
  const saved = { CI: env.CI, CONTINUOUS_INTEGRATION: env.CONTINUOUS_INTEGRATION, NODE_ENV: env.NODE_ENV };
  delete env.CI;
  delete env.CONTINUOUS_INTEGRATION;
  env.NODE_ENV ??= 'production';
  try {
    return await load();
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete env[key];
      else env[key] = value;
    }
  }
}

/** The built review as one file (src/build/bundle-ui.mjs: Ink as separate modules took 0.5 to 0.9 s to load); its modules where there is none (from sources). */
const REVIEW_BUNDLE = '../ui/review-bundle.js';
async function loadReview(): Promise<typeof import('../ui/run-review.js')> {
  try {
    return (await import(REVIEW_BUNDLE)) as typeof import('../ui/run-review.js');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND' || !String((error as Error).message).includes('review-bundle')) throw error;
    return import('../ui/run-review.js');
  }
}

/** Resolves when `stream` can take more (drain), or will take nothing more (an error, closed). */
function writable(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      for (const event of ['drain', 'error', 'close']) stream.off(event, done);
      resolve();
    };
    for (const event of ['drain', 'error', 'close']) stream.on(event, done);
  });
}

export async function run(io: Io): Promise<number> {
  // Error messages can quote a path from the project: shown, never emitted raw.
  let errPaint = painter(colorEnabled(null, Boolean(io.stderr.isTTY), io.env));
  const err = (line: string) => io.stderr.write(`switcheroo-migrate: ${shown(line, errPaint)}\n`);
  let cli;
  try {
    cli = parseCli(io.argv);
  } catch (error) {
    if (!(error instanceof ArgsError)) throw error;
    err(`${error.message} (see --help)`);
    return 2;
  }
  errPaint = painter(colorEnabled(cli.color, Boolean(io.stderr.isTTY), io.env));
  if (cli.help) { io.stdout.write(HELP); return 0; }
  if (cli.version) { io.stdout.write(`${version()}\n`); return 0; }
  if (cli.jsonSchema) {
    const { PLAN_SCHEMA } = await import('./plan-schema.js');
    io.stdout.write(`${JSON.stringify(PLAN_SCHEMA, null, 2)}\n`);
    return 0;
  }
  const request: ScanRequest = { paths: cli.paths, root: cli.root };

  let mode = cli.mode;
  // Said once the path is known to be good, so that a usage error stays the only line on stderr.
  let fallback = '';
  if (mode === 'review' && !(io.stdout.isTTY && io.stdin.isTTY)) {
    fallback = 'no terminal: showing the proposed changes as --dry-run would; pass --yes to write them';
    mode = 'dry-run';
  }
  const options: ScanOptions = {
    include: cli.include,
    targetName: cli.targetName,
    mapper: cli.mapper,
    mapperAuto: cli.mapperAuto,
    maxFileSize: cli.maxFileSize,
    preamble: cli.preamble,
    helperPath: cli.helperPath,
    // --json and --check print no diff and write nothing: each plan lets go of its file's text
    keepText: mode !== 'json' && mode !== 'check',
    // only the review shows plans as they are found; the others print once every file is indexed
    settleEach: mode === 'review',
  };
  const paint = painter(colorEnabled(cli.color, Boolean(io.stdout.isTTY), io.env));
  if (mode === 'undo') {
    try {
      const { runUndo } = await import('./undo.js');
      return await runUndo(cli.paths[0] ?? '.', cli.list, io.env, (line) => io.stdout.write(`${line}\n`), err, paint);
    } catch (error) {
      if (error instanceof UsageError) { err(error.message); return 2; }
      throw error;
    }
  }
  if (mode === 'review') {
    // The scan starts now and a plain placeholder shows at once; Ink (loaded only in this mode, so the
    // other modes start without it) takes some hundreds of milliseconds to load, then takes over.
    const draw = placeholder(io.stdout, paint);
    let previewing = true; // until Ink draws: the review attaches to the scan only once it has mounted
    const { startScan } = await import('./early-scan.js');
    const early = startScan(request, options, (event) => previewing && draw(event));
    // Loading Ink keeps this thread busy for a few hundred ms: let the scan find its first site
    // first, then hold it while Ink loads.
    await early.firstFile(400);
    let runReview;
    try {
      ({ runReview } = await early.hold(withInkEnv(io.env, loadReview)));
    } catch (error) {
      early.cancel();
      throw error;
    } finally {
      previewing = false;
      io.stdout.write('\r\u001b[2K');
    }
    // Ink's first frame starts from every event the placeholder saw (and any since): it never shows less.
    const seen = early.drain();
    return io.guard(() => runReview({ root: request, scanOptions: options, stdin: io.stdin, stdout: io.stdout, env: io.env, color: cli.color, scan: early.scan, seen }));
  }
  const progress = io.stderr.isTTY && mode !== 'json';
  const onEvent = (e: ScanEvent) => {
    if (progress && e.type === 'progress') io.stderr.write(`\r\u001b[Kscanning: ${count(e.filesScanned, 'file')} read · ${count(e.sites, 'site')} found`);
  };
  const started = performance.now();
  const { scanProject } = await import('../core/scan.js');
  const { acceptProposed } = await import('../core/plan.js');
  const { acceptedWarnings, checkText, dryRunText, jsonChunks, letGo, mapperLine, summaryLine, writeResultLine } = await import('./report.js');
  let lock: RootLock | null = null;
  let result;
  try {
    // --yes holds the root from before its scan to its last write: a second run waits, then scans what this one left.
    if (mode === 'yes') {
      const { lockForWriting } = await import('./root-lock.js');
      const { resolveTarget } = await import('../core/target.js');
      lock = await lockForWriting((await resolveTarget(request)).root, io.env, err);
    }
    result = await scanProject(request, options, onEvent);
  } catch (error) {
    await lock?.release();
    if (progress) io.stderr.write('\r\u001b[K');
    if (error instanceof UsageError) { err(error.message); return 2; }
    if (['LockedError', 'LockFailed'].includes((error as Error).name)) { err((error as Error).message); return 1; }
    throw error;
  }
  if (progress) io.stderr.write('\r\u001b[K');
  if (fallback) err(fallback);

  const decisions = acceptProposed(result.files);
  const summary = (writes: Parameters<typeof summaryLine>[1], warnings = 0) =>
    io.stderr.write(`${summaryLine(result, writes, Math.round(performance.now() - started), warnings)}\n`);

  switch (mode) {
    case 'json':
      // a piece at a time, waiting whenever the pipe is full, so that the document is never whole in memory
      // (and stopping when the reader has gone)
      for (const chunk of jsonChunks(result, letGo(result.files))) {
        if (io.stdout.destroyed) break;
        if (io.stdout.write(chunk) === false) await writable(io.stdout);
      }
      return 0;
    case 'check':
      if (cli.format === 'github') {
        const { githubText } = await import('./annotations.js');
        io.stdout.write(githubText(result, await repoPrefix(result.root)));
      } else {
        io.stdout.write(checkText(result, paint));
      }
      summary(null);
      return result.stats.proposed > 0 ? 1 : 0;
    case 'dry-run':
      io.stdout.write(dryRunText(result, decisions, paint, !io.stdout.isTTY));
      io.stderr.write(`${shown(mapperLine(result), errPaint)}\n`);
      summary(null, result.files.reduce((n, plan) => n + acceptedWarnings(plan, decisions, paint).warnings, 0));
      return 0;
    default: {
      // each written file's line, then its changes' warnings (stderr, as --dry-run shows them)
      let warned = 0;
      const report = (r: WriteResult) => {
        io.stdout.write(`${writeResultLine(r, paint)}\n`);
        const plan = r.status === 'written' ? result.files.find((f) => f.path === r.path) : undefined;
        const notes = plan ? acceptedWarnings(plan, decisions, errPaint) : { lines: [], warnings: 0 };
        for (const note of notes.lines) io.stderr.write(`${note}\n`);
        warned += notes.warnings;
      };
      let writes: WriteResult[];
      try {
        writes = await writeAccepted(result, decisions, cli.allowDirty, io, report);
      } finally {
        await lock?.release();
      }
      io.stderr.write(`${shown(mapperLine(result), errPaint)}\n`);
      summary(writes, warned);
      if (io.interrupted()) return 130;
      return writes.every((w) => w.status === 'written') ? 0 : 1;
    }
  }
}

/**
 * How annotation paths begin: the root's place in its git repository (`src/` for the repository's
 * `src` folder), as Actions reads paths from the repository's root; outside git, from the current
 * directory (the root's absolute path when it lies elsewhere).
 */
async function repoPrefix(root: string): Promise<string> {
  const { repoRootOf } = await import('../core/git.js');
  const rel = relative((await repoRootOf(root)) ?? process.cwd(), root);
  const base = rel.startsWith('..') || isAbsolute(rel) ? root : rel;
  return base === '' ? '' : `${base.split(sep).join('/')}/`;
}

/** `--yes`: writes every accepted file, except (without --allow-dirty) those with uncommitted work, which git could not give back. */
async function writeAccepted(result: ScanResult, decisions: Decisions, allowDirty: boolean, io: Io, report: (r: WriteResult) => void): Promise<WriteResult[]> {
  const changing = result.files.filter((f) => f.sites.some((s) => decisions.has(s.id))).map((f) => f.path);
  const { gitModified } = await import('../core/git.js');
  const { applyPlans } = await import('../core/apply.js');
  const dirty = allowDirty ? new Set<string>() : await gitModified(result.root, changing);
  const refused: WriteResult[] = [...dirty].sort().map((path) => ({
    path,
    status: 'refused',
    reason: 'git reports uncommitted changes to this file; commit or stash them, or pass --allow-dirty',
  }));
  refused.forEach(report);
  const clean = result.files.filter((f) => !dirty.has(f.path));
  return [...refused, ...(await io.guard(() => applyPlans(clean, decisions, { root: result.root, stopped: io.interrupted, journalEnv: io.env }, report)))];
}
