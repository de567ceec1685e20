/** File text -> FilePlan (pure apart from parsing), and FilePlan + decisions -> new text. */
import { importStatements, moduleBindings, starImports } from './bindings.js';
import { getParser, parseWith, sourceOf, type Node, type Parser, type Range, type Tree } from './parser.js';
import { maskCommentRuns } from './comment-runs.js';
import { nameConflicts, placePreamble } from './preamble.js';
import { classWords, preambleFor } from './preamble-names.js';
import { preambleSource, type PreambleSource } from './preamble-source.js';
import { controlWarnings } from './control-warning.js';
import type { TaggedEdit } from './hunks.js';
import { rewriteCall } from './rewrite.js';
import { scopeNames } from './scope-names.js';
import { nameAnchor, nameInputs, nameRewrites, scopeOf } from './naming.js';
import { statementLines } from './statement-lines.js';
import type { ProjectIndex } from './evidence/index.js';
import { fileIndex, siteKind, withConflict, type FileFacts } from './evidence/settle.js';
import { findCalls } from './sites.js';
import { describeSyntaxError, locateSyntaxError, type SyntaxProblem } from './syntax-error.js';
import type { Focus } from './focus.js';
import { prepare, preparedFrom, type PreparedData } from './prepare.js';
import { planText } from './plan-text.js';
import { LineIndex, decode, encode, sha256 } from './text.js';
import { cellAt, changedCells, writeNotebook } from './notebook/notebook.js';
import { cellImports, preambleCell } from './notebook/preamble-cell.js';
import type { Decision, Decisions, Edit, FilePlan, HelperImport, NotebookMap, ScanOptions, SharedHelper, Site } from './types.js';

/** How many times a focused parse is widened to what the evidence read before the whole file is parsed instead. */
const MAX_WIDENINGS = 4;

/**
 * The tree planning reads: only the statements `focus` keeps when the lexer is sure of them and they
 * parse cleanly (with `focus` as the tree's coverage), else the whole file (so a syntax error is
 * always reported from a full parse), or the code before a tokenizer error (`locateSyntaxError`).
 */
function parseForPlan(parser: Parser, text: string, masked: string, lines: LineIndex, focus: Focus | null): { tree: Tree; error: SyntaxProblem | null; coverage: Focus | null; ranges: Range[] | null } {
  const ranges = focus?.ranges(lines) ?? null;
  if (ranges) {
    const focused = parseWith(parser, masked, ranges);
    if (!focused.rootNode.hasError) return { tree: focused, error: null, coverage: focus, ranges };
    focused.delete();
  }
  const whole = parseWith(parser, masked);
  return { ...(whole.rootNode.hasError ? locateSyntaxError(parser, text, masked, lines, whole) : { tree: whole, error: null }), coverage: null, ranges: null };
}

/** `planWith` once the parser has loaded. `focus: false` parses the whole file (the tests compare both ways). */
export async function planFile(path: string, absPath: string, bytes: Uint8Array, options: ScanOptions, focus = true): Promise<FilePlan> {
  return planWith(await getParser(), path, absPath, bytes, options, focus);
}

/**
 * `facts`: the file's classes and imports, `hash` the bytes' sha256, and `prepared` what planning
 * works out from their text before parsing (prepare.ts), where the caller has them from these bytes already.
 */
export function planWith(parser: Parser, path: string, absPath: string, bytes: Uint8Array, options: ScanOptions, focused = true, facts?: FileFacts, hash = sha256(bytes), prepared?: PreparedData): FilePlan {
  const { text, bom, eol } = decode(bytes);
  const indexBytes = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return planSource(parser, { path, absPath, text, parseText: text, bom, eol, hash, indexBytes, facts, ...(prepared ? { prepared } : {}) }, options, focused);
}

