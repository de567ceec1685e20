/**
 * Text the non-interactive modes print: diffs, site notes, the JSON plan, the summary line. Project
 * text (paths, source, reasons) goes through `shown`, so that no control character in it reaches the
 * terminal; only a diff printed to a pipe or a file keeps its exact bytes, for `git apply`.
 */
import { isControlWarning } from '../core/control-warning.js';
import { count } from '../core/count.js';
import { hintNotes } from '../core/hints/choose.js';
import { fileDiff, helperDiff } from '../core/patch.js';
import { helperToWrite } from '../core/plan.js';
import { preambleSource } from '../core/preamble-source.js';
import { siteWhere } from '../core/where.js';
import type { Decisions, FilePlan, ScanResult, Site, WriteResult } from '../core/types.js';
import { escapeJsonControls } from '../core/visible.js';
import { writeCounts } from '../core/write-counts.js';
import { shown, type Paint } from './color.js';

/** `exact` keeps the bytes (a pipe or a file); else each line is shown as on a terminal, a CRLF's CR being its line end. */
function paintDiff(diff: string, paint: Paint, exact: boolean): string {
  return diff
    .split('\n')
    .map((raw) => {
      const line = exact ? raw : shown(raw.replace(/\r$/, ''), paint);
      if (line.startsWith('+++') || line.startsWith('---')) return paint('bold', line);
      if (line.startsWith('@@')) return paint('cyan', line);
      if (line.startsWith('+')) return paint('green', line);
      if (line.startsWith('-')) return paint('red', line);
      return line;
    })
    .join('\n');
}

/**
 * A site's reason when it is not proposed, where its hints came from, then its warnings: a proposed
 * site's all, a site not proposed only those about control characters (its line is shown either way;
 * the rest are about a rewrite that is not shown).
 */
function siteNote(site: Site, paint: Paint): string[] {
  const where = siteWhere(site);
  const reason = site.proposed ? [] : [paint('dim', `  ${shown(`${where}  ${site.kind}: not proposed: ${site.reason}`, paint)}`)];
  const hints = (site.hints ?? []).map((h) => paint('dim', `  ${shown(`${where}  ${hintNotes(h).join('; ')}`, paint)}`));
  const warnings = site.proposed ? site.warnings : site.warnings.filter(isControlWarning);
  return [...reason, ...hints, ...warnings.map((w) => paint('yellow', `  ${shown(`${where}  warning: ${w}`, paint)}`))];
}

/**
 * The `--dry-run` output: per file, its unified diff then notes on its sites; then the skipped files.
 * `exact` (stdout is not a terminal) prints the diffs byte for byte, so that `git apply` takes them.
 */
export function dryRunText(result: ScanResult, decisions: Decisions, paint: Paint, exact: boolean): string {
  const out: string[] = [];
  // the shared helper first: the files after it import it
  const helper = helperToWrite(result.files, decisions);
  if (helper) out.push(paintDiff(helperDiff(helper).replace(/\n$/, ''), paint, exact), '');
  for (const plan of result.files) {
    const diff = fileDiff(plan, decisions);
    if (diff) out.push(paintDiff(diff.replace(/\n$/, ''), paint, exact));
    else out.push(paint('bold', `${shown(plan.path, paint)}: nothing proposed`));
    if (plan.parseError) out.push(paint('yellow', `  ${shown(plan.path, paint)}: ${plan.parseError}; sites inside the broken code are not proposed`));
    for (const site of plan.sites) out.push(...siteNote(site, paint));
    out.push('');
  }
  for (const s of result.skipped) out.push(paint('dim', `skipped ${shown(`${s.path}: ${s.reason}`, paint)}`));
  return out.length ? `${out.join('\n').replace(/\n+$/, '')}\n` : '';
}

/** A change's first line (a multi-line call is shown by it). */
export const firstLine = (text: string) => text.split('\n')[0]?.replace(/\r$/, '') ?? '';

