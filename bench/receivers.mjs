// Measures how the built bin classifies `X.load_state_dict(...)` receivers against hand labels:
// the fixture projects under test/fixtures/receivers (labels.tsv) and the Python files installed in
// .venv's site-packages (venv-labels.tsv). Prints, per truth class, how many calls the tool proposes;
// the module and other proposal rates; every mismatch; and label drift (labelled calls the JSON does
// not list, listed sites the labels do not have). It measures and never fails: exit 0.
// `--set DIR` measures another labelled folder of the same format instead (the held-out set,
// test/fixtures/receivers-holdout); site-packages is measured only when DIR has a venv-labels.tsv.
//
//   npm run build && npm run receivers            (node bench/receivers.mjs [--bin path/to/bin.cjs] [--set DIR])
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_SET = join(ROOT, 'test/fixtures/receivers');
const TRUTHS = ['module', 'other', 'super', 'unsupported'];
const TARGET = { module: 97, other: 3 };

function parseArgs(argv) {
  const value = (flag) => {
    const i = argv.indexOf(flag);
    return i >= 0 && argv[i + 1] ? resolve(argv[i + 1]) : undefined;
  };
  return { bin: value('--bin') ?? join(ROOT, 'dist/bin.cjs'), set: value('--set') ?? DEFAULT_SET };
}

/** Rows of a labels file: `path\tline\treceiver\ttruth`, after `#` comments and the header line. */
function readLabels(file, set, prefix = '') {
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() && !l.startsWith('#'));
  const rows = [];
  for (const [i, line] of lines.slice(1).entries()) {
    const [path, lineNo, receiver, truth] = line.split('\t');
    if (!TRUTHS.includes(truth) || !Number.isInteger(Number(lineNo))) {
      console.log(`${relative(ROOT, file)}: row ${i + 2} is malformed, skipped: ${JSON.stringify(line)}`);
      continue;
    }
    rows.push({ set, path: prefix + path, line: Number(lineNo), receiver, truth });
  }
  return rows;
}

