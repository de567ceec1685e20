/**
 * Where a Python file's top-level statements begin, found by a small lexer (strings, f-strings,
 * brackets, comments, backslash continuations) instead of a parse. The planner uses it to parse
 * only the statements that can matter (those holding a site, an import or `KeyMapper`, and the
 * file's header): WASM parsing runs at a few MB/s, this lexer at hundreds.
 *
 * Anything this lexer is not sure of (an unterminated string or bracket, a lone `\r`, a line
 * that no statement can begin with, such as a backslash or a merge conflict marker, a quote inside
 * an f-string expression that could close it) makes it return null, and the caller parses the
 * whole file.
 */
import type { Range } from 'web-tree-sitter';
import { lastAtOrBefore, type LineIndex } from './text.js';

export interface Statement {
  /** Offset of the start of the statement's first line (decorators and `else`/`except` parts included). */
  start: number;
  /** Offset where the next statement begins, or the text's length. */
  end: number;
  /** How the statement begins: `import`/`from`, a string literal, or anything else. */
  lead: 'import' | 'string' | 'other';
}

/** Thrown where the lexer is not sure what the text means; `at` is the offset, for debugging. */
class Unsure extends Error {
  constructor(readonly at: number) {
    super(`unsure at ${at}`);
  }
}

const NL = 10;
const CR = 13;
const FF = 12;
const HASH = 35;
const BACKSLASH = 92;
const SQ = 39;
const DQ = 34;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;

/** What the code loop does at each ASCII character; 0 (most of them, and all non-ASCII) is nothing. */
const Act = { None: 0, Newline: 1, Comment: 2, Quote: 3, Backslash: 4, Return: 5, Open: 6, Close: 7 } as const;
const CODE = new Uint8Array(128);
CODE[NL] = Act.Newline;
CODE[HASH] = Act.Comment;
CODE[SQ] = Act.Quote;
CODE[DQ] = Act.Quote;
CODE[BACKSLASH] = Act.Backslash;
CODE[CR] = Act.Return;
for (const c of '([{') CODE[c.charCodeAt(0)] = Act.Open;
for (const c of ')]}') CODE[c.charCodeAt(0)] = Act.Close;

const NO_DELIMITERS: readonly string[] = [];

/** Characters no Python statement begins with (`)]}` are caught as unbalanced brackets). */
const NOT_A_START = new Set([...'\\<>=,;?!$`|&^/%'].map((c) => c.charCodeAt(0)));

const IDENT = /[\p{L}\p{N}_]/u;
const PREFIX = /^[rbuft]{1,3}$/i;
const FORMATTED = /[ft]/i;

