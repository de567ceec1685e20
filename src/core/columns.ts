/**
 * Terminal columns of shown project text, measured as Ink measures them (string-width: wide characters
 * such as CJK and most emoji take 2 columns, combining marks none). Tabs are expanded here, because
 * Ink counts a tab as no column at all while the terminal moves to its next tab stop.
 */
import stringWidth from 'string-width';
import { visiblePieces, type Piece } from './visible.js';

/** Tab stops every 4 columns, counted from where the project text starts. */
export const TAB_STOP = 4;

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
/** Widths of the non-ASCII strings measured so far: string-width takes some 150 µs for a 75-character status with a `·`. */
const measured = new Map<string, number>();

/** Columns a string takes once shown (it holds no control characters). */
export function displayWidth(shown: string): number {
  if (PRINTABLE_ASCII.test(shown)) return shown.length;
  let width = measured.get(shown);
  if (width === undefined) {
    width = stringWidth(shown);
    if (measured.size >= 10_000) measured.clear();
    measured.set(shown, width);
  }
  return width;
}

/**
 * Project text as drawn from `column` (the columns already taken by earlier pieces of the same
 * text): control characters as marked escapes, tabs as spaces up to the next tab stop. Also the column
 * where it ends, for the piece that follows.
 */
export function shownPieces(text: string, column = 0): { pieces: Piece[]; end: number } {
  const pieces: Piece[] = [];
  let at = column;
  for (const piece of visiblePieces(text)) {
    if (piece.mark || !piece.text.includes('\t')) {
      pieces.push(piece);
      at += displayWidth(piece.text);
      continue;
    }
    let expanded = '';
    piece.text.split('\t').forEach((part, i) => {
      if (i > 0) {
        const spaces = TAB_STOP - (at % TAB_STOP);
        expanded += ' '.repeat(spaces);
        at += spaces;
      }
      expanded += part;
      at += displayWidth(part);
    });
    pieces.push({ text: expanded, mark: false });
  }
  return { pieces, end: at };
}

/** Columns project text takes when drawn from column 0. */
export function shownWidth(text: string): number {
  return shownPieces(text).end;
}

/** Project text padded with spaces to `width` columns as drawn (nothing is cut). */
export function padShown(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - shownWidth(text)));
}

/**
 * Project text (a path) cut from the left to fit `width` columns as drawn: `…` and as much of its end
 * as fits, whole characters only, so that the file's name stays. Unchanged when it fits.
 */
export function cutStart(text: string, width: number): string {
  if (shownWidth(text) <= width) return text;
  const chars = [...text];
  let tail = '';
  for (let i = chars.length - 1; i >= 0; i--) {
    const next = (chars[i] as string) + tail;
    if (shownWidth(next) + 1 > width) break;
    tail = next;
  }
  return `…${tail}`;
}

/**
 * Project text (a search's text) cut at its end to fit `width` columns as drawn: as much of its start
 * as fits, whole characters only, and `…`. Unchanged when it fits.
 */
export function cutEnd(text: string, width: number): string {
  if (shownWidth(text) <= width) return text;
  let head = '';
  for (const char of text) {
    if (shownWidth(head + char) + 1 > width) break;
    head += char;
  }
  return `${head}…`;
}
