/** A multi-line text with a caret, edited by the inline editor. Pure: no React, no I/O. */
export interface TextBuffer {
  text: string;
  /** Offset of the caret in `text` (UTF-16 units, never inside a surrogate pair). */
  caret: number;
}

export type TextOp =
  | { type: 'insert'; text: string }
  /** Enter: a new line indented as the caret's line, one level more after a `:`. */
  | { type: 'newline' }
  | { type: 'backspace' }
  | { type: 'delete' }
  | { type: 'left' }
  | { type: 'right' }
  | { type: 'up' }
  | { type: 'down' }
  | { type: 'home' }
  | { type: 'end' };

export function bufferOf(text: string): TextBuffer {
  return { text, caret: text.length };
}

export function applyTextOp(buf: TextBuffer, op: TextOp): TextBuffer {
  const { text, caret } = buf;
  switch (op.type) {
    case 'insert': {
      const typed = op.text.replace(/\r\n?/g, '\n');
      return { text: text.slice(0, caret) + typed + text.slice(caret), caret: caret + typed.length };
    }
    case 'newline': {
      const start = lineStart(text, caret);
      const before = text.slice(start, caret);
      const indent = /^[ \t]*/.exec(before)?.[0] ?? '';
      const deeper = /:\s*$/.test(before) ? (indent.includes('\t') ? '\t' : '    ') : '';
      return applyTextOp(buf, { type: 'insert', text: `\n${indent}${deeper}` });
    }
    case 'backspace': {
      const start = stepBack(text, caret);
      return { text: text.slice(0, start) + text.slice(caret), caret: start };
    }
    case 'delete':
      return { text: text.slice(0, caret) + text.slice(stepForward(text, caret)), caret };
    case 'left':
      return { text, caret: stepBack(text, caret) };
    case 'right':
      return { text, caret: stepForward(text, caret) };
    case 'home':
      return { text, caret: lineStart(text, caret) };
    case 'end':
      return { text, caret: lineEnd(text, caret) };
    case 'up':
    case 'down': {
      const start = lineStart(text, caret);
      const column = caret - start;
      const target = op.type === 'up' ? (start === 0 ? -1 : lineStart(text, start - 1)) : lineEnd(text, caret) + 1;
      if (target < 0 || target > text.length) return buf;
      return { text, caret: Math.min(target + column, lineEnd(text, target)) };
    }
  }
}

/** The buffer as lines, with the caret's line and column (for rendering). */
export function caretPosition(buf: TextBuffer): { lines: string[]; line: number; column: number } {
  const before = buf.text.slice(0, buf.caret).split('\n');
  return {
    lines: buf.text.split('\n'),
    line: before.length - 1,
    column: before[before.length - 1]?.length ?? 0,
  };
}

/** A line cut around the caret: the whole character under it (a space at the end of the line), never half a surrogate pair. */
export function splitAtCaret(line: string, column: number): { before: string; under: string; after: string } {
  const code = line.codePointAt(column);
  const under = code === undefined ? ' ' : String.fromCodePoint(code);
  return { before: line.slice(0, column), under, after: line.slice(column + under.length) };
}

function lineStart(text: string, caret: number): number {
  return text.lastIndexOf('\n', caret - 1) + 1;
}

function lineEnd(text: string, caret: number): number {
  const end = text.indexOf('\n', caret);
  return end === -1 ? text.length : end;
}

function stepBack(text: string, caret: number): number {
  if (caret <= 0) return 0;
  const low = text.charCodeAt(caret - 1);
  return low >= 0xdc00 && low <= 0xdfff && caret >= 2 ? caret - 2 : caret - 1;
}

function stepForward(text: string, caret: number): number {
  if (caret >= text.length) return text.length;
  const high = text.charCodeAt(caret);
  return high >= 0xd800 && high <= 0xdbff && caret + 2 <= text.length ? caret + 2 : caret + 1;
}
