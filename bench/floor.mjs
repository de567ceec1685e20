// `npm run bench:floor`: how long the least of a plan takes, beside rg on the same tree in the same
// rounds, for the generated tree and .venv's site-packages (the inputs of `npm run bench`). The least
// of a plan, as this design makes one: Node's start, the files listed (discovery), every file read
// as the scan reads it (open, read, UTF-8 check, classes, the flax.nnx import, the load_state_dict
// prefilter: read-file.ts), each Python candidate lexed and focused (prepare.ts), the grammar
// compiled and the focused ranges parsed, long comment runs blanked as the plan blanks them (the
// parse a plan needs at the least). Left out: the planning itself (calls, evidence, rewrites,
// names, preamble, settling, JSON), notebooks, files read only for their classes, the candidates'
// sha256. Each round runs the floor in a fresh process, then rg. "two threads" is an optimistic
// floor: reading and lexing in one thread, the modules, the grammar and the parse in another,
// overlapping perfectly (the reading thread's own modules and any wait for the listing are not
// counted): Node's start + listing + the longer of the two. Appends a line per input to
// bench/floor-results.md (a file of its own: `npm run bench` appends to the end of results.md).
// BENCH_RUNS (default 5) rounds; BENCH_SEED (default 1) as `npm run bench`.
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const DIST = join(ROOT, 'dist', 'core');

if (process.argv[2] === '--child') {
  // one cold process: the phases in turn, in ms
  const boot = performance.now();
  const dir = process.argv[3];
  const { resolveTarget, discoverTarget } = await import(join(DIST, 'target.js'));
  const { fileReader } = await import(join(DIST, 'read-file.js'));
  const { prepare } = await import(join(DIST, 'prepare.js'));
  const { bindingNames } = await import(join(DIST, 'plan.js'));
  const { DEFAULT_SCAN_OPTIONS } = await import(join(DIST, 'scan.js'));
  const { LineIndex, decode } = await import(join(DIST, 'text.js'));
  const { getParser, parseWith } = await import(join(DIST, 'parser.js'));
  const { maskCommentRuns } = await import(join(DIST, 'comment-runs.js'));
  const loaded = performance.now();
  const target = await resolveTarget({ paths: [dir], root: null });
  const discovered = await discoverTarget(target);
  const listed = performance.now();
  const options = { ...DEFAULT_SCAN_OPTIONS, mapperAuto: true };
  const read = fileReader(target.root, options);
  const texts = [];
  for (const rel of discovered.files) {
    const outcome = read(rel);
    if (outcome.type === 'candidate' && !outcome.notebook) texts.push(decode(outcome.bytes).text);
  }
  const readDone = performance.now();
  const names = bindingNames(options);
  const work = texts.map((text) => [text, prepare(text, text, names).focus?.ranges(new LineIndex(text)) ?? undefined]);
  const lexed = performance.now();
  const parser = await getParser();
  const compiled = performance.now();
  let chars = 0;
  for (const [text, ranges] of work) {
    parseWith(parser, maskCommentRuns(text), ranges).delete();
    chars += ranges ? ranges.reduce((n, r) => n + r.endIndex - r.startIndex, 0) : text.length;
  }
  const parsed = performance.now();
  const ms = (x) => Math.round(x);
  process.stdout.write(JSON.stringify({
    boot: ms(boot), modules: ms(loaded - boot), list: ms(listed - loaded), read: ms(readDone - listed), lex: ms(lexed - readDone),
    grammar: ms(compiled - lexed), parse: ms(parsed - compiled), candidates: texts.length, parsedChars: (chars / 1e6).toFixed(2),
  }));
  process.exit(0);
}

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function sitePackages() {
  const lib = join(ROOT, '.venv', 'lib');
  if (!existsSync(lib)) return null;
  const python = readdirSync(lib).find((d) => d.startsWith('python') && existsSync(join(lib, d, 'site-packages')));
  return python ? realpathSync(join(lib, python, 'site-packages')) : null;
}
const generated = join(tmpdir(), `switcheroo-bench-projects-v2-seed${process.env.BENCH_SEED ?? 1}`);
const inputs = [
  { name: 'generated', dir: existsSync(join(generated, '.complete')) ? generated : null },
  { name: 'site-packages', dir: sitePackages() },
].filter((input) => input.dir);
if (!existsSync(join(generated, '.complete'))) console.error(`bench:floor: no generated tree at ${generated}: \`npm run bench\` makes it`);
if (!sitePackages()) console.error('bench:floor: no .venv for site-packages: .ci/setup-python.sh makes it');
if (spawnSync('rg', ['--version']).status !== 0) throw new Error('bench:floor needs rg (Debian: ripgrep)');