/** The names whose module-level bindings matter to a plan: the mapper's, the rewrites' target, and those the class reads. */
export function bindingNames(options: Pick<ScanOptions, 'mapper' | 'targetName'>): string[] {
  return ['KeyMapper', options.targetName, ...classWords(preambleSource(options.mapper))];
}

/** What planning reads: the file's text, and the text the parser reads in its place (the same offsets). */
export interface PlanSource {
  path: string;
  absPath: string;
  text: string;
  /** `text` as the parser should read it: a notebook's with its IPython syntax masked, else `text`. */
  parseText: string;
  bom: boolean;
  eol: '\n' | '\r\n';
  /** sha256 of the file's bytes as read. */
  hash: string;
  /** The Python source the file's own classes and imports are read from (the evidence's index). */
  indexBytes: Buffer;
  /** Those classes and imports, where the scanner has read them already. */
  facts?: FileFacts;
  /** What planning works out from `text` before parsing, where the read-ahead worker has (prepare.ts). */
  prepared?: PreparedData;
  /** How messages name a line of `text` (a notebook's: `cell 3, line 2`). */
  place?: (line: number) => string;
  /** A notebook's map of its code cells in `text`. */
  notebook?: NotebookMap;
}

/** A file's plan from its text: the sites, their rewrites and names, and where the preamble goes. */
export function planSource(parser: Parser, src: PlanSource, options: ScanOptions, focused = true): FilePlan {
  const { text } = src;
  const lines = new LineIndex(text);
  const source = preambleSource(options.mapper);
  const names = bindingNames(options);
  const prepared = src.prepared ? preparedFrom(text, src.parseText, names, src.prepared) : prepare(text, src.parseText, names);
  const { binders } = prepared;
  const masked = maskCommentRuns(src.parseText, prepared.commentRun);
  let focus = focused ? prepared.focus : null;
  for (let widenings = 0; ; widenings++) {
    const { tree, error, coverage, ranges } = parseForPlan(parser, src.parseText, masked, lines, focus);
    try {
      const plan = planTree(parser, tree, error, coverage, ranges, { src, lines, source, binders, options });
      if (plan) return plan;
    } finally {
      tree.delete();
    }
    // the evidence (or a name's scope) read statements the focused tree lacked: keep them too, or parse the whole file
    if (focus && widenings < MAX_WIDENINGS) focus.widen();
    else focus = null;
  }
}

interface FileInput {
  src: PlanSource;
  lines: LineIndex;
  source: PreambleSource;
  binders: ReadonlyMap<string, readonly number[]>;
  options: ScanOptions;
}

/**
 * The plan read from `tree`; null when it read a statement that `coverage` (a focused tree) lacks.
 * `included`: the ranges of the text a focused tree was parsed from (null: the whole text).
 */