/** The `--check` output: one line per proposed change. */
export function checkText(result: ScanResult, paint: Paint): string {
  const lines = result.files.flatMap((f) =>
    f.sites.filter((s) => s.proposed).map((s) => shown(`${siteWhere(s)}: ${s.kind}: ${firstLine(s.original)} -> ${firstLine(s.replacement)}`, paint)),
  );
  return lines.length ? `${lines.join('\n')}\n` : '';
}

/**
 * A copy of `s` that is garbage as soon as it is printed. Printing reads a string, and V8 flattens a
 * string it reads in place, in the heap space where it lives: a plan's preamble text is a
 * concatenation (the class body is one string every plan shares), and by the time `--json` prints,
 * the plans are in the old space, so each file's flattened preamble (tens of kB) stayed there, after
 * its plan was let go, until a full collection: about 100 MB on a project of 3,800 candidate files
 * (the 8x bench tree peaked at 385-394 MB, 288-302 with this). Reading a new concatenation flattens
 * that one instead, in the young space.
 */
const printedCopy = (s: string) => `\n${s}`.slice(1);

function jsonPlan(plan: FilePlan) {
  return {
    path: plan.path,
    parseError: plan.parseError,
    sites: plan.sites.map(({ edit: _edit, clues: _clues, conflict: _conflict, lines: _lines, naming: _naming, hintsAt: _hintsAt, hinted: _hinted, ...site }) => site),
    preamble: plan.preamble
      ? { needed: plan.sites.some((s) => s.proposed), line: plan.preamble.line, endLine: plan.preamble.endLine, ...(plan.preamble.cell !== undefined ? { cell: plan.preamble.cell } : {}), text: PREAMBLE_MARK }
      : null,
  };
}

/**
 * Stands for the preamble's text in `jsonPlan`; `planJson` writes the text in its place, at the
 * mark's last occurrence: the preamble is the plan's last key, and its text the preamble's.
 */
const PREAMBLE_MARK = '\u0000preamble\u0000';
const PRINTED_MARK = JSON.stringify(PREAMBLE_MARK);

/** `value` as `JSON.stringify(value, null, 2)` prints it `depth` levels in. */
const indentedJson = (value: unknown, depth: number) => JSON.stringify(value, null, 2).replace(/\n/g, `\n${'  '.repeat(depth)}`);

/** A string as JSON prints it, without its quotes, with the controls JSON.stringify leaves raw escaped. */
const jsonInner = (s: string) => escapeJsonControls(JSON.stringify(s).slice(1, -1));

/**
 * Printing a string as JSON, a piece of it at a time: each piece's escaping depends on no other, so
 * the pieces' escapings joined are the whole string's (a piece here starts and ends outside a
 * surrogate pair: see `of`). The class body that most preambles hold (about 28 kB of the
 * 29) is escaped once a run, not once a file: on the bench tree's 475 files that was most of the
 * 38 ms `--json` took to print, after the scan, with the other core idle.
 */
class PreambleJson {
  private readonly bodyInner: string;

  constructor(private readonly body: string) {
    this.bodyInner = jsonInner(body);
  }

  /** The preamble's text as a JSON string, with its quotes. */
  of(text: string): string {
    // (a copy: searching the plan's own text would flatten it in place, see printedCopy)
    const copy = printedCopy(text);
    // the body starts and ends with ASCII (`class KeyMapper`, a newline): no surrogate pair is cut
    const at = copy.indexOf(this.body);
    if (at === -1) return `"${jsonInner(copy)}"`;
    return `"${jsonInner(copy.slice(0, at))}${this.bodyInner}${jsonInner(copy.slice(at + this.body.length))}"`;
  }
}

