// `npm run bench`: issue 6's targets on a generated monorepo-sized tree; prints a table and appends
// a line to bench/results.md. Targets: plan < 2,000 ms, first site < 500 ms, spinner < 150 ms,
// keypress redraw < 50 ms with 1,000 sites, peak < 300 MB.
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SHAPE, generate, generateSites } from './generate.mjs';
import { timeNodeFloor, timeReview } from './pty.mjs';

const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist', 'bin.cjs'); // the installed bin
const SEED = Number(process.env.BENCH_SEED ?? 1);
const RUNS = 3;

function tree(name, make) {
  const dir = join(tmpdir(), `switcheroo-bench-${name}-seed${SEED}`);
  if (!existsSync(join(dir, '.complete'))) {
    make(dir);
    writeFileSync(join(dir, '.complete'), '');
  }
  return dir;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Wall ms and peak RSS (MB) of one command, from GNU time. */
function timed(cmd, args) {
  const run = spawnSync('/usr/bin/time', ['-f', '%e %M', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (run.status !== 0 && cmd !== 'rg') throw new Error(`${cmd} ${args.join(' ')} failed: ${run.stderr}`);
  const [secs, kb] = run.stderr.trim().split('\n').pop().split(' ').map(Number);
  return { ms: Math.round(secs * 1000), mb: Math.round(kb / 1024), stdout: run.stdout };
}

const big = tree('monorepo', (d) => generate(d, SEED));
const keys = tree('keys', (d) => generateSites(d, SEED, 1000));
timed('node', [CLI, '--json', big]); // warm the file cache
const plans = Array.from({ length: RUNS }, () => timed('node', [CLI, '--json', big]));
const plan = JSON.parse(plans[0].stdout);
const wall = median(plans.map((p) => p.ms));
const peak = Math.max(...plans.map((p) => p.mb));
const hasScript = spawnSync('script', ['--version']).status === 0;
const reviews = [];
if (hasScript) for (let i = 0; i < RUNS; i++) reviews.push(await timeReview(CLI, big));
const floors = [];
if (hasScript) for (let i = 0; i < RUNS; i++) floors.push(await timeNodeFloor());
const keyRuns = [];
if (hasScript) for (let i = 0; i < RUNS; i++) keyRuns.push(await timeReview(CLI, keys));
const hasRg = spawnSync('rg', ['--version']).status === 0;
const rg = hasRg ? median(Array.from({ length: RUNS }, () => timed('rg', ['-l', 'load_state_dict', big]).ms)) : null;

const mb = (Number(execFileSync('du', ['-sb', big], { encoding: 'utf8' }).split('\t')[0]) / 1e6);
const row = {
  files: plan.stats.filesScanned,
  MB: mb.toFixed(1),
  candidates: plan.stats.candidates,
  sites: plan.stats.sites,
  'plan wall ms': wall,
  'spinner ms': hasScript ? Math.round(median(reviews.map((r) => r.spinner))) : 'n/a',
  'first site ms': hasScript ? Math.round(median(reviews.map((r) => r.firstSite))) : 'n/a',
  'node start floor ms': hasScript ? Math.round(median(floors)) : 'n/a',
  'keypress ms (1,000 sites)': hasScript ? Math.round(median(keyRuns.map((r) => r.keypress))) : 'n/a',
  'peak MB': peak,
  'plan / rg -l': rg ? `${(wall / Math.max(rg, 1)).toFixed(1)}x (rg ${rg} ms)` : 'rg not installed',
  'review ready ms': hasScript ? Math.round(median(reviews.map((r) => r.review))) : 'n/a',
  'review scanned ms': hasScript ? Math.round(median(reviews.map((r) => r.scanned))) : 'n/a',
};
console.table([row]);
const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim() || 'unknown';
const machine = `${cpus().length}x ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}`;
const results = join(ROOT, 'bench', 'results.md');
if (!existsSync(results)) {
  mkdirSync(join(ROOT, 'bench'), { recursive: true });
  writeFileSync(results, `# Benchmark results\n\nOne line per \`npm run bench\` (tree: ${SHAPE.files} files, seed ${SEED}). Targets: plan < 2,000 ms, spinner < 150 ms, first site < 500 ms, keypress < 50 ms, peak < 300 MB.\n\n| date | commit | machine | ${Object.keys(row).join(' | ')} |\n|${'---|'.repeat(Object.keys(row).length + 3)}\n`);
}
appendFileSync(results, `| ${new Date().toISOString().slice(0, 16)} | ${commit} | ${machine} | ${Object.values(row).join(' | ')} |\n`);
console.log(`appended to ${results}`);