function planTree(parser: Parser, tree: Tree, error: SyntaxProblem | null, coverage: Focus | null, included: readonly Range[] | null, file: FileInput): FilePlan | null {
  const { src, lines, source, binders, options } = file;
  const { path, absPath, text, bom, eol } = src;
  const root = tree.rootNode;
  const importNodes = importStatements(root, text, included);
  const bindings = moduleBindings(root, importNodes, binders);
  const { keyMapper, mapperTaken } = nameConflicts(text, bindings, options.mapper);
  const names = scopeNames(text, root, importNodes, options.mapper, nameAnchor(options.targetName), coverage ?? undefined);
  let sites: Site[] = [];
  let index: ProjectIndex | null = null;
  const calls = findCalls(root, text, path, lines, coverage ?? undefined, included);
  if (coverage && coverage.misses.length > 0) return null;
  for (const found of calls) {
    const start = lines.position(found.call.startIndex);
    const end = lines.position(found.call.endIndex);
    // in a notebook, lines count within the cell
    const cell = src.notebook ? cellAt(src.notebook, found.call.startIndex) : undefined;
    const shift = cell?.row ?? 0;
    const rewrite = rewriteCall(text, found, options.targetName, lines, options.mapper);
    const raw = rewrite?.edit ?? { start: found.call.startIndex, end: found.call.endIndex, text: sourceOf(text, found.call) };
    const edit: Edit = { ...raw, text: raw.text.replace(/\r?\n/g, eol) };
    const hintsAt = rewrite ? raw.text.slice(raw.text.length - rewrite.hintsAt).replace(/\r?\n/g, eol).length : undefined;
    const receiver = sourceOf(text, found.receiver);
    // What this file alone says; the scanner settles the kind again once every file is indexed.
    index ??= fileIndex(path, src.indexBytes, src.facts);
    const conflict = mapperTaken;
    const scope = rewrite?.assigns ? scopeOf(found.call) : null;
    const naming = rewrite?.assigns ? nameInputs(text, rewrite.call.replace(/\r?\n/g, eol), scope, found.receiver, options.targetName, names.usedIn(scope), names.numbersIn(scope), src.notebook !== undefined) : undefined;
    sites.push({
      id: `${path}:${start.line}:${start.column}`,
      path,
      line: start.line - shift,
      column: start.column,
      endLine: end.line - shift,
      endColumn: end.column,
      ...(cell ? { cell: cell.index } : {}),
      receiver,
      ...withConflict(siteKind(index, found.clues, found.state === null, receiver, options.include), conflict),
      ...(conflict ? { conflict } : {}),
      clues: found.clues,
      original: text.slice(edit.start, edit.end),
      replacement: edit.text,
      warnings: [...controlWarnings(text, lines, Math.min(edit.start, found.call.startIndex), Math.max(edit.end, found.call.endIndex)), ...(rewrite?.warnings ?? [])],
      edit,
      lines: statementLines(text, found.call, lines),
      ...(naming ? { naming } : {}),
      ...(hintsAt !== undefined ? { hintsAt } : {}),
    });
  }
  // a rewrite's scope read whole (scope-names): statements the focused tree lacked
  if (coverage && coverage.misses.length > 0) return null;
  sites = nameRewrites(sites);
  let preamble: FilePlan['preamble'] = null;
  if (sites.length > 0 && keyMapper === 'absent' && options.preamble === 'module') {
    // the shared helper's import, where the class would go; the scanner places it again where the helper is not beside the file (withHelperImport)
    ({ preamble, sites } = helperPreamble(text, lines, root, sites, src.notebook, BESIDE, eol));
  } else if (sites.length > 0 && keyMapper === 'absent') {
    const { imports, body } = preambleFor(parser, text, source, bindings, starImports(importNodes, text).length > 0);
    if (src.notebook) {
      preamble = preambleCell(src.notebook, text, cellImports(source, imports), body, eol);
    } else {
      const first = Math.min(...sites.map((s) => s.edit.start));
      const edit = placePreamble(text, lines, root, first, imports, body, eol);
      preamble = { line: lines.position(edit.start).line, endLine: lines.position(edit.end).line, text: edit.text, edit };
    }
  }
  return {
    path,
    absPath,
    sites,
    preamble,
    hash: src.hash,
    text,
    bom,
    eol,
    parseError: error ? describeSyntaxError(error, src.place) : null,
    ...(src.notebook ? { notebook: src.notebook } : {}),
  };
}

/** The shared helper's import as a file is planned: from beside it. */
const BESIDE: HelperImport = { module: 'keymapper', warning: null };

/**
 * Under `--preamble module`: the preamble that imports the shared helper, where the class would go
 * (in a notebook, its new cell), and the sites that call KeyMapper with the import's warning, if any.
 */
