/** File text -> FilePlan (pure apart from parsing), and FilePlan + decisions -> new text. */
import { bindingOffsets } from './binding-words.js';
import { describeBinding, moduleBindings, starImports } from './bindings.js';
import { firstSyntaxError, getParser, maskCommentRuns, parseWith, sourceOf, type Parser, type Tree } from './parser.js';
import { keyMapperState, placePreamble } from './preamble.js';
import { classReads, planNames, renameClass } from './preamble-names.js';
import { preambleSource } from './preamble-source.js';
import { rewriteCall } from './rewrite.js';
import { findCalls } from './sites.js';
import { focusRanges } from './statements.js';
import { LineIndex, decode, sha256 } from './text.js';
import type { Decision, Decisions, Edit, FilePlan, ScanOptions, Site } from './types.js';

/**
 * The tree planning reads: only the statements that matter when the lexer is sure of them and they
 * parse cleanly, else the whole file (so a syntax error is always reported from a full parse).
 */
function parseForPlan(parser: Parser, text: string, lines: LineIndex, focus: boolean, binders: ReadonlyMap<string, readonly number[]>): Tree {
  const masked = maskCommentRuns(text);
  const ranges = focus ? focusRanges(text, lines, binders) : null;
  if (ranges) {
    const focused = parseWith(parser, masked, ranges);
    if (!focused.rootNode.hasError) return focused;
    focused.delete();
  }
  return parseWith(parser, masked);
}

/** `planWith` once the parser has loaded. `focus: false` parses the whole file (the tests compare both ways). */
export async function planFile(path: string, absPath: string, bytes: Uint8Array, options: ScanOptions, focus = true): Promise<FilePlan> {
  return planWith(await getParser(), path, absPath, bytes, options, focus);
}

export function planWith(parser: Parser, path: string, absPath: string, bytes: Uint8Array, options: ScanOptions, focus = true): FilePlan {
  const { text, bom, eol } = decode(bytes);
  const lines = new LineIndex(text);
  const source = preambleSource(options.mapper);
  const reads = classReads(parser, source);
  // the names whose module-level bindings matter: the mapper's, the rewrites' target, and those the class reads
  const binders = bindingOffsets(text, ['KeyMapper', options.targetName, ...reads.keys()]);
  const tree = parseForPlan(parser, text, lines, focus, binders);
  try {
    const root = tree.rootNode;
    const error = firstSyntaxError(root);
    const bindings = moduleBindings(root, text, binders);
    const keyMapper = keyMapperState(bindings.get('KeyMapper'));
    const mapperTaken = typeof keyMapper === 'object'
      ? `\`KeyMapper\` is bound in this file to something else (${describeBinding(text, keyMapper)}), and the rewrite calls KeyMapper.from_torch: rename it first`
      : null;
    const target = bindings.get(options.targetName)?.[0];
    const targetTaken = target
      ? `\`${options.targetName}\` is already bound in this file (${describeBinding(text, target)}): assigning the weights to it would replace that; pass another --target-name`
      : null;
    const sites: Site[] = [];
    for (const found of findCalls(root, text)) {
      const start = lines.position(found.call.startIndex);
      const end = lines.position(found.call.endIndex);
      const rewrite = rewriteCall(text, found, options.targetName, lines);
      const raw = rewrite?.edit ?? { start: found.call.startIndex, end: found.call.endIndex, text: sourceOf(text, found.call) };
      const edit: Edit = { ...raw, text: raw.text.replace(/\r?\n/g, eol) };
      const proposable = rewrite !== null && found.kind !== 'super';
      const wanted = proposable && (found.kind === 'module' || options.include.includes(found.kind));
      const conflict = mapperTaken ?? (rewrite?.assigns ? targetTaken : null);
      const proposed = wanted && conflict === null;
      sites.push({
        id: `${path}:${start.line}:${start.column}`,
        path,
        line: start.line,
        column: start.column,
        endLine: end.line,
        endColumn: end.column,
        receiver: sourceOf(text, found.receiver),
        kind: found.kind,
        proposed,
        reason: proposed ? '' : !wanted ? found.reason || `kind \`${found.kind}\` is not proposed (use --include ${found.kind})` : (conflict ?? ''),
        original: text.slice(edit.start, edit.end),
        replacement: edit.text,
        warnings: rewrite?.warnings ?? [],
        edit,
      });
    }
    let preamble: FilePlan['preamble'] = null;
    if (sites.length > 0 && keyMapper === 'absent') {
      const names = planNames(text, source, reads, bindings, starImports(root, text).length > 0);
      const first = Math.min(...sites.map((s) => s.edit.start));
      const edit = placePreamble(text, lines, root, first, names.imports, renameClass(source.body, reads, names.renames), eol);
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
      parseError: error ? `syntax error at line ${error.line}, column ${error.column}` : null,
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

/** The preamble goes in when any change of the file is accepted or edited. */
export function preambleIncluded(plan: FilePlan, decisions: Decisions): boolean {
  return plan.preamble !== null && plan.sites.some((s) => decidedText(s, decisions.get(s.id)) !== null);
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
    if (text !== null) edits.push({ start: site.edit.start, end: site.edit.end, text: text.replace(/\r?\n/g, plan.eol) });
  }
  if (edits.length > 0 && plan.preamble) edits.push(plan.preamble.edit);
  return edits;
}

/** The file's new text (without BOM, same line endings) under the decisions. */
export function renderFile(plan: FilePlan, decisions: Decisions): string {
  return applyEdits(plan.text, decidedEdits(plan, decisions));
}
