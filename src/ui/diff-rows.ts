import { hintNotes } from '../core/hints/choose.js';
import { siteHunks, type DiffHunk, type DiffLine } from '../core/patch.js';
import { preambleIncluded } from '../core/plan.js';
import type { Decisions, FilePlan, Site } from '../core/types.js';
import { preambleSiteOf } from './review-order.js';

/** One row of the diff panel. */
export type DiffRow =
  | { kind: 'hunk'; text: string }
  | { kind: 'line'; line: DiffLine; gutter: number }
  | { kind: 'note'; text: string; tone: 'warning' | 'info' };

/** The selected site's diff as rows: its hunks from the core, its warnings, then the preamble or why not. Pure. */
export function diffRows(plan: FilePlan, site: Site, decisions: Decisions, context: number): DiffRow[] {
  const decision = decisions.get(site.id);
  const first = preambleSiteOf(plan, decisions) === site.id;
  const included = preambleIncluded(plan, decisions);
  // The first change of a file previews the preamble while it is pending: accepting it brings the preamble in.
  const withPreamble = first && plan.preamble !== null && (included || decision === undefined);
  const text = decision?.type === 'edited' ? decision.text : undefined;
  // The change and the preamble come as separate hunks, the change first, even where one unified hunk
  // would merge them: the preamble is ~200 lines and would bury the change. The preamble's hunk is the
  // core's diff with the site left as it is. A super() forward is never rewritten: no diff, only why.
  const change = site.kind === 'super' ? [] : siteHunks(plan, site.id, { text, withPreamble: false, context });
  const preamble = withPreamble ? siteHunks(plan, site.id, { text: site.original, withPreamble: true, context }) : [];
  const hunks = [...change, ...preamble];
  const gutter = Math.max(1, ...hunks.flatMap((h) => h.lines.map((l) => String(Math.max(l.oldLine ?? 0, l.newLine ?? 0)).length)));

  const rows: DiffRow[] = notesBefore(plan, site);
  for (const hunk of change) rows.push(...hunkRows(hunk, '', gutter));
  if (change.length === 0 && site.kind !== 'super') rows.push({ kind: 'note', tone: 'info', text: 'No rewrite proposed here: press e to write one.' });
  // Where each hint came from; how a head count was found on a line of its own (a row is cut at the screen's edge).
  for (const hint of site.hints ?? []) rows.push(...hintNotes(hint).map((text, k): DiffRow => ({ kind: 'note', tone: 'info', text: k === 0 ? text : `  ${text}` })));
  for (const warning of site.warnings) rows.push({ kind: 'note', tone: 'warning', text: `⚠ ${warning}` });
  for (const hunk of preamble) rows.push(...hunkRows(hunk, preambleLabel(included), gutter));
  if (first && plan.preamble === null) rows.push({ kind: 'note', tone: 'info', text: 'KeyMapper is already defined or imported in this file: no preamble.' });
  else if (first && !withPreamble) rows.push({ kind: 'note', tone: 'info', text: 'KeyMapper preamble: not added (no change of this file is accepted).' });
  return rows;
}

function hunkRows(hunk: DiffHunk, label: string, gutter: number): DiffRow[] {
  return [{ kind: 'hunk', text: hunk.header + label }, ...hunk.lines.map((line): DiffRow => ({ kind: 'line', line, gutter }))];
}

function preambleLabel(included: boolean): string {
  return included ? '  KeyMapper preamble (added: a change of this file is accepted)' : '  KeyMapper preamble (added once a change of this file is accepted)';
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
