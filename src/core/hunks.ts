/**
 * Unified-diff hunks built from the edits themselves. A generic line diff of the whole file may
 * line an inserted block up with a blank line inside it and split it in two, or slide it; these
 * hunks put each change where its edit is, as `git diff` shows the written file. `--dry-run` and
 * the review both print them, so their hunks are the same.
 */
import { diffArrays } from 'diff';
import type { Edit } from './types.js';
import { LineIndex, nextLineStart, splitLines } from './text.js';

/** An edit and what made it (a site id, or `preamble`). */
export interface TaggedEdit extends Edit {
  tag: string;
}

/** One line of a hunk: its sign, its text without the line break, and what changed it (none for context). */
export interface HunkLine {
  sign: ' ' | '-' | '+';
  text: string;
  /** False for the last line of a file that has no final line break. */
  eol: boolean;
  tags: readonly string[];
}

export interface Hunk {
  /** 0-based index of the first old and new line the hunk covers. */
  oldFrom: number;
  newFrom: number;
  oldCount: number;
  newCount: number;
  lines: HunkLine[];
  /** Every tag of the hunk's changed lines. */
  tags: string[];
}

/** A line with its line break, and what changed it. */
interface Tagged {
  raw: string;
  tags: readonly string[];
}

/** A run of removed lines and the lines added in their place (either may be empty). */
interface Change {
  oldFrom: number;
  newFrom: number;
  dels: Tagged[];
  adds: Tagged[];
}

/** The changes of one region of whole lines: common lines at either end, and between changes, are not changes. */
function regionChanges(old: string[], neu: string[], oldFrom: number, newFrom: number, tags: readonly string[]): Change[] {
  let head = 0;
  while (head < old.length && head < neu.length && old[head] === neu[head]) head++;
  let tail = 0;
  while (tail < old.length - head && tail < neu.length - head && old[old.length - 1 - tail] === neu[neu.length - 1 - tail]) tail++;
  const changes: Change[] = [];
  let o = oldFrom + head;
  let n = newFrom + head;
  let current: Change | null = null;
  for (const part of diffArrays(old.slice(head, old.length - tail), neu.slice(head, neu.length - tail))) {
    const count = part.value.length;
    if (!part.added && !part.removed) {
      current = null;
      o += count;
      n += count;
      continue;
    }
    if (!current) {
      current = { oldFrom: o, newFrom: n, dels: [], adds: [] };
      changes.push(current);
    }
    const lines = part.value.map((raw) => ({ raw, tags }));
    if (part.removed) {
      current.dels.push(...lines);
      o += count;
    } else {
      current.adds.push(...lines);
      n += count;
    }
  }
  return changes;
}

/** The line changes the edits make (`all` is the text's lines): each edit widened to whole lines, edits sharing a line taken together. */
function changesOf(text: string, all: readonly string[], edits: readonly TaggedEdit[]): Change[] {
  const lines = new LineIndex(text);
  // At one offset an insertion goes before a replacement, as applyEdits has it.
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  const regions: Array<{ start: number; end: number; edits: TaggedEdit[] }> = [];
  for (const edit of sorted) {
    const start = lines.lineStart(lines.row(edit.start));
    const head = text.slice(start, edit.start) + edit.text;
    const atLineStart = edit.end === 0 || text[edit.end - 1] === '\n';
    const end = atLineStart && (head === '' || head.endsWith('\n')) ? edit.end : nextLineStart(text, edit.end);
    const last = regions[regions.length - 1];
    if (last && start < last.end) {
      last.end = Math.max(last.end, end);
      last.edits.push(edit);
    } else {
      regions.push({ start, end, edits: [edit] });
    }
  }
  const found: Change[] = [];
  let delta = 0;
  for (const region of regions) {
    let replaced = '';
    let at = region.start;
    for (const edit of region.edits) {
      replaced += text.slice(at, edit.start) + edit.text;
      at = Math.max(at, edit.end);
    }
    replaced += text.slice(at, region.end);
    const old = splitLines(text.slice(region.start, region.end));
    const neu = splitLines(replaced);
    const oldFrom = lines.row(region.start);
    const tags = [...new Set(region.edits.map((e) => e.tag))];
    found.push(...regionChanges(old, neu, oldFrom, oldFrom + delta, tags));
    delta += neu.length - old.length;
  }
  const changes: Change[] = [];
  found.forEach((change, i) => {
    slideDown(change, all, found[i + 1]?.oldFrom ?? all.length);
    // Changes on adjacent lines are one block, its removed lines before its added ones, as diff shows them.
    const last = changes[changes.length - 1];
    if (last && last.oldFrom + last.dels.length === change.oldFrom) {
      last.dels.push(...change.dels);
      last.adds.push(...change.adds);
    } else {
      changes.push(change);
    }
  });
  return changes;
}