/** The torch version named in venv-labels.tsv's comment header, and the installed one. */
function torchVersions(labelsFile, sitePackages) {
  const labelled = /torch\s+(\S+)/.exec(readFileSync(labelsFile, 'utf8').split('\n').find((l) => l.startsWith('#')) ?? '')?.[1];
  const versionFile = join(sitePackages, 'torch/version.py');
  const installed = existsSync(versionFile) ? /__version__\s*=\s*['"]([^'"]+)/.exec(readFileSync(versionFile, 'utf8'))?.[1] : undefined;
  return { labelled, installed };
}

function findSitePackages() {
  const lib = join(ROOT, '.venv/lib');
  if (!existsSync(lib)) return null;
  for (const name of readdirSync(lib).sort()) {
    const dir = join(lib, name, 'site-packages');
    if (name.startsWith('python') && existsSync(dir)) return realpathSync(dir);
  }
  return null;
}

/** Runs `bin --json dir`; returns the sites keyed `set:path:line`, plus skipped files and any error. */
function scan(bin, dir, set, prefix = '') {
  const res = spawnSync(process.execPath, [bin, '--json', dir], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  const sites = new Map();
  let plan;
  try {
    plan = JSON.parse(res.stdout);
  } catch {
    const why = res.error?.message ?? (res.stderr.trim().split('\n')[0] || `exit ${res.status}`);
    return { sites, skipped: [], error: `${relative(ROOT, dir) || dir}: no JSON from the bin (${why})` };
  }
  for (const file of plan.files ?? []) {
    for (const site of file.sites ?? []) {
      const path = prefix + file.path;
      sites.set(`${set}:${path}:${site.line}`, { ...site, set, path });
    }
  }
  return { sites, skipped: (plan.skipped ?? []).map((s) => ({ ...s, path: prefix + s.path })), error: null };
}

const pct = (n, d) => (d === 0 ? '   n/a' : `${((100 * n) / d).toFixed(1).padStart(5)}%`);

function tally(rows) {
  const by = Object.fromEntries(TRUTHS.map((t) => [t, { calls: 0, proposed: 0, kinds: {} }]));
  for (const r of rows) {
    if (!r.site) continue;
    const b = by[r.truth];
    b.calls += 1;
    if (r.site.proposed) b.proposed += 1;
    b.kinds[r.site.kind] = (b.kinds[r.site.kind] ?? 0) + 1;
  }
  return by;
}

function describeSite(site) {
  const parts = [`kind=${site.kind}`];
  if (site.reason) parts.push(`reason: ${site.reason}`);
  const ev = site.evidence;
  if (ev && typeof ev === 'object') {
    const where = ev.path ? ` (${ev.path}${ev.line ? `:${ev.line}` : ''})` : '';
    parts.push(`evidence: ${ev.rule ?? '?'}${ev.text ? ` \`${ev.text}\`` : ''}${where}`);
  } else if (ev !== undefined) {
    parts.push(`evidence: ${JSON.stringify(ev)}`);
  }
  return parts.join(' · ');
}

function printTable(groups) {
  const head = ['truth'.padEnd(12), ...groups.map(([name]) => `${name.padStart(8)} calls proposed`)].join('  ');
  console.log(head);
  for (const t of TRUTHS) {
    const cells = groups.map(([, by]) => `${String(by[t].calls).padStart(14)} ${String(by[t].proposed).padStart(8)}`);
    console.log([t.padEnd(12), ...cells].join('  '));
  }
  console.log('');
  console.log('by kind the tool gave (all labelled calls):');
  const all = groups[groups.length - 1][1];
  for (const t of TRUTHS) {
    const kinds = Object.entries(all[t].kinds).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ');
    console.log(`  ${t.padEnd(12)} ${kinds || '-'}`);
  }
}

function printRates(groups) {
  console.log('');
  for (const [truth, label, target] of [['module', 'module proposed', `target >= ${TARGET.module}%`], ['other', 'other proposed ', `target <= ${TARGET.other}%`]]) {
    const cells = groups.map(([name, by]) => `${name} ${pct(by[truth].proposed, by[truth].calls)} (${by[truth].proposed}/${by[truth].calls})`);
    console.log(`${label}: ${cells.join(' · ')}   [${target}]`);
  }
}

function printPerProject(rows) {
  const projects = new Map();
  for (const r of rows) {
    if (r.set !== 'fixtures' || !r.site) continue;
    const name = r.path.split('/')[0];
    const p = projects.get(name) ?? { module: [0, 0], other: [0, 0], rest: [0, 0] };
    const slot = r.truth === 'module' || r.truth === 'other' ? p[r.truth] : p.rest;
    slot[0] += 1;
    if (r.site.proposed) slot[1] += 1;
    projects.set(name, p);
  }
  console.log('');
  console.log('per fixture project (proposed/calls):');
  for (const [name, p] of [...projects].sort()) {
    console.log(`  ${name.padEnd(20)} module ${`${p.module[1]}/${p.module[0]}`.padStart(7)}   other ${`${p.other[1]}/${p.other[0]}`.padStart(7)}   super+unsupported ${`${p.rest[1]}/${p.rest[0]}`.padStart(5)}`);
  }
}

function printMismatches(rows) {
  const missed = rows.filter((r) => r.site && r.truth === 'module' && !r.site.proposed);
  const wrong = rows.filter((r) => r.site && r.truth !== 'module' && r.site.proposed);
  console.log('');
  console.log(`mismatches: ${missed.length + wrong.length}`);
  for (const [title, list] of [['module not proposed', missed], ['proposed but not a module', wrong]]) {
    console.log(`  ${title} (${list.length}):`);
    for (const r of list) {
      const truth = r.truth === 'module' ? '' : ` [${r.truth}]`;
      console.log(`    ${r.set === 'venv' ? 'site-packages/' : ''}${r.path}:${r.line}  \`${r.receiver}\`${truth}  ${describeSite(r.site)}`);
    }
  }
}

function printDrift(unlisted, unlabelled, skipped, errors) {
  console.log('');
  console.log(`drift: ${unlisted.length} labelled call(s) not listed by the tool, ${unlabelled.length} listed site(s) not labelled`);
  for (const r of unlisted) console.log(`  labelled, not listed: ${r.set === 'venv' ? 'site-packages/' : ''}${r.path}:${r.line}  \`${r.receiver}\` [${r.truth}]`);
  for (const s of unlabelled) {
    console.log(`  listed, not labelled: ${s.set === 'venv' ? 'site-packages/' : ''}${s.path}:${s.line}  \`${s.receiver}\`  ${describeSite(s)}`);
  }
  for (const s of skipped) console.log(`  skipped by the tool, holds labels: ${s.path} (${s.reason})`);
  for (const e of errors) console.log(`  error: ${e}`);
}