function helperPreamble(text: string, lines: LineIndex, root: Node | null, sites: Site[], notebook: NotebookMap | undefined, helper: HelperImport, eol: string): { preamble: FilePlan['preamble']; sites: Site[] } {
  const imports = [{ module: helper.module, name: 'KeyMapper', from: true }];
  let preamble: FilePlan['preamble'];
  if (notebook || !root) preamble = notebook ? preambleCell(notebook, text, imports, '', eol) : null;
  else {
    const edit = placePreamble(text, lines, root, Math.min(...sites.map((s) => s.edit.start)), imports, '', eol);
    preamble = { line: lines.position(edit.start).line, endLine: lines.position(edit.end).line, text: edit.text, edit };
  }
  const warning = helper.warning;
  return { preamble, sites: warning ? sites.map((s) => (CALLS_MAPPER.test(s.edit.text) ? { ...s, warnings: [...s.warnings, warning] } : s)) : sites };
}

/**
 * A scanned plan under `--preamble module` given the import the scanner chose for it once it knew
 * where the helper goes (planned with `from keymapper import KeyMapper`): only the preamble is placed
 * again (its place among the file's imports depends on the module's name), the sites stay as settled.
 */
export function withHelperImport(parser: Parser, plan: FilePlan, helper: HelperImport, options: ScanOptions, text = planText(plan)): FilePlan {
  if (plan.preamble === null) return plan;
  const lines = new LineIndex(text);
  if (plan.notebook) return { ...plan, ...helperPreamble(text, lines, null, plan.sites, plan.notebook, helper, plan.eol) };
  // the focused parse always holds the file's header, all that the import's placement reads
  const { focus } = prepare(text, text, bindingNames(options));
  const { tree } = parseForPlan(parser, text, maskCommentRuns(text), lines, focus);
  try {
    return { ...plan, ...helperPreamble(text, lines, tree.rootNode, plan.sites, undefined, helper, plan.eol) };
  } finally {
    tree.delete();
  }
}

/** The tag of the preamble's edit (site ids hold a colon and a path, so none is this). */
export const PREAMBLE_TAG = 'preamble';

/** Decisions that accept every proposed site (what `--yes` and `--dry-run` use). */
export function acceptProposed(plans: readonly FilePlan[]): Map<string, Decision> {
  const decisions = new Map<string, Decision>();
  for (const plan of plans) for (const site of plan.sites) if (site.proposed) decisions.set(site.id, { type: 'accepted' });
  return decisions;
}

/** The site's whole lines as the file has them (LF line ends). */
export function originalLines(plan: FilePlan, site: Site): string {
  return planText(plan).slice(site.lines.start, site.lines.end).replace(/\r\n/g, '\n');
}

/** The site's whole lines as its proposal writes them (LF line ends): what the editors start from. */
export function proposedLines(plan: FilePlan, site: Site): string {
  const { lines, edit } = site;
  const text = planText(plan);
  return (text.slice(lines.start, edit.start) + site.replacement + text.slice(edit.end, lines.end)).replace(/\r\n/g, '\n');
}

/**
 * The edit that writes `text` as the site's whole lines: only the span that differs from them (so a
 * call sharing the lines and left alone by the edit keeps its own decision). Blank text removes the
 * lines, line break and all.
 */
export function linesEdit(plan: FilePlan, site: Site, text: string): Edit {
  const { start, end } = site.lines;
  const source = planText(plan);
  if (text.trim() === '') {
    const lineEnd = source.startsWith('\r\n', end) ? end + 2 : source.startsWith('\n', end) ? end + 1 : end;
    return { start, end: lineEnd, text: '' };
  }
  const want = text.replace(/\r?\n/g, plan.eol);
  const have = source.slice(start, end);
  let head = 0;
  while (head < want.length && head < have.length && want[head] === have[head]) head++;
  let tail = 0;
  while (tail < want.length - head && tail < have.length - head && want[want.length - 1 - tail] === have[have.length - 1 - tail]) tail++;
  return { start: start + head, end: end - tail, text: want.slice(head, want.length - tail) };
}

/** Applies non-overlapping edits in any order; at one offset an insertion lands before a replacement. */
export function applyEdits(text: string, edits: Edit[]): string {
  let out = text;
  for (const edit of [...edits].sort((a, b) => b.start - a.start || b.end - a.end)) {
    out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  }
  return out;
}

