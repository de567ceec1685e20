/**
 * Project text as a terminal may show it. File names, source lines and messages that quote them come
 * from the scanned project, which nobody vetted: a control character in them must be seen, never
 * obeyed. Pure; no dependencies (widths are in `columns.ts`).
 */

/**
 * What a terminal acts on, or what reorders a line on screen: the C0 controls but tab (ESC starts every
 * escape sequence: colours, cursor moves, screen clears, the window title, OSC 52 clipboard writes),
 * DEL, the C1 controls (U+009B alone is a CSI), the bidirectional controls (U+061C, U+200E/F,
 * U+202A-U+202E, U+2066-U+2069: "Trojan Source", CVE-2021-42574) and the line and paragraph separators.
 */
const WIDE_CONTROLS = String.raw`\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069`;
const CONTROLS = new RegExp(String.raw`[\u0000-\u0008\u000a-\u001f${WIDE_CONTROLS}]`, 'g');
const ANY_CONTROL = new RegExp(CONTROLS.source);
/** The controls JSON.stringify writes raw (it escapes only C0). */
const JSON_RAW_CONTROLS = new RegExp(`[${WIDE_CONTROLS}]`, 'g');
const ANY_JSON_RAW_CONTROL = new RegExp(JSON_RAW_CONTROLS.source);

/** A run of shown text; `mark` is set on the escape that stands for one control character. */
export interface Piece {
  text: string;
  mark: boolean;
}

/** How one control character is shown: `\n`, `\r`, `\x1b`, `\u202e` (as Python writes them in a string). */
export function escapeOf(char: string): string {
  if (char === '\n') return '\\n';
  if (char === '\r') return '\\r';
  const code = char.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

export function hasControls(text: string): boolean {
  return ANY_CONTROL.test(text);
}

/** The text as pieces: the text between control characters, and each control character as its marked escape. Tabs are kept. */
export function visiblePieces(text: string): Piece[] {
  if (!hasControls(text)) return text ? [{ text, mark: false }] : [];
  const pieces: Piece[] = [];
  let last = 0;
  for (const match of text.matchAll(CONTROLS)) {
    if (match.index > last) pieces.push({ text: text.slice(last, match.index), mark: false });
    pieces.push({ text: escapeOf(match[0]), mark: true });
    last = match.index + 1;
  }
  if (last < text.length) pieces.push({ text: text.slice(last), mark: false });
  return pieces;
}

/** The text with every control character replaced by its escape (no marks: for plain output). */
export function visible(text: string): string {
  return hasControls(text) ? text.replace(CONTROLS, escapeOf) : text;
}

/**
 * The first pieces that surely fit in `width` columns, measured without a width table (for the line
 * drawn before the review has loaded one): printable ASCII counts 1, any other character 2, which no
 * terminal exceeds. A mark is kept whole or not at all, and no character is split.
 */
export function fitPieces(pieces: readonly Piece[], width: number): Piece[] {
  const out: Piece[] = [];
  let left = width;
  for (const piece of pieces) {
    let text = '';
    for (const char of piece.text) {
      const w = char >= ' ' && char <= '~' ? 1 : 2;
      if (w > left) break;
      text += char;
      left -= w;
    }
    if (text.length === piece.text.length) out.push(piece);
    else {
      if (text && !piece.mark) out.push({ text, mark: false });
      break;
    }
  }
  return out;
}

/** Offsets of the control characters in `text[from, to)`. */
export function controlOffsets(text: string, from = 0, to = text.length): number[] {
  const part = text.slice(from, to);
  return hasControls(part) ? [...part.matchAll(CONTROLS)].map((m) => from + m.index) : [];
}

/** True for the controls that reorder how a line displays (Unicode Bidi_Control). */
export function isBidiControl(char: string): boolean {
  return /^\p{Bidi_Control}$/u.test(char);
}

/**
 * JSON text with the controls JSON.stringify leaves raw (DEL, C1, bidi, separators) written as `\uXXXX`:
 * the same document to a parser, and nothing a terminal acts on. Only valid on JSON.stringify output,
 * where these characters can only stand inside strings.
 */
export function escapeJsonControls(json: string): string {
  if (!ANY_JSON_RAW_CONTROL.test(json)) return json;
  return json.replace(JSON_RAW_CONTROLS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
