// `npm run bench`: the complete plan (`--json`) beside ripgrep and ast-grep on the same trees in the
// same run, peak memory, and the review's start-up in a pseudo-terminal; prints a table and appends
// a line per input to bench/results.md. Inputs:
//   generated     a seeded project-shaped tree (bench/generate.mjs: ~84 MB, 475 files with sites)
//   generated x4  four copies of it (hard links), for memory and time as the project grows (no
//                 ast-grep: about 2 minutes a run)
//   site-packages the Python files installed in .venv (torch, jax, flax, numpy...), if there is one
// Targets (issue 17): plan <= 0.25x ast-grep's wall time and <= 12x rg's; peak < 300 MB at any
// size; first site < 500 ms, keypress < 50 ms, review on screen < 1,000 ms.
// BENCH_RUNS (default 5) rounds per input; BENCH_ONLY=generated,x4,site-packages picks inputs. Each round
// runs the plan, the base's (if any), rg and ast-grep one after the other, and the ratios are the
// medians of each round's own ratio: this VM's speed drifts by 20% from minute to minute, and tools
// timed minutes apart gave ratios that moved as much.
// BENCH_BASE=<a built checkout, e.g. of main> times its plan too, in the same run, beside this one's.
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate, generateSites } from './generate.mjs';
import { timeNodeFloor, timeReview } from './pty.mjs';

const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist', 'bin.cjs'); // the installed bin
const AST_GREP = join(ROOT, 'node_modules', '.bin', 'ast-grep');
const SEED = Number(process.env.BENCH_SEED ?? 1);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const ONLY = process.env.BENCH_ONLY?.split(',');
const BASE = process.env.BENCH_BASE ? join(process.env.BENCH_BASE, 'dist', 'bin.cjs') : null;
/** The base's commit when it is a git checkout, else its folder's name. */
const baseName = process.env.BENCH_BASE
  ? spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: process.env.BENCH_BASE, encoding: 'utf8' }).stdout?.trim() || process.env.BENCH_BASE_NAME || process.env.BENCH_BASE
  : null;

