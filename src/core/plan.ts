/** File text -> FilePlan (pure apart from parsing), and FilePlan + decisions -> new text. */
import { bindingOffsets } from './binding-words.js';
import { importStatements, moduleBindings, starImports } from './bindings.js';
import { getParser, maskCommentRuns, parseWith, sourceOf, type Parser, type Tree } from './parser.js';
import { nameConflicts, placePreamble } from './preamble.js';
import { classWords, preambleFor } from './preamble-names.js';
import { preambleSource } from './preamble-source.js';
import { controlWarnings } from './control-warning.js';
import { rewriteCall } from './rewrite.js';
import type { ProjectIndex } from './evidence/index.js';
import { fileIndex, siteKind, withConflict } from './evidence/settle.js';
import { findCalls } from './sites.js';
import { describeSyntaxError, locateSyntaxError, type SyntaxProblem } from './syntax-error.js';
import { focusRanges } from './statements.js';
import { LineIndex, decode, sha256 } from './text.js';
import type { Decision, Decisions, Edit, FilePlan, ScanOptions, Site } from './types.js';

/**
 * The tree planning reads: only the statements that matter when the lexer is sure of them and they
 * parse cleanly, else the whole file (so a syntax error is always reported from a full parse), or
 * the code before a tokenizer error (`locateSyntaxError`).
 */
function parseForPlan(parser: Parser, text: string, lines: LineIndex, focus: boolean, binders: ReadonlyMap<string, readonly number[]>): { tree: Tree; error: SyntaxProblem | null } {
  const masked = maskCommentRuns(text);
  const ranges = focus ? focusRanges(text, lines, binders) : null;
  if (ranges) {
    const focused = parseWith(parser, masked, ranges);
    if (!focused.rootNode.hasError) return { tree: focused, error: null };
    focused.delete();
  }
  const whole = parseWith(parser, masked);
  return whole.rootNode.hasError ? locateSyntaxError(parser, text, masked, lines, whole) : { tree: whole, error: null };
}

/** `planWith` once the parser has loaded. `focus: false` parses the whole file (the tests compare both ways). */
export async function planFile(path: string, absPath: string, bytes: Uint8Array, options: ScanOptions, focus = true): Promise<FilePlan> {
  return planWith(await getParser(), path, absPath, bytes, options, focus);
}

export function planWith(parser: Parser, path: string, absPath: string, bytes: Uint8Array, options: ScanOptions, focus = true): FilePlan {
  const { text, bom, eol } = decode(bytes);
  const lines = new LineIndex(text);
  const source = preambleSource(options.mapper);
  // the names whose module-level bindings matter: the mapper's, the rewrites' target, and those the class reads
  const binders = bindingOffsets(text, ['KeyMapper', options.targetName, ...classWords(source)]);
  const { tree, error } = parseForPlan(parser, text, lines, focus, binders);
  try {
    const root = tree.rootNode;
    const importNodes = importStatements(root, text);
    const bindings = moduleBindings(root, importNodes, binders);
    const { keyMapper, mapperTaken, targetTaken } = nameConflicts(text, bindings, options.targetName);
    const sites: Site[] = [];
    let index: ProjectIndex | null = null;
    for (const found of findCalls(root, text, path, lines)) {
      const start = lines.position(found.call.startIndex);
      const end = lines.position(found.call.endIndex);
      const rewrite = rewriteCall(text, found, options.targetName, lines);
      const raw = rewrite?.edit ?? { start: found.call.startIndex, end: found.call.endIndex, text: sourceOf(text, found.call) };
      const edit: Edit = { ...raw, text: raw.text.replace(/\r?\n/g, eol) };
      const hintsAt = rewrite ? raw.text.slice(raw.text.length - rewrite.hintsAt).replace(/\r?\n/g, eol).length : undefined;
      const receiver = sourceOf(text, found.receiver);
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
        ...withConflict(siteKind(index, found.clues, found.state === null, receiver, options.include), conflict),
        ...(conflict ? { conflict } : {}),
        clues: found.clues,
        original: text.slice(edit.start, edit.end),
        replacement: edit.text,
        warnings: [...controlWarnings(text, lines, Math.min(edit.start, found.call.startIndex), Math.max(edit.end, found.call.endIndex)), ...(rewrite?.warnings ?? [])],
        edit,
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
  } finally {
    tree.delete();
  }
}

/** Decisions that accept every proposed site (what `--yes` and `--dry-run` use). */
export function acceptProposed(plans: readonly FilePlan[]): Map<string, Decision> {
  const decisions = new Map<string, Decision>();
  for (const plan of plans) for (const site of plan.sites) if (site.proposed) decisions.set(site.id, { type: 'accepted' });
  return decisions;
}

/** The replacement a decision gives a site, or null when the site stays as it is. */
function decidedText(site: Site, decision: Decision | undefined): string | null {
  if (decision?.type === 'accepted') return site.kind === 'super' ? null : site.edit.text;
  if (decision?.type === 'edited') return decision.text;
  return null;
}

const CALLS_MAPPER = /(?<![\p{L}\p{N}_])KeyMapper(?![\p{L}\p{N}_])/u;

/** The preamble goes in when a decided change calls KeyMapper: an accepted one, or an edit that still does. */
export function preambleIncluded(plan: FilePlan, decisions: Decisions): boolean {
  return plan.preamble !== null && plan.sites.some((s) => CALLS_MAPPER.test(decidedText(s, decisions.get(s.id)) ?? ''));
}

/**
 * The edit that writing `text` in place of a site makes. An empty (or blank) text removes the
 * statement: its whole line when nothing else is on it, else with the `;` that joined it.
 */
export function siteEdit(plan: FilePlan, site: Site, text: string): Edit {
  const { start, end } = site.edit;
  if (text.trim() !== '') return { start, end, text: text.replace(/\r?\n/g, plan.eol) };
  const lineStart = plan.text.lastIndexOf('\n', start - 1) + 1;
  const lf = plan.text.indexOf('\n', end);
  const lineEnd = lf === -1 ? plan.text.length : lf + 1;
  const before = plan.text.slice(lineStart, start);
  const after = plan.text.slice(end, lineEnd);
  if (/^[ \t]*$/.test(before) && /^[ \t]*\r?\n?$/.test(after)) return { start: lineStart, end: lineEnd, text: '' };
  const joinBefore = /[ \t]*;[ \t]*$/.exec(before);
  if (joinBefore) return { start: start - joinBefore[0].length, end, text: '' };
  const joinAfter = /^[ \t]*;[ \t]*/.exec(after);
  return { start, end: end + (joinAfter?.[0].length ?? 0), text: '' };
}

/** Applies non-overlapping edits in any order; at one offset an insertion lands before a replacement. */
export function applyEdits(text: string, edits: Edit[]): string {
  let out = text;
  for (const edit of [...edits].sort((a, b) => b.start - a.start || b.end - a.end)) {
    out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  }
  return out;
}

/** The edits the decisions call for, the preamble included when it goes in. */
export function decidedEdits(plan: FilePlan, decisions: Decisions): Edit[] {
  const edits: Edit[] = [];
  for (const site of plan.sites) {
    const text = decidedText(site, decisions.get(site.id));
    if (text !== null) edits.push(siteEdit(plan, site, text));
  }
  if (plan.preamble && preambleIncluded(plan, decisions)) edits.push(plan.preamble.edit);
  return edits;
}

/** The file's new text (without BOM, same line endings) under the decisions. */
export function renderFile(plan: FilePlan, decisions: Decisions): string {
  return applyEdits(plan.text, decidedEdits(plan, decisions));
}
