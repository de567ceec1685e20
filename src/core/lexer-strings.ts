/**
 * The parts of Python's tokenizer that the statement lexer (`statements.ts`) needs to step over
 * text that is not code: strings, bytes, f-strings and t-strings (nested fields, format specs),
 * escapes. Anything they are not sure of throws `Unsure`.
 */
import { identBefore } from './words.js';

/** Thrown where the lexer is not sure what the text means; `at` is the offset, for debugging. */
export class Unsure extends Error {
  constructor(readonly at: number) {
    super(`unsure at ${at}`);
  }
}

export const NL = 10;
export const CR = 13;
export const FF = 12;
export const HASH = 35;
export const BACKSLASH = 92;
const SQ = 39;
const DQ = 34;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;

/** What the code loop does at each ASCII character; 0 (most of them, and all non-ASCII) is nothing. */
export const Act = { None: 0, Newline: 1, Comment: 2, Quote: 3, Backslash: 4, Return: 5, Open: 6, Close: 7 } as const;
export const CODE = new Uint8Array(128);
CODE[NL] = Act.Newline;
CODE[HASH] = Act.Comment;
CODE[SQ] = Act.Quote;
CODE[DQ] = Act.Quote;
CODE[BACKSLASH] = Act.Backslash;
CODE[CR] = Act.Return;
for (const c of '([{') CODE[c.charCodeAt(0)] = Act.Open;
for (const c of ')]}') CODE[c.charCodeAt(0)] = Act.Close;
/** The characters whose `CODE` is not `Act.None` (a global search: set `lastIndex` before each). */
export const ACTED_ON = new RegExp(`[${[...CODE.keys()].filter((c) => CODE[c] !== Act.None).map((c) => `\\x${c.toString(16).padStart(2, '0')}`).join('')}]`, 'g');

export const NO_DELIMITERS: readonly string[] = [];

/** Characters no Python statement begins with (`)]}` are caught as unbalanced brackets). */
export const NOT_A_START = new Set([...'\\<>=,;?!$`|&^/%'].map((c) => c.charCodeAt(0)));

const PREFIX = /^[rbuft]{1,3}$/i;
const FORMATTED = /[ft]/i;

/** A-Z or a-z (a code unit; NaN, past the text's start, is none). */
const isAsciiLetter = (c: number) => (c | 32) >= 97 && (c | 32) <= 122;

/** True when the string opening at `quote` has an f or t prefix (a formatted string). */
function isFormatted(text: string, quote: number): boolean {
  let k = quote;
  while (k > 0 && quote - k < 4 && isAsciiLetter(text.charCodeAt(k - 1))) k--;
  if (k === quote) return false;
  const prefix = text.slice(k, quote);
  if (!PREFIX.test(prefix) || identBefore(text, k)) return false;
  return FORMATTED.test(prefix);
}

/** The offset after a backslash escape at `i` (a backslash-CRLF counts as one escape). */
function afterEscape(text: string, i: number): number {
  return text.charCodeAt(i + 1) === CR && text.charCodeAt(i + 2) === NL ? i + 3 : i + 2;
}

/**
 * `i` is at an opening quote: the offset after the closing one. `outer` holds the delimiters of
 * the f-strings this one is inside (`"`, `'''`, ...).
 */
export function skipString(text: string, i: number, outer: readonly string[]): number {
  const q = text.charCodeAt(i);
  const quote = text[i] as string;
  const triple = text.charCodeAt(i + 1) === q && text.charCodeAt(i + 2) === q;
  // The enclosing f-string's own delimiter: before Python 3.12 it closes that string, since it nests.
  if (outer.some((d) => d === quote || (triple && d === quote.repeat(3)))) throw new Unsure(i);
  if (isFormatted(text, i)) return skipFormatted(text, i, [...outer, triple ? quote.repeat(3) : quote], triple);
  let j = i + (triple ? 3 : 1);
  if (triple) {
    // Long strings (docstrings) are jumped through: find the closing quotes, then look for an
    // escape before them (only between the two, so that each character is looked at about once).
    const closing = quote.repeat(3);
    let end = text.indexOf(closing, j);
    for (;;) {
      if (end === -1) throw new Unsure(i);
      while (j < end && text.charCodeAt(j) !== BACKSLASH) j++;
      if (j >= end) return end + 3;
      j = afterEscape(text, j);
      if (j > end) end = text.indexOf(closing, j);
    }
  }
  for (;;) {
    if (j >= text.length) throw new Unsure(i);
    const c = text.charCodeAt(j);
    if (c === q) return j + 1;
    if (c === BACKSLASH) j = afterEscape(text, j);
    else if (c === NL || c === CR) throw new Unsure(j);
    else j++;
  }
}

/** An f-string (or t-string) from its opening quote: literal text, `{{`/`}}`, and replacement fields. */
function skipFormatted(text: string, i: number, outer: readonly string[], triple: boolean): number {
  const q = text.charCodeAt(i);
  let j = i + (triple ? 3 : 1);
  for (;;) {
    if (j >= text.length) throw new Unsure(i);
    const c = text.charCodeAt(j);
    if (c === q) {
      if (!triple) return j + 1;
      if (text.charCodeAt(j + 1) === q && text.charCodeAt(j + 2) === q) return j + 3;
      j++;
    } else if (c === BACKSLASH) {
      const next = text.charCodeAt(j + 1);
      j = next === OPEN_BRACE || next === CLOSE_BRACE ? j + 1 : afterEscape(text, j);
    } else if ((c === NL || c === CR) && !triple) {
      throw new Unsure(j);
    } else if (c === OPEN_BRACE) {
      j = text.charCodeAt(j + 1) === OPEN_BRACE ? j + 2 : skipField(text, j + 1, outer, q, triple);
    } else if (c === CLOSE_BRACE) {
      if (text.charCodeAt(j + 1) !== CLOSE_BRACE) throw new Unsure(j);
      j += 2;
    } else {
      j++;
    }
  }
}

/** After `{` in an f-string: the expression, a conversion and a format spec; the offset after the closing `}`. */
function skipField(text: string, i: number, outer: readonly string[], q: number, triple: boolean): number {
  let depth = 0;
  let j = i;
  for (;;) {
    if (j >= text.length) throw new Unsure(i);
    const c = text.charCodeAt(j);
    const act = c < 128 ? CODE[c] : Act.None;
    if (act === Act.Quote) j = skipString(text, j, outer);
    else if (act === Act.Comment || act === Act.Backslash) throw new Unsure(j);
    else if (act === Act.Open) {
      depth++;
      j++;
    } else if (act === Act.Close) {
      if (depth === 0) {
        if (c !== CLOSE_BRACE) throw new Unsure(j);
        return j + 1;
      }
      depth--;
      j++;
    } else if (c === 58 /* : */ && depth === 0) {
      return skipSpec(text, j + 1, outer, q, triple);
    } else {
      j++;
    }
  }
}

/** A format spec after `:`: literal text with nested `{...}` fields, up to the `}` that ends the field. */
function skipSpec(text: string, i: number, outer: readonly string[], q: number, triple: boolean): number {
  let j = i;
  for (;;) {
    if (j >= text.length) throw new Unsure(i);
    const c = text.charCodeAt(j);
    if (c === CLOSE_BRACE) return j + 1;
    if (c === OPEN_BRACE) j = skipField(text, j + 1, outer, q, triple);
    else if (c === q || c === BACKSLASH || (!triple && (c === NL || c === CR))) throw new Unsure(j);
    else j++;
  }
}

