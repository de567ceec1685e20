// `npm run bench:keys`: how long the review takes to answer each key with 1,000 sites (target < 50 ms).
// Two measures on a diffusers-shaped project of 1,000 sites in 400 files (reviewProject):
//  - in process: the reducer's step plus what the screen is made of (the list's rows, the header's
//    filter line, the selected change's diff, the summary), per key: what a keypress costs before Ink
//    draws (the app memoizes the diff and the summary; here they are always made, an upper bound);
//  - the built bin in a pseudo-terminal (util-linux `script`), `--include non-module`: ms from writing
//    the key to the first byte of the redraw, per key, median of 3 runs.
// `node bench/keys.mjs [bin] [--keys j,A,u]` measures another build (an older one has fewer keys).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { generateReviewProject } from './generate.mjs';

const ROOT = join(import.meta.dirname, '..');
const args = process.argv.slice(2);
const keysArg = args.indexOf('--keys');
const BIN = resolve(args.find((a, i) => !a.startsWith('--') && i !== keysArg + 1) ?? join(ROOT, 'dist', 'bin.cjs'));
const SITES = 1000;
const RUNS = 3;

/** The keys pressed in turn, with what each is for. */
const ALL_KEYS = [
  ['j', 'move'],
  ['/', 'open the search'],
  ['u', 'type in the search'],
  ['\r', 'go to the match (/u⏎)'],
  ['\t', 'next match'],
  ['m', 'filter: matches'],
  ['A', 'accept the shown'],
  ['u', 'undo the bulk step'],
  ['\u001b', 'clear the search'],
  ['p', 'filter: pending'],
  ['t', 'filter: kind'],
  [']', 'next file'],
  ['G', 'last row'],
  ['Z', 'fold every file'],
  ['z', 'unfold one'],
  ['\u001b', 'clear the filters'],
];
// --keys j,A,u: those keys in that order.
const KEYS = keysArg >= 0 ? args[keysArg + 1].split(',').map((k) => [k, '']) : ALL_KEYS;

const tree = join(tmpdir(), `switcheroo-bench-review-${SITES}`);
if (!existsSync(join(tree, '.complete'))) {
  generateReviewProject(tree, SITES);
  writeFileSync(join(tree, '.complete'), '');
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The reducer and what the screen is made of, from the bin's own build (an older one without a reducer: n/a). */
async function inProcess() {
  const dist = dirname(BIN);
  const { scanProject, DEFAULT_SCAN_OPTIONS } = await import(join(dist, 'core', 'scan.js'));
  const { initialState, reviewReducer } = await import(join(dist, 'ui', 'review-state.js'));
  const { listRows } = await import(join(dist, 'ui', 'site-list.js'));
  // main before issue 13: listRows(plans, decisions, cursor) and no filter line
  const rowsOf = listRows.length === 1 ? listRows : (s) => listRows(s.plans, s.decisions, s.cursor);
  const viewLine = (await import(join(dist, 'ui', 'header.js'))).viewLine ?? (() => null);
  const { diffRows } = await import(join(dist, 'ui', 'diff-rows.js'));
  const { findSite } = await import(join(dist, 'ui', 'review-order.js'));
  const { summaryOf, summaryLines } = await import(join(dist, 'ui', 'summary-view.js'));
  const result = await scanProject(tree, { ...DEFAULT_SCAN_OPTIONS, include: ['non-module'] });
  const none = { upArrow: false, downArrow: false, return: false, escape: false, ctrl: false, shift: false, tab: false, meta: false };
  const keyOf = (k) => ({ input: k === '\r' || k === '\t' || k === '\u001b' ? '' : k, key: { ...none, return: k === '\r', tab: k === '\t', escape: k === '\u001b', meta: k === '\u001b', shift: /[A-Z]/.test(k) } });
  const times = KEYS.map(() => []);
  for (let run = 0; run < 20; run++) {
    let state = reviewReducer(initialState(), { type: 'scan-done', result });
    KEYS.forEach(([k], i) => {
      const started = performance.now();
      state = reviewReducer(state, { type: 'key', ...keyOf(k), paging: { page: 10, min: 0, max: 0 }, inlineEditor: true });
      rowsOf(state);
      viewLine(state, 120);
      const found = findSite(state.plans, state.cursor);
      if (found) diffRows(found.plan, found.site, state.decisions, state.context);
      const summary = summaryOf(state.plans, state.decisions, state.gitModified, state.scan.skipped);
      if (state.screen === 'summary') summaryLines(summary, 120);
      times[i].push(performance.now() - started);
    });
  }
  return times.map((t) => median(t));
}

/** The bin in a pty: ms from each key to the first byte drawn after it. */
function inPty() {
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qfec', `stty cols 120 rows 40; exec node ${BIN} --include non-module ${tree}`, '/dev/null'], {
      stdio: ['pipe', 'pipe', 'inherit'],
      env: { ...process.env, TERM: 'xterm-256color', EDITOR: '', VISUAL: '', NO_COLOR: '1' },
    });
    let screen = '';
    let pressedAt = 0;
    let quietTimer = null;
    let index = -1;
    const times = [];
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`no redraw after key ${index}; saw: ${screen.slice(-300)}`)); }, 60_000);
    const next = () => {
      index++;
      if (index >= KEYS.length) { child.stdin.write('q'); setTimeout(() => child.stdin.write('\u0003'), 200); return; }
      pressedAt = performance.now();
      times[index] = null;
      child.stdin.write(KEYS[index][0]);
      // a key that changes nothing on screen draws nothing: go on after 2 s without a time for it
      quietTimer = setTimeout(next, 2000);
    };
    child.stdout.on('data', (chunk) => {
      const now = performance.now();
      screen += stripVTControlCharacters(chunk.toString('utf8'));
      if (index >= 0 && index < KEYS.length && times[index] === null) times[index] = now - pressedAt;
      if (index === -1 && !/scanned \d+ files/.test(screen)) return;
      // the next key once the screen has been quiet for 250 ms
      clearTimeout(quietTimer);
      quietTimer = setTimeout(next, 250);
    });
    child.on('exit', () => { clearTimeout(timer); clearTimeout(quietTimer); resolve(times); });
    child.on('error', reject);
  });
}

const process_ = await inProcess().catch(() => null);
const hasScript = spawnSync('script', ['--version']).status === 0;
const ptyRuns = [];
if (hasScript) for (let i = 0; i < RUNS; i++) ptyRuns.push(await inPty());
const rows = KEYS.map(([k, what], i) => ({
  key: JSON.stringify(k),
  what,
  'in process ms': process_ ? process_[i].toFixed(1) : 'n/a',
  'pty ms (median of 3)': !hasScript ? 'n/a' : ptyRuns.some((r) => r[i] == null) ? 'no redraw' : Math.round(median(ptyRuns.map((r) => r[i]))),
}));
console.log(`${SITES} sites in ${tree}, bin ${BIN}`);
console.table(rows);