/** A plan as `indentedJson(plan, 2)` prints it, every control character escaped. */
function planJson(plan: FilePlan, preambles: PreambleJson): string {
  const json = escapeJsonControls(indentedJson(jsonPlan(plan), 2));
  if (!plan.preamble) return json;
  const at = json.lastIndexOf(PRINTED_MARK);
  return `${json.slice(0, at)}${preambles.of(plan.preamble.text)}${json.slice(at + PRINTED_MARK.length)}`;
}

/**
 * The `--json` document (design.md: version 1) in pieces, a file at a time, so that it is never
 * whole in memory (each candidate file's preamble is in it: tens of MB on a large project); the
 * pieces joined are `JSON.stringify(document, null, 2)` and a line break. `files` are taken one at
 * a time (see `letGo`). Every control character in it is a JSON escape.
 */
export function* jsonChunks(result: Omit<ScanResult, 'files'>, files: Iterable<FilePlan>): Generator<string> {
  const { root, mapper, skipped, stats } = result;
  const helper = result.helper ? { helper: { path: result.helper.path, module: result.helper.module, create: result.helper.text !== null } } : {};
  const preambles = new PreambleJson(preambleSource(mapper.name).body);
  yield escapeJsonControls(`${indentedJson({ version: 1, root, mapper, ...helper }, 0).slice(0, -2)},\n  "files": [`);
  let first = true;
  for (const file of files) {
    yield `${first ? '' : ','}\n    ${planJson(file, preambles)}`;
    first = false;
  }
  yield escapeJsonControls(`${first ? '' : '\n  '}],\n${indentedJson({ skipped, stats }, 0).slice(2)}\n`);
}

/**
 * The items of `list`, each let go (removed from the list) as it is taken: printing a plan's
 * preamble makes it one flat string of its own (tens of kB a file), which is garbage once printed.
 */
export function* letGo<T>(list: T[]): Generator<T> {
  for (let item = list.shift(); item !== undefined; item = list.shift()) yield item;
}

export function writeResultLine(r: WriteResult, paint: Paint): string {
  if (r.status === 'written') return `${paint('green', 'written')}  ${shown(r.path, paint)}`;
  if (r.status === 'not-written') return `${paint('yellow', 'not written')}  ${shown(`${r.path}: ${r.reason}`, paint)}`;
  return `${paint('red', r.status)}  ${shown(`${r.path}: ${r.reason}`, paint)}`;
}

/** The notes (where hints came from) and warnings of the changes the decisions accept, one line each, as `--dry-run` shows them under its diffs; `warnings` counts the warnings. */
export function acceptedWarnings(plan: FilePlan, decisions: Decisions, paint: Paint): { lines: string[]; warnings: number } {
  const accepted = plan.sites.filter((s) => s.proposed && decisions.get(s.id)?.type === 'accepted');
  return { lines: accepted.flatMap((s) => siteNote(s, paint)), warnings: accepted.reduce((n, s) => n + s.warnings.length, 0) };
}

/** `mapper nnx: the project imports flax.nnx (model.py:3)`: the line --dry-run and --yes print above their summary. */
export function mapperLine(result: ScanResult): string {
  return `mapper ${result.mapper.name}: ${result.mapper.why}`;
}

/**
 * `12 files scanned · 3 with load_state_dict · 5 sites · 4 proposed · 2 written · 0 refused · 0 errors · 1 warning · 84 ms`:
 * `warnings` counts those of the changes shown or written (left out when there are none).
 */
export function summaryLine(result: ScanResult, writes: WriteResult[] | null, ms: number, warnings = 0): string {
  const s = result.stats;
  const parts = [`${count(s.filesScanned, 'file')} scanned`, `${s.candidates} with load_state_dict`, count(s.sites, 'site'), `${s.proposed} proposed`];
  if (writes) parts.push(writeCounts(writes));
  if (warnings > 0) parts.push(count(warnings, 'warning'));
  if (result.skipped.length) parts.push(`${result.skipped.length} skipped`);
  parts.push(`${ms} ms`);
  return parts.join(' · ');
}
