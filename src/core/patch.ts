/** Unified diffs and display hunks, all from the `diff` package: the UI never diffs. */
import { createTwoFilesPatch, diffWordsWithSpace, structuredPatch } from 'diff';
import { applyEdits, decidedEdits, notebookChanges, siteEdit } from './plan.js';
import type { Decisions, Edit, FilePlan, SharedHelper } from './types.js';

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

/** How diffs name a notebook's cell (1-based, as Jupyter users count them), and the preamble's new one. */
function cellName(plan: FilePlan, index: number): string {
  return `${plan.path} · cell ${index + 1}`;
}

function newCellName(plan: FilePlan): string {
  const at = plan.preamble?.cell ?? 0;
  return `${plan.path} · new cell ${at < (plan.notebook?.cellCount ?? 0) ? `before cell ${at + 1}` : 'at the end'}`;
}

const twoFiles = (from: string, to: string, before: string, after: string, context: number) =>
  createTwoFilesPatch(from, to, before, after, '', '', { context }).replace(/^={60,}\r?\n/, '').replace(/\t$/gm, '');

/** A notebook's change, cell by cell, each cell's lines numbered from 1; the preamble's new cell from /dev/null. */
function notebookDiff(plan: FilePlan, edits: Edit[], context: number): string {
  const { cells, newCell } = notebookChanges(plan, edits);
  const parts: string[] = [];
  const withEnd = (text: string) => (text === '' || text.endsWith('\n') ? text : `${text}\n`);
  const insertAt = plan.preamble?.cell ?? 0;
  let added = false;
  const addNew = () => {
    if (newCell === null || added) return;
    added = true;
    parts.push(twoFiles('/dev/null', `b/${newCellName(plan)}`, '', withEnd(newCell), context).replace(/^--- a\/dev\/null/m, '--- /dev/null'));
  };
  for (const cell of cells) {
    if (cell.index >= insertAt) addNew();
    const name = cellName(plan, cell.index);
    parts.push(twoFiles(`a/${name}`, `b/${name}`, withEnd(cell.before), withEnd(cell.after), context));
  }
  addNew();
  return parts.join('');
}

/** The shared helper as a new file's diff, from /dev/null. */
export function helperDiff(helper: SharedHelper, context = 3): string {
  return twoFiles('/dev/null', `b/${helper.path}`, '', helper.text ?? '', context).replace(/^--- a\/dev\/null/m, '--- /dev/null');
}

/** The shared helper's one hunk, for the review. */
export function helperHunks(helper: SharedHelper, context: number): DiffHunk[] {
  return displayHunks('', helper.text ?? '', context, `${helper.path} (new file)`, true);
}

/** The whole file's change under the decisions as a unified diff (`a/` and `b/` prefixes); '' if none. */
export function fileDiff(plan: FilePlan, decisions: Decisions, context = 3): string {
  const edits = decidedEdits(plan, decisions);
  if (edits.length === 0) return '';
  if (plan.notebook) return notebookDiff(plan, edits, context);
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
  if (plan.notebook) return notebookHunks(plan, edits, opts);
  if (opts.withPreamble && plan.preamble) edits.push(plan.preamble.edit);
  const patch = structuredPatch(plan.path, plan.path, plan.text, applyEdits(plan.text, edits), '', '', { context: opts.context });
  const preambleLine = plan.preamble?.line ?? -1;
  return patch.hunks.map((h) => ({
    header: `@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`,
    lines: toDisplayLines(h.lines, h.oldStart, h.newStart),
    preamble: opts.withPreamble && preambleLine >= h.oldStart && preambleLine <= h.oldStart + h.oldLines,
  }));
}

function displayHunks(before: string, after: string, context: number, title: string, preamble: boolean): DiffHunk[] {
  const patch = structuredPatch('a', 'b', before, after, '', '', { context });
  return patch.hunks.map((h) => ({
    // (a new cell or file starts after line 0 of nothing, as a unified diff says it)
    header: `@@ -${before === '' ? 0 : h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@ ${title}`,
    lines: toDisplayLines(h.lines, h.oldStart, h.newStart),
    preamble,
  }));
}

/** A notebook site's hunks, numbered within its cell, and (when asked) the preamble's new cell as its own hunk. */
function notebookHunks(plan: FilePlan, edits: Edit[], opts: { text?: string; withPreamble: boolean; context: number }): DiffHunk[] {
  const withEnd = (text: string) => (text === '' || text.endsWith('\n') ? text : `${text}\n`);
  const { cells } = notebookChanges(plan, edits);
  const hunks = cells.flatMap((cell) => displayHunks(withEnd(cell.before), withEnd(cell.after), opts.context, `cell ${cell.index + 1}`, false));
  if (opts.withPreamble && plan.preamble) hunks.push(...displayHunks('', withEnd(plan.preamble.text), opts.context, newCellName(plan).slice(plan.path.length + 3), true));
  return hunks;
}
