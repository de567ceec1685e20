/**
 * A file's change under the decisions, as unified-diff text (`--dry-run`) and as display hunks (the
 * review): both from the same hunks (hunks.ts), so they are the same hunks. The UI never diffs.
 */
import { diffWordsWithSpace } from 'diff';
import { editHunks, hunkHeader, hunkText, type Hunk, type HunkLine } from './hunks.js';
import { decidedEdits, PREAMBLE_TAG } from './plan.js';
import type { Decisions, FilePlan } from './types.js';

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
  return editHunks(plan.text, decidedEdits(plan, decisions), context);
}

/** The whole file's change under the decisions as a unified diff (`a/` and `b/` prefixes); '' if none. */
export function fileDiff(plan: FilePlan, decisions: Decisions, context = 3): string {
  // The BOM goes back in, so that the patch's first line matches the file's bytes for `git apply`.
  const bom = plan.bom ? '\uFEFF' : '';
  const edits = decidedEdits(plan, decisions).map((e) => ({ ...e, start: e.start + bom.length, end: e.end + bom.length }));
  const hunks = editHunks(bom + plan.text, edits, context);
  if (hunks.length === 0) return '';
  return `${[`--- a/${plan.path}`, `+++ b/${plan.path}`, ...hunks.flatMap(hunkText)].join('\n')}\n`;
}

/** The file's hunks under the decisions, for display: line numbers on both sides and word-level highlights. */
export function displayHunks(plan: FilePlan, decisions: Decisions, context: number): DiffHunk[] {
  return fileHunks(plan, decisions, context).map((hunk) => ({
    header: hunkHeader(hunk),
    lines: displayLines(hunk),
    tags: hunk.tags,
    preamble: hunk.tags.includes(PREAMBLE_TAG),
  }));
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
