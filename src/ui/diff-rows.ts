import { siteHunks, type DiffLine } from '../core/patch.js';
import { preambleIncluded } from '../core/plan.js';
import type { Decisions, FilePlan, Site } from '../core/types.js';
import { firstChangeOf } from './review-order.js';

/** One row of the diff panel. */
export type DiffRow =
  | { kind: 'hunk'; text: string }
  | { kind: 'line'; line: DiffLine; gutter: number }
  | { kind: 'note'; text: string; tone: 'warning' | 'info' };

const TAB = '    ';

/** The selected site's diff as rows: hunks from the core, then its warnings and notes. Pure. */
export function diffRows(plan: FilePlan, site: Site, decisions: Decisions, context: number): DiffRow[] {
  const decision = decisions.get(site.id);
  const first = firstChangeOf(plan, decisions) === site.id;
  const included = preambleIncluded(plan, decisions);
  // The first change of a file previews the preamble while it is pending: accepting it brings the preamble in.
  const withPreamble = first && plan.preamble !== null && (included || decision === undefined);
  const text = decision?.type === 'edited' ? decision.text : undefined;
  // A super() forward is never rewritten: there is no diff to show, only why.
  const hunks = site.kind === 'super' ? [] : siteHunks(plan, site.id, { text, withPreamble, context });
  const gutter = Math.max(1, ...hunks.flatMap((h) => h.lines.map((l) => String(Math.max(l.oldLine ?? 0, l.newLine ?? 0)).length)));

  const rows: DiffRow[] = notesBefore(plan, site);
  // The change itself first, then the preamble it brings in.
  for (const hunk of [...hunks.filter((h) => !h.preamble), ...hunks.filter((h) => h.preamble)]) {
    rows.push({ kind: 'hunk', text: hunk.header + (hunk.preamble ? preambleLabel(included) : '') });
    for (const line of hunk.lines) rows.push({ kind: 'line', line: untabbed(line), gutter });
  }
  if (hunks.length === 0 && site.kind !== 'super') rows.push({ kind: 'note', tone: 'info', text: 'No rewrite proposed here: press e to write one.' });
  for (const warning of site.warnings) rows.push({ kind: 'note', tone: 'warning', text: `⚠ ${warning}` });
  if (first && plan.preamble === null) rows.push({ kind: 'note', tone: 'info', text: 'KeyMapper is already defined or imported in this file: no preamble.' });
  else if (first && !withPreamble) rows.push({ kind: 'note', tone: 'info', text: 'KeyMapper preamble: not added (no change of this file is accepted).' });
  return rows;
}

function preambleLabel(included: boolean): string {
  return included ? '  KeyMapper preamble (added: a change of this file is accepted)' : '  KeyMapper preamble (added once a change of this file is accepted)';
}

function notesBefore(plan: FilePlan, site: Site): DiffRow[] {
  const rows: DiffRow[] = [];
  if (plan.parseError) rows.push({ kind: 'note', tone: 'warning', text: `⚠ ${plan.parseError}` });
  if (site.proposed) return rows;
  const hint =
    site.kind === 'super' ? 'it forwards to torch and is never rewritten' : site.kind === 'unsupported' ? 'e writes a replacement by hand' : 'y accepts it anyway, e edits it';
  rows.push({ kind: 'note', tone: 'info', text: `Not proposed: ${site.reason}; ${hint}.` });
  return rows;
}

function untabbed(line: DiffLine): DiffLine {
  return { ...line, segments: line.segments.map((s) => ({ ...s, text: s.text.replaceAll('\t', TAB) })) };
}

/** Which rows fit in `height` lines, a marker line taking the place of rows cut above or below. */
export function viewport(total: number, scroll: number, height: number) {
  if (total <= height) return { start: 0, count: total, above: 0, below: 0, maxScroll: 0 };
  const maxScroll = total - (height - 1);
  const start = Math.max(0, Math.min(scroll, maxScroll));
  const count = Math.max(1, start === 0 || start === maxScroll ? height - 1 : height - 2);
  return { start, count, above: start, below: total - start - count, maxScroll };
}