/**
 * A block only inserted (or only removed) whose first line equals the line after it could as well
 * stand one line lower: it is moved down as far as it goes (before `limit`, the next change), as
 * `diff` and `git diff` place it. An inserted preamble after a blank line then follows the file's
 * own blank lines instead of taking one of them into the middle of the class.
 */
function slideDown(change: Change, old: readonly string[], limit: number): void {
  const lines = change.dels.length === 0 ? change.adds : change.adds.length === 0 ? change.dels : null;
  if (!lines || lines.length === 0) return;
  const end = () => change.oldFrom + change.dels.length;
  while (end() < limit && old[end()] === lines[0]?.raw) {
    const next = old[end()] as string;
    const first = lines.shift() as Tagged;
    lines.push({ raw: next, tags: first.tags });
    change.oldFrom++;
    change.newFrom++;
  }
}

function hunkLine(sign: HunkLine['sign'], { raw, tags }: Tagged): HunkLine {
  const eol = raw.endsWith('\n');
  return { sign, text: eol ? raw.slice(0, -1) : raw, eol, tags };
}

/**
 * The hunks of `text` under `edits` (non-overlapping, offsets into `text`), with `context` unchanged
 * lines around each change; changes closer than twice that share a hunk, as in `diff -u`.
 */
export function editHunks(text: string, edits: readonly TaggedEdit[], context: number): Hunk[] {
  const old = splitLines(text);
  const hunks: Hunk[] = [];
  let hunk: Hunk | null = null;
  let oldAt = 0; // the old line after the current hunk's last change
  const contextLines = (from: number, to: number) => old.slice(from, to).map((raw) => hunkLine(' ', { raw, tags: [] }));
  const close = () => {
    if (!hunk) return;
    const after = contextLines(oldAt, Math.min(old.length, oldAt + context));
    hunk.lines.push(...after);
    hunk.oldCount += after.length;
    hunk.newCount += after.length;
    hunks.push(hunk);
    hunk = null;
  };
  for (const change of changesOf(text, old, edits)) {
    if (hunk && change.oldFrom - oldAt > 2 * context) close();
    if (!hunk) {
      const from = Math.max(0, change.oldFrom - context);
      hunk = { oldFrom: from, newFrom: change.newFrom - (change.oldFrom - from), oldCount: 0, newCount: 0, lines: [], tags: [] };
      oldAt = from;
    }
    const between = contextLines(oldAt, change.oldFrom);
    hunk.lines.push(...between, ...change.dels.map((line) => hunkLine('-', line)), ...change.adds.map((line) => hunkLine('+', line)));
    hunk.oldCount += between.length + change.dels.length;
    hunk.newCount += between.length + change.adds.length;
    for (const line of [...change.dels, ...change.adds]) for (const tag of line.tags) if (!hunk.tags.includes(tag)) hunk.tags.push(tag);
    oldAt = change.oldFrom + change.dels.length;
  }
  close();
  return hunks;
}

/** `@@ -a,b +c,d @@`, numbered as `diff -u` numbers them (a side with no lines names the line before). */
export function hunkHeader(hunk: Hunk): string {
  const side = (from: number, count: number) => `${count === 0 ? from : from + 1},${count}`;
  return `@@ -${side(hunk.oldFrom, hunk.oldCount)} +${side(hunk.newFrom, hunk.newCount)} @@`;
}

/** The hunk as unified-diff text lines, `\ No newline at end of file` after a line without one. */
export function hunkText(hunk: Hunk): string[] {
  const out = [hunkHeader(hunk)];
  for (const line of hunk.lines) {
    out.push(line.sign + line.text);
    if (!line.eol) out.push('\\ No newline at end of file');
  }
  return out;
}
