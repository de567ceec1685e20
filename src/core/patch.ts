/** Unified diffs and display hunks, all from the `diff` package: the UI never diffs. */
import { createTwoFilesPatch, diffWordsWithSpace, structuredPatch } from 'diff';
import { applyEdits, decidedEdits, siteEdit } from './plan.js';
import type { Decisions, Edit, FilePlan } from './types.js';

export interface DiffSegment {
  text: string;
  /** True for the words that differ between a removed line and the added line that replaces it. */
  changed: boolean;
}

export interface DiffLine {
  kind: 'context' | 'add' | 'del';
  oldLine: number | null;
  newLine: number | null;
  segments: DiffSegment[];
}

export interface DiffHunk {
  header: string;
  lines: DiffLine[];
  /** True when the hunk holds the preamble insertion. */
  preamble: boolean;
}

/** The whole file's change under the decisions as a unified diff (`a/` and `b/` prefixes); '' if none. */
export function fileDiff(plan: FilePlan, decisions: Decisions, context = 3): string {
  const edits = decidedEdits(plan, decisions);
  if (edits.length === 0) return '';
  // The BOM goes back in, so that the patch's first line matches the file's bytes for `git apply`.
  const bom = plan.bom ? '\uFEFF' : '';
  const patch = createTwoFilesPatch(`a/${plan.path}`, `b/${plan.path}`, bom + plan.text, bom + applyEdits(plan.text, edits), '', '', { context });
  return patch.replace(/^={60,}\r?\n/, '').replace(/\t$/gm, '');
}

/** Splits word-diff parts into per-line segment lists, for one side. */
function sideLines(parts: { value: string; added?: boolean; removed?: boolean }[], side: 'old' | 'new'): DiffSegment[][] {
  const lines: DiffSegment[][] = [[]];
  for (const part of parts) {
    if ((side === 'old' && part.added) || (side === 'new' && part.removed)) continue;
    const changed = Boolean(part.added || part.removed);
    part.value.split('\n').forEach((piece, i) => {
      if (i > 0) lines.push([]);
      if (piece) lines[lines.length - 1]?.push({ text: piece, changed });
    });
  }
  return lines;
}

/** Turns a block of removed lines and the added lines after it into lines with word-level segments. */
function pairBlock(dels: string[], adds: string[], oldNo: number, newNo: number): DiffLine[] {
  const parts = diffWordsWithSpace(dels.join('\n'), adds.join('\n'));
  const oldSegs = dels.length ? sideLines(parts, 'old') : [];
  const newSegs = adds.length ? sideLines(parts, 'new') : [];
  return [
    ...dels.map((_, i): DiffLine => ({ kind: 'del', oldLine: oldNo + i, newLine: null, segments: oldSegs[i] ?? [] })),
    ...adds.map((_, i): DiffLine => ({ kind: 'add', oldLine: null, newLine: newNo + i, segments: newSegs[i] ?? [] })),
  ];
}

function toDisplayLines(raw: string[], oldStart: number, newStart: number): DiffLine[] {
  const out: DiffLine[] = [];
  let oldNo = oldStart;
  let newNo = newStart;
  for (let i = 0; i < raw.length; ) {
    const line = raw[i] ?? '';
    if (line.startsWith('\\')) { i++; continue; }
    if (line.startsWith(' ')) {
      out.push({ kind: 'context', oldLine: oldNo++, newLine: newNo++, segments: [{ text: line.slice(1).replace(/\r$/, ''), changed: false }] });
      i++;
      continue;
    }
    const dels: string[] = [];
    const adds: string[] = [];
    while (raw[i]?.startsWith('-') || raw[i]?.startsWith('\\')) { if (raw[i]?.startsWith('-')) dels.push((raw[i] ?? '').slice(1).replace(/\r$/, '')); i++; }
    while (raw[i]?.startsWith('+') || raw[i]?.startsWith('\\')) { if (raw[i]?.startsWith('+')) adds.push((raw[i] ?? '').slice(1).replace(/\r$/, '')); i++; }
    out.push(...pairBlock(dels, adds, oldNo, newNo));
    oldNo += dels.length;
    newNo += adds.length;
  }
  return out;
}

/** The hunks that show one site's change (its proposal, or `text` when given) and, if asked, the preamble. */
export function siteHunks(plan: FilePlan, siteId: string, opts: { text?: string; withPreamble: boolean; context: number }): DiffHunk[] {
  const site = plan.sites.find((s) => s.id === siteId);
  if (!site) return [];
  const edits: Edit[] = [siteEdit(plan, site, opts.text ?? site.edit.text)];
  if (opts.withPreamble && plan.preamble) edits.push(plan.preamble.edit);
  const patch = structuredPatch(plan.path, plan.path, plan.text, applyEdits(plan.text, edits), '', '', { context: opts.context });
  const preambleLine = plan.preamble?.line ?? -1;
  return patch.hunks.map((h) => ({
    header: `@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`,
    lines: toDisplayLines(h.lines, h.oldStart, h.newStart),
    preamble: opts.withPreamble && preambleLine >= h.oldStart && preambleLine <= h.oldStart + h.oldLines,
  }));
}