/** True when the string opening at `quote` has an f or t prefix (a formatted string). */
function isFormatted(text: string, quote: number): boolean {
  let k = quote;
  while (k > 0 && quote - k < 4 && /[a-z]/i.test(text[k - 1] as string)) k--;
  if (k === quote) return false;
  const prefix = text.slice(k, quote);
  if (!PREFIX.test(prefix) || IDENT.test(text[k - 1] ?? '')) return false;
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
function skipString(text: string, i: number, outer: readonly string[]): number {
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

function leadOf(text: string, start: number): Statement['lead'] | 'continuation' | 'decorator' {
  const head = text.slice(start, start + 12);
  if (/^(?:import|from)(?![\p{L}\p{N}_])/u.test(head)) return 'import';
  if (/^(?:else|elif|except|finally)(?![\p{L}\p{N}_])/u.test(head)) return 'continuation';
  if (head.startsWith('@')) return 'decorator';
  if (/^[rbuft]{0,3}['"]/i.test(head)) return 'string';
  return 'other';
}

/** The top-level statements of `text` in order, or null when the lexer is not sure where they begin. */
export function topLevelStatements(text: string): Statement[] | null {
  try {
    return statementsOrThrow(text);
  } catch (error) {
    if (error instanceof Unsure) return null;
    throw error;
  }
}

function statementsOrThrow(text: string): Statement[] {
  const found: Statement[] = [];
  const n = text.length;
  let pendingDecorator = -1;
  let depth = 0;
  let continued = false;
  let lineStart = true;
  let i = 0;
  while (i < n) {
    if (lineStart) {
      lineStart = false;
      let k = i;
      while (text.charCodeAt(k) === FF) k++; // a form feed resets the indentation: the line is still at column 0
      const first = text.charCodeAt(k);
      const blank = k >= n || first === 32 || first === 9 || first === NL || first === CR || first === HASH;
      if (depth === 0 && !continued && !blank) {
        // A line that cannot begin a statement: a backslash (it joins the next line, whose
        // indentation then counts), a merge conflict marker, stray punctuation.
        if (NOT_A_START.has(first)) throw new Unsure(k);
        const lead = leadOf(text, k);
        const previous = found[found.length - 1];
        if (lead === 'decorator') {
          if (pendingDecorator === -1) pendingDecorator = i;
        } else if (!(lead === 'continuation' && previous && pendingDecorator === -1)) {
          // (a continuation stays part of the statement before; its end moves on when the next one begins)
          const start = pendingDecorator === -1 ? i : pendingDecorator;
          if (previous) previous.end = start;
          found.push({ start, end: n, lead: lead === 'continuation' ? 'other' : lead });
          pendingDecorator = -1;
        }
      }
      continued = false;
      i = k;
    }
    const c = text.charCodeAt(i);
    switch (c < 128 ? CODE[c] : Act.None) {
      case Act.None:
        i++;
        break;
      case Act.Newline:
        i++;
        lineStart = true;
        break;
      case Act.Comment: {
        const lf = text.indexOf('\n', i);
        i = lf === -1 ? n : lf;
        break;
      }
      case Act.Quote:
        i = skipString(text, i, NO_DELIMITERS);
        break;
      case Act.Backslash: {
        const next = text.charCodeAt(i + 1);
        if (next !== NL && !(next === CR && text.charCodeAt(i + 2) === NL)) throw new Unsure(i);
        continued = true;
        i = next === CR ? i + 2 : i + 1;
        break;
      }
      case Act.Return:
        if (text.charCodeAt(i + 1) !== NL) throw new Unsure(i); // a lone CR ends a line for Python
        i++;
        break;
      case Act.Open:
        depth++;
        i++;
        break;
      default:
        if (--depth < 0) throw new Unsure(i);
        i++;
    }
  }
  if (depth !== 0 || continued || pendingDecorator !== -1) throw new Unsure(n);
  return found;
}

/** For tests and debugging: the offset where the lexer gave up, or null when it did not. */
export function unsureAt(text: string): number | null {
  try {
    statementsOrThrow(text);
    return null;
  } catch (error) {
    if (error instanceof Unsure) return error.at;
    throw error;
  }
}

/** A statement that defines a function or class (its names are its own; the evidence looks at other code). */
const DEFINES = /^(?:@|def\b|class\b|async\s+def\b)/;
const RECEIVER_BEFORE = /([\p{L}_][\p{L}\p{N}_]*)(?:\s*\[[^\]\n]*\])?(?:\s*\.\s*[\p{L}_][\p{L}\p{N}_]*(?:\s*\[[^\]\n]*\])?)*\s*\.\s*$/u;

/** The first names of the sites' receivers (`model` of `model.load_state_dict`, `models` of `models[0].net...`); `self` left out. */
function receiverRoots(text: string): Set<string> {
  const roots = new Set<string>();
  const word = 'load_state_dict';
  for (let i = text.indexOf(word); i !== -1; i = text.indexOf(word, i + word.length)) {
    const root = RECEIVER_BEFORE.exec(text.slice(Math.max(0, i - 200), i))?.[1];
    if (root && root !== 'self') roots.add(root);
  }
  return roots;
}

/** Words whose statements are parsed: the sites, and what `findCalls` and the preamble's placement look up. */
const FOCUS_WORDS = ['load_state_dict', 'import', 'KeyMapper'];

/** True for statements that may belong to the leading import region: `if`/`try`/`with` blocks and `__dunder__` assignments. */
function mayBeInImportRegion(text: string, s: Statement): boolean {
  return s.lead !== 'other' || /^(?:(?:if|try|with)(?![\p{L}\p{N}_])|__\w+__[ \t]*=)/u.test(text.slice(s.start, s.start + 40));
}

/**
 * The parts of `text` that planning needs parsed: the header (every statement up to and including
 * the first that cannot belong to the leading import region, which is all the preamble's placement
 * looks at), each top-level statement holding one of FOCUS_WORDS, and each holding an offset of
 * `binders` (`bindingOffsets`: where names may be bound). Null when the whole file should be parsed.
 */
export function focusRanges(text: string, lines: LineIndex, binders: ReadonlyMap<string, readonly number[]> = new Map()): Range[] | null {
  const statements = topLevelStatements(text);
  if (!statements || statements.length === 0) return null;
  const keep = new Uint8Array(statements.length);
  for (let k = 0; k < statements.length; k++) {
    keep[k] = 1;
    if (!mayBeInImportRegion(text, statements[k] as Statement)) break;
  }
  const starts = statements.map((s) => s.start);
  // (text before the first statement belongs to the header, index 0)
  for (const word of FOCUS_WORDS) {
    for (let i = text.indexOf(word); i !== -1; i = text.indexOf(word, i + word.length)) keep[lastAtOrBefore(starts, i)] = 1;
  }
  for (const offsets of binders.values()) for (const i of offsets) keep[lastAtOrBefore(starts, i)] = 1;
  // Module-level code that names a site's receiver (`model = Tracker()` above `model.load_state_dict(sd)`):
  // where the receiver is bound is the strongest evidence of what it is.
  for (const root of receiverRoots(text)) {
    for (let i = text.indexOf(root); i !== -1; i = text.indexOf(root, i + root.length)) {
      if (IDENT.test(text[i - 1] ?? '') || IDENT.test(text[i + root.length] ?? '')) continue;
      const k = lastAtOrBefore(starts, i);
      if (!DEFINES.test(text.slice(statements[k]?.start ?? 0, (statements[k]?.start ?? 0) + 12))) keep[k] = 1;
    }
  }
  const spans: { start: number; end: number }[] = [];
  statements.forEach((s, k) => {
    if (!keep[k]) return;
    const last = spans[spans.length - 1];
    if (last && last.end === s.start) last.end = s.end;
    else spans.push({ start: k === 0 ? 0 : s.start, end: s.end });
  });
  if (spans.length === 1 && spans[0]?.start === 0 && spans[0].end === text.length) return null; // all of it
  return spans.map(({ start, end }) => ({ startIndex: start, endIndex: end, startPosition: point(lines, start), endPosition: point(lines, end) }));
}

/** A tree-sitter point: 0-based row, column in UTF-16 code units (web-tree-sitter's unit for strings). */
function point(lines: LineIndex, offset: number): { row: number; column: number } {
  const row = lines.row(offset);
  return { row, column: offset - lines.lineStart(row) };
}
