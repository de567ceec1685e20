/**
 * A file's change under the decisions, as unified-diff text (`--dry-run`) and as display hunks (the
 * review): both from the same hunks (hunks.ts), so they are the same hunks. The UI never diffs.
 */
import { diffWordsWithSpace } from 'diff';
import { editHunks, hunkHeader, hunkText, type Hunk, type HunkLine, type TaggedEdit } from './hunks.js';
import { editsByCell } from './notebook/notebook.js';
import { decidedEdits, PREAMBLE_TAG } from './plan.js';
import type { Decisions, FilePlan, SharedHelper } from './types.js';
import { planText } from './plan-text.js';

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
  /** What changed the line: site ids, or `preamble`; none for context. */
  tags: readonly string[];
}

export interface DiffHunk {
  header: string;
  lines: DiffLine[];
  /** Site ids and `preamble`: every change the hunk holds. */
  tags: string[];
  /** True when the hunk holds the preamble. */
  preamble: boolean;
}

/** The file's hunks under the decisions (the preamble's among them when it goes in). */
export function fileHunks(plan: FilePlan, decisions: Decisions, context: number): Hunk[] {
  return editHunks(planText(plan), decidedEdits(plan, decisions), context);
}

/** A notebook's part of a diff: a changed cell, or the preamble's new cell, with its hunks numbered within it. */
interface CellPart {
  /** `demo.ipynb · cell 7`, or `demo.ipynb · new cell before cell 3`. */
  name: string;
  /** The new cell's comes from nothing. */
  created: boolean;
  hunks: Hunk[];
}

const withEnd = (text: string) => (text === '' || text.endsWith('\n') ? text : `${text}\n`);

/**
 * A notebook's change, cell by cell, in cell order (the new cell before the cell it goes before):
 * each cell's hunks from its own edits, its lines numbered from 1 (a cell's last line counts as
 * ending, as Jupyter shows it).
 */
function notebookParts(plan: FilePlan, edits: readonly TaggedEdit[], context: number): CellPart[] {
  const map = plan.notebook;
  if (!map) return [];
  const byCell = editsByCell(map, edits.filter((e) => e.tag !== PREAMBLE_TAG));
  const parts: Array<CellPart & { at: number }> = [];
  const text = planText(plan);
  for (const cell of map.cells) {
    const mine = byCell.get(cell.index)?.map((e) => ({ ...e, start: e.start - cell.start, end: e.end - cell.start }));
    if (!mine) continue;
    const hunks = editHunks(withEnd(text.slice(cell.start, cell.end)), mine, context);
    if (hunks.length > 0) parts.push({ name: `${plan.path} · cell ${cell.index + 1}`, created: false, hunks, at: cell.index });
  }
  if (plan.preamble && edits.some((e) => e.tag === PREAMBLE_TAG)) {
    const at = plan.preamble.cell ?? map.insertAt;
    const name = `${plan.path} · new cell ${at < map.cellCount ? `before cell ${at + 1}` : 'at the end'}`;
    const hunks = editHunks('', [{ start: 0, end: 0, text: withEnd(plan.preamble.text), tag: PREAMBLE_TAG }], context);
    parts.push({ name, created: true, hunks, at: at - 0.5 });
  }
  return parts.sort((a, b) => a.at - b.at);
}

/** The whole file's change under the decisions as a unified diff (`a/` and `b/` prefixes); '' if none. */
export function fileDiff(plan: FilePlan, decisions: Decisions, context = 3): string {
  if (plan.notebook) {
    const parts = notebookParts(plan, decidedEdits(plan, decisions), context);
    const lines = parts.flatMap((part) => [part.created ? '--- /dev/null' : `--- a/${part.name}`, `+++ b/${part.name}`, ...part.hunks.flatMap(hunkText)]);
    return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
  }
  // The BOM goes back in, so that the patch's first line matches the file's bytes for `git apply`.
  const bom = plan.bom ? '\uFEFF' : '';
  const edits = decidedEdits(plan, decisions).map((e) => ({ ...e, start: e.start + bom.length, end: e.end + bom.length }));
  const hunks = editHunks(bom + planText(plan), edits, context);
  if (hunks.length === 0) return '';
  return `${[`--- a/${plan.path}`, `+++ b/${plan.path}`, ...hunks.flatMap(hunkText)].join('\n')}\n`;
}

