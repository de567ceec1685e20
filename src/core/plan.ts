/** File text -> FilePlan (pure apart from parsing), and FilePlan + decisions -> new text. */
import { bindingOffsets } from './binding-words.js';
import { importStatements, moduleBindings, starImports } from './bindings.js';
import { getParser, maskCommentRuns, parseWith, sourceOf, type Parser, type Tree } from './parser.js';
import { nameConflicts, placePreamble } from './preamble.js';
import { classWords, preambleFor } from './preamble-names.js';
import { preambleSource, type PreambleSource } from './preamble-source.js';
import { controlWarnings } from './control-warning.js';
import type { TaggedEdit } from './hunks.js';
import { rewriteCall } from './rewrite.js';
import { statementLines } from './statement-lines.js';
import type { ProjectIndex } from './evidence/index.js';
import { fileIndex, siteKind, withConflict } from './evidence/settle.js';
import { findCalls } from './sites.js';
import { describeSyntaxError, locateSyntaxError, type SyntaxProblem } from './syntax-error.js';
import { Focus, moduleRegions } from './focus.js';
import { fileStructure } from './statements.js';
import { LineIndex, decode, sha256 } from './text.js';
import type { Decision, Decisions, Edit, FilePlan, ScanOptions, Site } from './types.js';

/** How many times a focused parse is widened to what the evidence read before the whole file is parsed instead. */
const MAX_WIDENINGS = 4;

/**
 * The tree planning reads: only the statements `focus` keeps when the lexer is sure of them and they
 * parse cleanly (with `focus` as the tree's coverage), else the whole file (so a syntax error is
 * always reported from a full parse), or the code before a tokenizer error (`locateSyntaxError`).
 */
function parseForPlan(parser: Parser, text: string, masked: string, lines: LineIndex, focus: Focus | null): { tree: Tree; error: SyntaxProblem | null; coverage: Focus | null } {
  const ranges = focus?.ranges(lines) ?? null;
  if (ranges) {
    const focused = parseWith(parser, masked, ranges);
    if (!focused.rootNode.hasError) return { tree: focused, error: null, coverage: focus };
    focused.delete();
  }
  const whole = parseWith(parser, masked);
  return { ...(whole.rootNode.hasError ? locateSyntaxError(parser, text, masked, lines, whole) : { tree: whole, error: null }), coverage: null };
}

/** `planWith` once the parser has loaded. `focus: false` parses the whole file (the tests compare both ways). */
export async function planFile(path: string, absPath: string, bytes: Uint8Array, options: ScanOptions, focus = true): Promise<FilePlan> {
  return planWith(await getParser(), path, absPath, bytes, options, focus);
}

export function planWith(parser: Parser, path: string, absPath: string, bytes: Uint8Array, options: ScanOptions, focused = true): FilePlan {
  const { text, bom, eol } = decode(bytes);
  const lines = new LineIndex(text);
  const source = preambleSource(options.mapper);
  // the names whose module-level bindings matter: the mapper's, the rewrites' target, and those the class reads
  const structure = fileStructure(text);
  // (only where the module's own bindings can be, when the lexer knows where that is)
  const binders = bindingOffsets(text, ['KeyMapper', options.targetName, ...classWords(source)], structure ? moduleRegions(text, structure) : undefined);
  const masked = maskCommentRuns(text);
  let focus = focused && structure ? Focus.of(text, structure, binders) : null;
  for (let widenings = 0; ; widenings++) {
    const { tree, error, coverage } = parseForPlan(parser, text, masked, lines, focus);
    try {
      const plan = planTree(parser, tree, error, coverage, { path, absPath, bytes, text, bom, eol, lines, source, binders, options });
      if (plan) return plan;
    } finally {
      tree.delete();
    }
    // the evidence read statements the focused tree lacked: keep them too, or parse the whole file
    if (focus && widenings < MAX_WIDENINGS) focus.widen();
    else focus = null;
  }
}

interface FileInput {
  path: string;
  absPath: string;
  bytes: Uint8Array;
  text: string;
  bom: boolean;
  eol: '\n' | '\r\n';
  lines: LineIndex;
  source: PreambleSource;
  binders: ReadonlyMap<string, readonly number[]>;
  options: ScanOptions;
}