/** A tree made once per seed and generator version (the name changes when the generator does). */
function tree(name, make) {
  const dir = join(tmpdir(), `switcheroo-bench-${name}-seed${SEED}`);
  if (!existsSync(join(dir, '.complete'))) {
    execFileSync('rm', ['-rf', dir]);
    make(dir);
    writeFileSync(join(dir, '.complete'), '');
  }
  return dir;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Wall ms, CPU ms (user + system) and peak RSS (MB) of one command, from GNU time. */
function timed(cmd, args, okStatus = [0]) {
  const run = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (!okStatus.includes(run.status)) throw new Error(`${cmd} ${args.join(' ')} failed: ${run.stderr.slice(-2000)}`);
  const [secs, user, sys, kb] = run.stderr.trim().split('\n').pop().split(' ').map(Number);
  return { ms: Math.round(secs * 1000), cpu: Math.round((user + sys) * 1000), mb: Math.round(kb / 1024), stdout: run.stdout };
}
const available = (cmd, args) => spawnSync(cmd, args).status === 0;

function sitePackages() {
  const lib = join(ROOT, '.venv', 'lib');
  if (!existsSync(lib)) return null;
  const python = readdirSync(lib).find((d) => d.startsWith('python') && existsSync(join(lib, d, 'site-packages')));
  return python ? realpathSync(join(lib, python, 'site-packages')) : null;
}

const generated = tree('projects-v2', (d) => generate(d, SEED));
const inputs = [
  { name: 'generated', dir: generated, review: true },
  { name: 'generated x4', key: 'x4', astGrep: false, dir: tree('projects-v2-x4', (d) => { mkdirSync(d); for (let k = 1; k <= 4; k++) execFileSync('cp', ['-al', generated, join(d, `copy${k}`)]); }) },
  { name: 'site-packages', dir: sitePackages() },
].filter((input) => input.dir && (!ONLY || ONLY.includes(input.key ?? input.name)));
const keys = tree('keys', (d) => generateSites(d, SEED, 1000));
const hasRg = available('rg', ['--version']);
const hasAstGrep = existsSync(AST_GREP) && available(AST_GREP, ['--version']);
const hasScript = available('script', ['--version']);
const load = loadavg()[0].toFixed(1);

const rows = [];
for (const input of inputs) {
  timed('node', [CLI, '--json', input.dir]); // warms the file cache
  // in rounds: this build, the base's, rg and ast-grep in turns, so that each round's tools see the same load
  const plans = [];
  const basePlans = [];
  const rgs = [];
  const sgs = [];
  const withAstGrep = hasAstGrep && input.astGrep !== false;
  for (let i = 0; i < RUNS; i++) {
    plans.push(timed('node', [CLI, '--json', input.dir]));
    if (BASE) basePlans.push(timed('node', [BASE, '--json', input.dir]));
    if (hasRg) rgs.push(timed('rg', ['-c', '-F', 'load_state_dict', '-g', '*.py', input.dir], [0, 1]).ms);
    if (withAstGrep) sgs.push(timed(AST_GREP, ['run', '-l', 'python', '-p', '$R.load_state_dict($$$A)', input.dir], [0, 1]).ms);
  }
  const stats = JSON.parse(plans[0].stdout).stats;
  const wall = median(plans.map((p) => p.ms));
  const rg = hasRg ? median(rgs) : null;
  const sg = withAstGrep ? median(sgs) : null;
  /** The median of each round's ratio of `runs` to the tool's run in that round. */
  const ratio = (runs, tool, digits) => `${median(runs.map((p, i) => p.ms / Math.max(tool[i], 1))).toFixed(digits)}x`;
  const reviews = [];
  const floors = [];
  const keyRuns = [];
  if (input.review && hasScript) {
    for (let i = 0; i < RUNS; i++) reviews.push(await timeReview(CLI, input.dir));
    for (let i = 0; i < RUNS; i++) floors.push(await timeNodeFloor());
    for (let i = 0; i < RUNS; i++) keyRuns.push(await timeReview(CLI, keys));
  }
  const review = (f) => (reviews.length > 0 ? Math.round(median(reviews.map(f))) : '-');
  const mb = execFileSync('find', [input.dir, '-name', '*.py', '-type', 'f', '-printf', '%s\n'], { encoding: 'utf8', maxBuffer: 1 << 28 }).split('\n').reduce((n, s) => n + Number(s || 0), 0) / 1e6;
  rows.push({
    input: input.name,
    files: stats.filesScanned,
    'MB of .py': mb.toFixed(0),
    candidates: stats.candidates,
    sites: stats.sites,
    'plan ms': wall,
    'plan CPU ms (min)': Math.min(...plans.map((p) => p.cpu)),
    'peak MB': Math.max(...plans.map((p) => p.mb)),
    'rg ms': rg ?? 'n/a',
    'plan / rg': rg ? ratio(plans, rgs, 1) : 'rg not installed',
    'ast-grep ms': sg ?? 'n/a',
    'plan / ast-grep': sg ? ratio(plans, sgs, 2) : hasAstGrep ? 'not run' : 'ast-grep not installed',
    'first site ms': review((r) => r.firstSite),
    'review on screen ms': review((r) => r.review),
    'review scan done ms': review((r) => r.scanned),
    'keypress ms (1,000 sites)': keyRuns.length > 0 ? Math.round(median(keyRuns.map((r) => r.keypress))) : '-',
    'spinner ms': review((r) => r.spinner),
    'node floor ms': floors.length > 0 ? Math.round(median(floors)) : '-',
  });
  if (BASE) {
    // the base's plan on the same input, its runs taken in turns with this build's
    const baseWall = median(basePlans.map((p) => p.ms));
    const base = { ...rows[rows.length - 1], input: `${input.name} (base: ${baseName})` };
    const baseStats = JSON.parse(basePlans[0].stdout).stats;
    Object.assign(base, { candidates: baseStats.candidates, sites: baseStats.sites, 'plan ms': baseWall, 'plan CPU ms (min)': Math.min(...basePlans.map((p) => p.cpu)), 'peak MB': Math.max(...basePlans.map((p) => p.mb)) });
    base['plan / rg'] = rg ? ratio(basePlans, rgs, 1) : base['plan / rg'];
    base['plan / ast-grep'] = sg ? ratio(basePlans, sgs, 2) : base['plan / ast-grep'];
    for (const key of ['first site ms', 'review on screen ms', 'review scan done ms', 'keypress ms (1,000 sites)', 'spinner ms', 'node floor ms']) base[key] = '-';
    rows.push(base);
  }
}
console.table(rows);

const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim() || 'unknown';
const dirty = spawnSync('git', ['status', '--porcelain', '--', 'src', 'bench'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim() ? '+' : '';
const machine = `${cpus().length}x ${cpus()[0]?.model.split(' ').slice(0, 2).join(' ') ?? 'cpu'}, node ${process.version}, load ${load}, ${RUNS} rounds`;
const results = join(ROOT, 'bench', 'results.md');
const HEADER = '## Per input (issue 17)';
if (!readFileSync(results, 'utf8').includes(HEADER)) {
  appendFileSync(results, `\n${HEADER}\n\nFrom issue 17 on, one line per input per \`npm run bench\`: the project-shaped generated tree (seed ${SEED}), four copies of it, and .venv's site-packages; ripgrep (\`rg -c -F load_state_dict -g '*.py'\`) and ast-grep (\`ast-grep run -p '$R.load_state_dict($$$A)'\`, all cores) on the same tree in the same run, medians of ${RUNS}. "load" is the 1-minute load average when the run started (2 vCPUs: above 2, other processes share the cores and wall times stretch). Targets: plan <= 0.25x ast-grep and <= 12x rg, peak < 300 MB, first site < 500 ms, keypress < 50 ms, review on screen < 1,000 ms.\n\n| date | commit | machine | ${Object.keys(rows[0] ?? {}).join(' | ')} |\n|${'---|'.repeat(Object.keys(rows[0] ?? {}).length + 3)}\n`);
}
const date = new Date().toISOString().slice(0, 16);
for (const row of rows) appendFileSync(results, `| ${date} | ${commit}${dirty} | ${machine} | ${Object.values(row).join(' | ')} |\n`);
console.log(`appended to ${results}`);
