/** Decoding file bytes and mapping offsets to 1-based lines and character columns. */
import { createHash } from 'node:crypto';
import { isUtf8 } from 'node:buffer';

export interface DecodedText {
  text: string;
  bom: boolean;
  eol: '\n' | '\r\n';
}

/** Why bytes cannot be treated as Python source, or null when they can. */
export function unreadableReason(bytes: Uint8Array): string | null {
  if (bytes.indexOf(0) !== -1) return 'binary file (contains a NUL byte)';
  if (!isUtf8(bytes)) return 'not valid UTF-8';
  return null;
}

/**
 * Why a Python file's line breaks cannot be planned, or null: a carriage return with no line feed
 * after it (old Mac line endings, or a stray one) ends a line for Python, which reads source with
 * universal newlines, and not for tree-sitter, which reads it as a blank: the tree would disagree
 * with Python about what is code (`# note\rmodel.load_state_dict(sd)` is a comment to the parser,
 * a call to Python; a notebook's cells are compiled from strings, with the same rule). No .py file
 * of the 20,000 in the test venv and /usr/lib/python3 has one. `place` names a line (a notebook's:
 * `cell 3, line 2`).
 */
export function loneCarriageReturn(bytes: Uint8Array, place: (line: number) => string = (line) => `line ${line}`): string | null {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = buffer.indexOf(13); i !== -1; i = buffer.indexOf(13, i + 1)) {
    if (buffer[i + 1] === 10) continue;
    let line = 1;
    for (let k = buffer.indexOf(10); k !== -1 && k < i; k = buffer.indexOf(10, k + 1)) line++;
    return `a carriage return without a line feed on ${place(line)}: Python reads it as a line break, the parser does not (convert the line endings to LF or CRLF)`;
  }
  return null;
}

export function decode(bytes: Uint8Array): DecodedText {
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8', bom ? 3 : 0);
  const firstLf = text.indexOf('\n');
  const eol = firstLf > 0 && text[firstLf - 1] === '\r' ? '\r\n' : '\n';
  return { text, bom, eol };
}

export function encode(text: string, bom: boolean): Buffer {
  const body = Buffer.from(text, 'utf8');
  return bom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]) : body;
}

/**
 * A copy of `s` that holds no reference to a string it was cut from: V8 keeps the whole of a
 * string alive for any slice of it, so what outlives a file's text (see plan-text.ts) is copied.
 */
export function ownCopy(s: string): string {
  return structuredClone(s);
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Index of the last of ascending `values` that is <= `x` (0 when none is). */
export function lastAtOrBefore(values: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = values.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((values[mid] ?? 0) <= x) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Maps UTF-16 offsets in a text to 1-based line numbers and code-point columns. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(private readonly text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  /** 0-based line containing an offset. */
  row(offset: number): number {
    return lastAtOrBefore(this.starts, offset);
  }

  lineStart(row: number): number {
    return this.starts[row] ?? this.text.length;
  }

  /** 1-based line and column, the column counting characters (code points). */
  position(offset: number): { line: number; column: number } {
    const row = this.row(offset);
    const start = this.lineStart(row);
    let column = 1;
    for (let i = start; i < offset; i++) {
      const code = this.text.charCodeAt(i);
      if (code < 0xdc00 || code > 0xdfff) column++;
    }
    return { line: row + 1, column };
  }
}

/** The whitespace a line starts with. */
export function indentOf(line: string): string {
  return /^[ \t]*/.exec(line)?.[0] ?? '';
}

/** Start of the line after the one holding `offset` (or the text's end). */
export function nextLineStart(text: string, offset: number): number {
  const lf = text.indexOf('\n', offset);
  return lf === -1 ? text.length : lf + 1;
}

/** The text's lines, each with its line break (the last one may have none). */
export function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}