/**
 * `--preamble module`: the shared helper to create under the decisions (with the first change that
 * brings a file's import in), or null when none does or the helper is there already.
 */
export function helperToWrite(plans: readonly FilePlan[], decisions: Decisions): SharedHelper | null {
  for (const plan of plans) if (plan.helper && plan.helper.text !== null && preambleIncluded(plan, decisions)) return plan.helper;
  return null;
}

/**
 * The sites' edits the decisions call for, each with the text it writes there (an edit's whole
 * lines). An edit is the reviewer's text for its lines: where it reaches another call on them, that
 * call is as the edit has it, whatever its own decision.
 */
function writtenChanges(plan: FilePlan, decisions: Decisions): Array<{ edit: TaggedEdit; text: string }> {
  const edited: Array<{ edit: TaggedEdit; text: string }> = [];
  for (const site of plan.sites) {
    const decision = decisions.get(site.id);
    if (decision?.type === 'edited') edited.push({ edit: { ...linesEdit(plan, site, decision.text), tag: site.id }, text: decision.text });
  }
  const covered = (e: Edit) => edited.some(({ edit: x }) => e.start < x.end && x.start < e.end);
  const accepted: Array<{ edit: TaggedEdit; text: string }> = [];
  for (const site of plan.sites) {
    if (decisions.get(site.id)?.type !== 'accepted' || site.kind === 'super') continue;
    const edit = { start: site.edit.start, end: site.edit.end, text: site.edit.text.replace(/\r?\n/g, plan.eol), tag: site.id };
    if (!covered(edit)) accepted.push({ edit, text: site.edit.text });
  }
  return [...edited, ...accepted].sort((a, b) => a.edit.start - b.edit.start);
}

const CALLS_MAPPER = /(?<![\p{L}\p{N}_])KeyMapper(?![\p{L}\p{N}_])/u;

/** The preamble goes in when a change written calls KeyMapper: an accepted one, or an edit that still does. */
export function preambleIncluded(plan: FilePlan, decisions: Decisions): boolean {
  return plan.preamble !== null && callsMapper(writtenChanges(plan, decisions));
}

const callsMapper = (changes: ReadonlyArray<{ text: string }>) => changes.some((c) => CALLS_MAPPER.test(c.text));

/** The edits the decisions call for, the preamble included when it goes in; each tagged with its site's id, or `preamble`. */
export function decidedEdits(plan: FilePlan, decisions: Decisions): TaggedEdit[] {
  const changes = writtenChanges(plan, decisions);
  const edits = changes.map((c) => c.edit);
  if (plan.preamble && callsMapper(changes)) edits.push({ ...plan.preamble.edit, tag: PREAMBLE_TAG });
  return edits;
}

/** The file's new text (without BOM, same line endings) under the decisions. */
export function renderFile(plan: FilePlan, decisions: Decisions): string {
  return applyEdits(planText(plan), decidedEdits(plan, decisions));
}

/** The edits of a notebook's cells, and the preamble's new cell when it goes in, under the decisions. */
export function notebookChanges(plan: FilePlan, edits: readonly TaggedEdit[]) {
  const preamble = plan.preamble && edits.some((e) => e.tag === PREAMBLE_TAG) ? plan.preamble : null;
  const map = plan.notebook as NotebookMap;
  return { cells: changedCells(map, planText(plan), edits.filter((e) => e.tag !== PREAMBLE_TAG)), newCell: preamble?.text ?? null };
}

/** The bytes to write under the decisions: the new text, or a notebook's JSON with its changed cells. */
export function renderBytes(plan: FilePlan, decisions: Decisions): Buffer {
  if (!plan.notebook) return encode(renderFile(plan, decisions), plan.bom);
  const { cells, newCell } = notebookChanges(plan, decidedEdits(plan, decisions));
  return encode(writeNotebook(plan.notebook, cells, newCell), plan.bom);
}