function main() {
  const { bin, set: setDir } = parseArgs(process.argv.slice(2));
  if (!existsSync(bin)) {
    console.log(`${relative(ROOT, bin)} is missing${bin === join(ROOT, 'dist/bin.cjs') ? ': run `npm run build` first' : ''}.`);
    return;
  }
  if (!existsSync(join(setDir, 'labels.tsv'))) {
    console.log(`${relative(ROOT, setDir) || setDir} has no labels.tsv: --set takes a folder of labelled projects.`);
    return;
  }
  const labelRows = readLabels(join(setDir, 'labels.tsv'), 'fixtures');
  const projects = readdirSync(setDir).filter((n) => statSync(join(setDir, n)).isDirectory()).sort();
  const venvLabelsFile = join(setDir, 'venv-labels.tsv');
  const sitePackages = existsSync(venvLabelsFile) ? findSitePackages() : null;
  const venvRows = sitePackages ? readLabels(venvLabelsFile, 'venv') : [];

  const sites = new Map();
  const skipped = [];
  const errors = [];
  const started = Date.now();
  const fixtureFiles = new Set(labelRows.map((r) => r.path));
  for (const project of projects) {
    const res = scan(bin, join(setDir, project), 'fixtures', `${project}/`);
    for (const [k, v] of res.sites) sites.set(k, v);
    skipped.push(...res.skipped.filter((s) => fixtureFiles.has(s.path)));
    if (res.error) errors.push(res.error);
  }
  const venvFiles = new Set(venvRows.map((r) => r.path));
  if (sitePackages) {
    const res = scan(bin, sitePackages, 'venv');
    // Only labelled files count: site-packages holds thousands of files nobody labelled.
    for (const [k, v] of res.sites) if (venvFiles.has(v.path)) sites.set(k, v);
    skipped.push(...res.skipped.filter((s) => venvFiles.has(s.path)).map((s) => ({ ...s, path: `site-packages/${s.path}` })));
    if (res.error) errors.push(res.error);
  }
  const ms = Date.now() - started;

  const rows = [...labelRows, ...venvRows];
  const labelledKeys = new Set();
  for (const r of rows) {
    const key = `${r.set}:${r.path}:${r.line}`;
    labelledKeys.add(key);
    r.site = sites.get(key);
  }
  const unlisted = rows.filter((r) => !r.site);
  const unlabelled = [...sites].filter(([k]) => !labelledKeys.has(k)).map(([, s]) => s);

  const versions = sitePackages ? torchVersions(venvLabelsFile, sitePackages) : null;
  const venvNote = existsSync(venvLabelsFile) ? 'no .venv site-packages found, venv set left out' : 'no venv-labels.tsv in the set, venv set left out';
  console.log(`receivers: ${labelRows.length} labelled calls in ${projects.length} fixture projects (${relative(ROOT, setDir) || setDir}); ` +
    (sitePackages ? `${venvRows.length} in ${venvFiles.size} site-packages files (labels for torch ${versions.labelled ?? '?'}, installed ${versions.installed ?? '?'})` : venvNote) +
    `; bin ${relative(ROOT, bin)}, ${ms} ms`);
  if (versions && versions.labelled !== versions.installed) {
    console.log(`warning: venv-labels.tsv was written for torch ${versions.labelled}, site-packages holds ${versions.installed}: expect drift`);
  }
  console.log('');

  const groups = [['fixtures', tally(labelRows)], ['venv', tally(venvRows)], ['all', tally(rows)]];
  printTable(groups);
  printRates(groups);
  printPerProject(rows);
  printMismatches(rows);
  printDrift(unlisted, unlabelled, skipped, errors);
}

try {
  main();
} catch (err) {
  console.log(`receivers bench failed: ${err?.stack ?? err}`);
}
process.exitCode = 0;