/** The plan read from `tree`; null when it read a statement that `coverage` (a focused tree) lacks. */
function planTree(parser: Parser, tree: Tree, error: SyntaxProblem | null, coverage: Focus | null, file: FileInput): FilePlan | null {
  const { path, absPath, bytes, text, bom, eol, lines, source, binders, options } = file;
  const root = tree.rootNode;
  const importNodes = importStatements(root, text);
  const bindings = moduleBindings(root, importNodes, binders);
  const { keyMapper, mapperTaken, targetTaken } = nameConflicts(text, bindings, options.targetName, options.mapper);
  const sites: Site[] = [];
  let index: ProjectIndex | null = null;
  const found = findCalls(root, text, path, lines, coverage ?? undefined);
  if (coverage && coverage.misses.length > 0) return null;
  for (const call of found) {
    const start = lines.position(call.call.startIndex);
    const end = lines.position(call.call.endIndex);
    const rewrite = rewriteCall(text, call, options.targetName, lines, options.mapper);
    const raw = rewrite?.edit ?? { start: call.call.startIndex, end: call.call.endIndex, text: sourceOf(text, call.call) };
    const edit: Edit = { ...raw, text: raw.text.replace(/\r?\n/g, eol) };
    const hintsAt = rewrite ? raw.text.slice(raw.text.length - rewrite.hintsAt).replace(/\r?\n/g, eol).length : undefined;
    const receiver = sourceOf(text, call.receiver);
    // What this file alone says; the scanner settles the kind again once every file is indexed.
    index ??= fileIndex(path, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    const conflict = mapperTaken ?? (rewrite?.assigns ? targetTaken : null);
    sites.push({
      id: `${path}:${start.line}:${start.column}`,
      path,
      line: start.line,
      column: start.column,
      endLine: end.line,
      endColumn: end.column,
      receiver,
      ...withConflict(siteKind(index, call.clues, call.state === null, receiver, options.include), conflict),
      ...(conflict ? { conflict } : {}),
      clues: call.clues,
      original: text.slice(edit.start, edit.end),
      replacement: edit.text,
      warnings: [...controlWarnings(text, lines, Math.min(edit.start, call.call.startIndex), Math.max(edit.end, call.call.endIndex)), ...(rewrite?.warnings ?? [])],
      edit,
      lines: statementLines(text, call.call, lines),
      ...(hintsAt !== undefined ? { hintsAt } : {}),
    });
  }
  let preamble: FilePlan['preamble'] = null;
  if (sites.length > 0 && keyMapper === 'absent') {
    const { imports, body } = preambleFor(parser, text, source, bindings, starImports(importNodes).length > 0);
    const first = Math.min(...sites.map((s) => s.edit.start));
    const edit = placePreamble(text, lines, root, first, imports, body, eol);
    preamble = { line: lines.position(edit.start).line, endLine: lines.position(edit.end).line, text: edit.text, edit };
  }
  return {
    path,
    absPath,
    sites,
    preamble,
    hash: sha256(bytes),
    text,
    bom,
    eol,
    parseError: error ? describeSyntaxError(error) : null,
  };
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
  return plan.text.slice(site.lines.start, site.lines.end).replace(/\r\n/g, '\n');
}

/** The site's whole lines as its proposal writes them (LF line ends): what the editors start from. */
export function proposedLines(plan: FilePlan, site: Site): string {
  const { lines, edit } = site;
  return (plan.text.slice(lines.start, edit.start) + site.replacement + plan.text.slice(edit.end, lines.end)).replace(/\r\n/g, '\n');
}

/**
 * The edit that writes `text` as the site's whole lines: only the span that differs from them (so a
 * call sharing the lines and left alone by the edit keeps its own decision). Blank text removes the
 * lines, line break and all.
 */
export function linesEdit(plan: FilePlan, site: Site, text: string): Edit {
  const { start, end } = site.lines;
  if (text.trim() === '') {
    const lineEnd = plan.text.startsWith('\r\n', end) ? end + 2 : plan.text.startsWith('\n', end) ? end + 1 : end;
    return { start, end: lineEnd, text: '' };
  }
  const want = text.replace(/\r?\n/g, plan.eol);
  const have = plan.text.slice(start, end);
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
  return plan.preamble !== null && writtenChanges(plan, decisions).some((c) => CALLS_MAPPER.test(c.text));
}

/** The edits the decisions call for, the preamble included when it goes in; each tagged with its site's id, or `preamble`. */
export function decidedEdits(plan: FilePlan, decisions: Decisions): TaggedEdit[] {
  const edits = writtenChanges(plan, decisions).map((c) => c.edit);
  if (plan.preamble && preambleIncluded(plan, decisions)) edits.push({ ...plan.preamble.edit, tag: PREAMBLE_TAG });
  return edits;
}

/** The file's new text (without BOM, same line endings) under the decisions. */
export function renderFile(plan: FilePlan, decisions: Decisions): string {
  return applyEdits(plan.text, decidedEdits(plan, decisions));
}
