import { hintNotes } from '../core/hints/choose.js';
import { displayHunks, type DiffHunk, type DiffLine } from '../core/patch.js';
import { linesEdit, preambleIncluded, PREAMBLE_TAG } from '../core/plan.js';
import type { Decisions, FilePlan, Site } from '../core/types.js';
import { canAccept, findSite, preambleSiteOf } from './review-order.js';

/** One row of the diff panel. */
export type DiffRow =
  | { kind: 'hunk'; text: string }
  | { kind: 'line'; line: DiffLine; gutter: number }
  | { kind: 'note'; text: string; tone: 'warning' | 'info' };

/** The decisions with the site's change in: its edit, or its proposal (what `y` writes). */
function withChange(site: Site, decisions: Decisions): Decisions {
  const decision = decisions.get(site.id);
  if (decision?.type === 'accepted' || decision?.type === 'edited' || !canAccept(site)) return decisions;
  return new Map(decisions).set(site.id, { type: 'accepted' });
}

/**
 * The selected site's diff as rows: its hunks, its warnings, then the preamble's hunk or why not.
 * The hunks are those of the file as it will be written with this change in (the other sites as
 * decided, the preamble when it goes in): the core's hunks, the same `--dry-run` prints, line numbers
 * and all. The change's hunks come first; the preamble's (about 200 lines) after them, with the
 * file's first change. Pure.
 */
export function diffRows(plan: FilePlan, site: Site, decisions: Decisions, context: number): DiffRow[] {
  const shown = withChange(site, decisions);
  // A super() forward is never rewritten: no diff, only why.
  const hunks = site.kind === 'super' ? [] : displayHunks(plan, shown, context);
  const change = hunks.filter((h) => h.tags.includes(site.id));
  const first = preambleSiteOf(plan, decisions) === site.id;
  const preambleIn = preambleIncluded(plan, shown);
  const carries = preambleIn && preambleSiteOf(plan, shown) === site.id;
  const preamble = carries ? hunks.filter((h) => h.preamble && !change.includes(h)) : [];
  const label = preambleLabel(preambleIncluded(plan, decisions));
  const gutter = Math.max(1, ...[...change, ...preamble].flatMap((h) => h.lines.map((l) => String(Math.max(l.oldLine ?? 0, l.newLine ?? 0)).length)));

  const rows: DiffRow[] = notesBefore(plan, site);
  for (const hunk of change) rows.push(...hunkRows(hunk, hunk.preamble ? label : '', gutter));
  const editor = coveringEdit(plan, site, decisions);
  if (editor) rows.push({ kind: 'note', tone: 'info', text: `This call is written as your edit of line ${editor.line} has it.` });
  else if (change.length === 0 && site.kind !== 'super') rows.push({ kind: 'note', tone: 'info', text: 'No rewrite proposed here: press e to write one.' });
  // Where each hint came from; how a head count was found on a line of its own (a row is cut at the screen's edge).
  for (const hint of site.hints ?? []) rows.push(...hintNotes(hint).map((text, k): DiffRow => ({ kind: 'note', tone: 'info', text: k === 0 ? text : `  ${text}` })));
  for (const warning of site.warnings) rows.push({ kind: 'note', tone: 'warning', text: `⚠ ${warning}` });
  for (const hunk of preamble) rows.push(...hunkRows(hunk, label, gutter));
  if (first && plan.preamble === null) rows.push({ kind: 'note', tone: 'info', text: 'KeyMapper is already defined or imported in this file: no preamble.' });
  else if (preambleIn && !carries && !change.some((h) => h.preamble)) rows.push({ kind: 'note', tone: 'info', text: preambleElsewhere(plan, hunks, shown) });
  else if (first && plan.preamble !== null && !preambleIn) rows.push({ kind: 'note', tone: 'info', text: 'KeyMapper preamble: not added (no change of this file is accepted).' });
  return rows;
}