const rows = [];
for (const input of inputs) {
  const floors = [];
  const rgs = [];
  for (let i = 0; i <= RUNS; i++) {
    const run = spawnSync(process.execPath, [import.meta.filename, '--child', input.dir], { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (run.status !== 0) throw new Error(`floor on ${input.dir} failed: ${run.stderr.slice(-2000)}`);
    // (timed as `npm run bench` times it: GNU time's wall clock)
    const rg = spawnSync('/usr/bin/time', ['-f', '%e', 'rg', '-c', '-F', 'load_state_dict', '-g', '*.py', input.dir], { encoding: 'utf8', maxBuffer: 1 << 24 });
    // (the first round warms the file cache and is not counted)
    if (i === 0) continue;
    floors.push(JSON.parse(run.stdout));
    rgs.push(Number(rg.stderr.trim().split('\n').pop()) * 1000);
  }
  const mid = (key) => median(floors.map((f) => f[key]));
  const one = (f) => f.boot + f.modules + f.list + f.read + f.lex + f.grammar + f.parse;
  const two = (f) => f.boot + f.list + Math.max(f.read + f.lex, f.modules + f.grammar + f.parse);
  const rg = median(rgs);
  rows.push({
    input: input.name,
    candidates: floors[0].candidates,
    'parsed M chars': floors[0].parsedChars,
    'node start': mid('boot'),
    modules: mid('modules'),
    list: mid('list'),
    read: mid('read'),
    'lex+focus': mid('lex'),
    grammar: mid('grammar'),
    parse: mid('parse'),
    'floor, one thread': Math.round(median(floors.map(one))),
    'floor, two threads': Math.round(median(floors.map(two))),
    'rg ms': Math.round(rg),
    'two threads / rg': `${median(floors.map((f, i) => two(f) / rgs[i])).toFixed(1)}x`,
    '12x rg': Math.round(12 * rg),
  });
}
console.table(rows);

const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim() || 'unknown';
const machine = `${cpus().length}x ${cpus()[0]?.model.split(' ').slice(0, 2).join(' ') ?? 'cpu'}, node ${process.version}, load ${loadavg()[0].toFixed(1)}, ${RUNS} rounds`;
const results = join(ROOT, 'bench', 'floor-results.md');
const HEADER = '## The floor beside rg (issue 17)';
if (!existsSync(results) || !readFileSync(results, 'utf8').includes(HEADER)) {
  appendFileSync(results, `\n${HEADER}\n\nOne line per input per \`npm run bench:floor\` (bench/floor.mjs): the least of a plan as this design makes one (Node's start, its modules, listing, reading every file as the scan does, lexing and focusing the candidates, compiling the grammar, parsing the focused ranges; no planning), each phase a median of ${RUNS} fresh processes in ms, beside rg in the same rounds. "two threads" (optimistic): Node's start + listing + the longer of (read + lex) and (modules + grammar + parse).\n\n| date | commit | machine | ${Object.keys(rows[0] ?? {}).join(' | ')} |\n|${'---|'.repeat(Object.keys(rows[0] ?? {}).length + 3)}\n`);
}
const date = new Date().toISOString().slice(0, 16);
for (const row of rows) appendFileSync(results, `| ${date} | ${commit} | ${machine} | ${Object.values(row).join(' | ')} |\n`);
console.log(`appended to ${results}`);