/** The file's hunks under the decisions, for display: line numbers on both sides and word-level highlights. */
export function displayHunks(plan: FilePlan, decisions: Decisions, context: number): DiffHunk[] {
  if (plan.notebook) {
    // a notebook's hunks are its cells', numbered within each cell; the header says which cell
    return notebookParts(plan, decidedEdits(plan, decisions), context).flatMap((part) =>
      part.hunks.map((hunk) => display(hunk, `${hunkHeader(hunk)} ${part.name.slice(plan.path.length + 3)}`)),
    );
  }
  return fileHunks(plan, decisions, context).map((hunk) => display(hunk, hunkHeader(hunk)));
}

function display(hunk: Hunk, header: string): DiffHunk {
  return { header, lines: displayLines(hunk), tags: hunk.tags, preamble: hunk.tags.includes(PREAMBLE_TAG) };
}

/** The tag of the shared helper's lines. */
export const HELPER_TAG = 'helper';

function helperHunksOf(helper: SharedHelper, context: number): Hunk[] {
  return editHunks('', [{ start: 0, end: 0, text: helper.text ?? '', tag: HELPER_TAG }], context);
}

/** `--preamble module`'s shared helper as a new file's diff, from /dev/null. */
export function helperDiff(helper: SharedHelper, context = 3): string {
  return `${['--- /dev/null', `+++ b/${helper.path}`, ...helperHunksOf(helper, context).flatMap(hunkText)].join('\n')}\n`;
}

/** The shared helper's hunk, for the review. */
export function helperHunks(helper: SharedHelper, context: number): DiffHunk[] {
  return helperHunksOf(helper, context).map((hunk) => display(hunk, `${hunkHeader(hunk)} ${helper.path} (new file)`));
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

const shownText = (line: HunkLine) => line.text.replace(/\r$/, '');

/**
 * A block of removed lines and the added lines after it, as lines with word-level segments. Only a
 * block that replaces lines has words that differ: lines only added (the preamble) or only removed
 * are not highlighted word by word.
 */
function pairBlock(dels: HunkLine[], adds: HunkLine[], oldNo: number, newNo: number): DiffLine[] {
  const paired = dels.length > 0 && adds.length > 0;
  const parts = paired ? diffWordsWithSpace(dels.map(shownText).join('\n'), adds.map(shownText).join('\n')) : [{ value: [...dels, ...adds].map(shownText).join('\n') }];
  const oldSegs = dels.length ? sideLines(parts, 'old') : [];
  const newSegs = adds.length ? sideLines(parts, 'new') : [];
  return [
    ...dels.map((line, i): DiffLine => ({ kind: 'del', oldLine: oldNo + i, newLine: null, segments: oldSegs[i] ?? [], tags: line.tags })),
    ...adds.map((line, i): DiffLine => ({ kind: 'add', oldLine: null, newLine: newNo + i, segments: newSegs[i] ?? [], tags: line.tags })),
  ];
}

function displayLines(hunk: Hunk): DiffLine[] {
  const out: DiffLine[] = [];
  let oldNo = hunk.oldFrom + 1;
  let newNo = hunk.newFrom + 1;
  const lines = hunk.lines;
  for (let i = 0; i < lines.length; ) {
    const line = lines[i] as HunkLine;
    if (line.sign === ' ') {
      out.push({ kind: 'context', oldLine: oldNo++, newLine: newNo++, segments: [{ text: shownText(line), changed: false }], tags: [] });
      i++;
      continue;
    }
    const dels: HunkLine[] = [];
    const adds: HunkLine[] = [];
    while (lines[i]?.sign === '-') dels.push(lines[i++] as HunkLine);
    while (lines[i]?.sign === '+') adds.push(lines[i++] as HunkLine);
    out.push(...pairBlock(dels, adds, oldNo, newNo));
    oldNo += dels.length;
    newNo += adds.length;
  }
  return out;
}