/** Another site whose edit reaches this site's call (they share lines): the call is written as that edit has it. */
function coveringEdit(plan: FilePlan, site: Site, decisions: Decisions): Site | null {
  for (const other of plan.sites) {
    const decision = decisions.get(other.id);
    if (other.id === site.id || decision?.type !== 'edited') continue;
    const edit = linesEdit(plan, other, decision.text);
    if (edit.start < site.edit.end && site.edit.start < edit.end) return other;
  }
  return null;
}

/** The row of the site's first changed line, which the panel keeps in view; -1 when it has none. */
export function focusRow(rows: readonly DiffRow[], siteId: string): number {
  return rows.findIndex((r) => r.kind === 'line' && r.line.kind !== 'context' && r.line.tags.includes(siteId));
}

function hunkRows(hunk: DiffHunk, label: string, gutter: number): DiffRow[] {
  return [{ kind: 'hunk', text: hunk.header + label }, ...hunk.lines.map((line): DiffRow => ({ kind: 'line', line, gutter }))];
}

function preambleLabel(included: boolean): string {
  return included ? '  KeyMapper preamble (added: a change of this file is accepted)' : '  KeyMapper preamble (added once a change of this file is accepted)';
}

/** Why the new line numbers jump: the preamble goes in above, and which change shows it. */
function preambleElsewhere(plan: FilePlan, hunks: readonly DiffHunk[], shown: Decisions): string {
  const added = hunks.flatMap((h) => h.lines).filter((l) => l.kind === 'add' && l.tags.includes(PREAMBLE_TAG));
  const carrier = findSite([plan], preambleSiteOf(plan, shown))?.site;
  const where = added.length > 0 ? ` (new lines ${added[0]?.newLine}-${added[added.length - 1]?.newLine})` : '';
  return `New line numbers count the KeyMapper preamble${where}, shown with the change at line ${carrier?.line ?? '?'}.`;
}

function notesBefore(plan: FilePlan, site: Site): DiffRow[] {
  const rows: DiffRow[] = [];
  if (plan.parseError) rows.push({ kind: 'note', tone: 'warning', text: `⚠ ${plan.parseError}` });
  // What decided the kind, for a proposed site as for one left alone: the reviewer can check it.
  if (site.proposed) return [...rows, { kind: 'note', tone: 'info', text: `Proposed: ${site.evidence.note}.` }];
  const hint =
    site.kind === 'super' ? 'it forwards to torch and is never rewritten' : site.kind === 'unsupported' ? 'e writes a replacement by hand' : 'y accepts it anyway, e edits it';
  rows.push({ kind: 'note', tone: 'info', text: `Not proposed: ${site.reason}; ${hint}.` });
  return rows;
}

/** Which rows fit in `height` lines, a marker line taking the place of rows cut above or below. */
export function viewport(total: number, scroll: number, height: number) {
  if (total <= height) return { start: 0, count: total, above: 0, below: 0, maxScroll: 0 };
  const maxScroll = total - (height - 1);
  const start = Math.max(0, Math.min(scroll, maxScroll));
  const count = Math.max(1, start === 0 || start === maxScroll ? height - 1 : height - 2);
  return { start, count, above: start, below: total - start - count, maxScroll };
}

/** How many rows the panel keeps at its top while the rest scrolls: the notes before the first hunk (why the site is, or is not, proposed). */
export function pinnedRows(rows: readonly DiffRow[]): number {
  const first = rows.findIndex((r) => r.kind !== 'note');
  return first === -1 ? 0 : first;
}

/**
 * The first row the diff panel shows before the reviewer scrolls: the top, unless the change would
 * not be in view there (the preamble's hunk and the change can be one hunk), then two rows above it.
 */
export function diffStart(total: number, focus: number, height: number): number {
  const atTop = viewport(total, 0, height);
  if (focus < 0 || focus < atTop.count) return 0;
  return Math.min(focus - 2, viewport(total, Infinity, height).maxScroll);
}
