/**
 * The statements of a Python file and how they nest, found by a small lexer (strings, f-strings,
 * brackets, comments, backslash continuations, indentation) instead of a parse. The focused parse
 * (`focus.ts`) uses it to hand tree-sitter only the statements planning reads: WASM parsing runs
 * at a few MB/s, this lexer at about a hundred. What it finds is a `Structure` (`structure.ts`).
 *
 * Each logical line is the header of a clause (`if ...:`, `else:`, `def f():` with its decorators)
 * or a simple statement; a block is a statement with its clauses, each clause with the statements
 * of its indented body. Indentation is counted as tree-sitter's scanner counts it (a tab is 8
 * columns, a form feed starts again at 0).
 *
 * Anything the lexer is not sure of (an unterminated string or bracket, a lone `\r`, a line that no
 * statement can begin with, such as a backslash or a merge conflict marker, a quote inside an
 * f-string expression that could close it, indentation that mixes tabs and spaces or does not
 * match the blocks around it, a header with no body, a clause with no statement to continue) makes
 * it return null, and the caller parses the whole file.
 */
import { ACTED_ON, Act, CODE, CR, FF, HASH, NL, NO_DELIMITERS, NOT_A_START, Unsure, skipString } from './lexer-strings.js';
import { identAt } from './words.js';
import { CLASS, DEF, IMPORT, OTHER, STRING, Structure, type Lead } from './structure.js';

/** What a logical line is, besides a statement's lead (`structure.ts`). */
const DECORATOR = 5;
const CONTINUATION = 6;

/** A top-level statement (the tests' view of the lexer). */
export interface Statement {
  start: number;
  end: number;
  lead: Lead;
}

const COLON = 58;
const SPACE = 32;
const TAB = 9;


/** True when `word` stands at `k` as a whole word (what follows it is tested by code point: `else𝔘` is a name). */
function wordAt(text: string, k: number, word: string): boolean {
  return text.startsWith(word, k) && !identAt(text, k + word.length);
}

/** What a logical line starting at `k` is: a lead's code (`LEADS`), DECORATOR or CONTINUATION. */
function kindAt(text: string, k: number): number {
  switch (text.charCodeAt(k)) {
    case 64: // @
      return DECORATOR;
    case 101: // e
      return wordAt(text, k, 'else') || wordAt(text, k, 'elif') || wordAt(text, k, 'except') ? CONTINUATION : OTHER;
    case 102: // f
      if (wordAt(text, k, 'finally')) return CONTINUATION;
      if (wordAt(text, k, 'from')) return IMPORT;
      break;
    case 105: // i
      if (wordAt(text, k, 'import')) return IMPORT;
      break;
    case 100: // d
      if (wordAt(text, k, 'def')) return DEF;
      break;
    case 99: // c
      if (wordAt(text, k, 'class')) return CLASS;
      break;
    case 97: // a
      if (wordAt(text, k, 'async') && /^async[ \t]+def(?!\p{ID_Continue})/u.test(text.slice(k, k + 40))) return DEF;
      break;
  }
  return isStringStart(text, k) ? STRING : OTHER;
}

/** A string prefix letter: r, b, u, f or t, in either case. */
const PREFIX_LETTER = new Set([...'rbuftRBUFT'].map((c) => c.charCodeAt(0)));

/** True when a string literal starts at `k` (a quote, after at most three prefix letters). */
function isStringStart(text: string, k: number): boolean {
  for (let j = k; j < k + 4; j++) {
    const c = text.charCodeAt(j);
    if (c === 34 || c === 39) return true;
    if (!PREFIX_LETTER.has(c)) return false;
  }
  return false;
}

/**
 * The file's statements and how they nest, or null when the lexer is not sure of them. `into` is
 * emptied and filled instead of a new structure (the read-ahead worker reuses one from file to file).
 */
export function fileStructure(text: string, into?: Structure): Structure | null {
  try {
    return structureOrThrow(text, into);
  } catch (error) {
    if (error instanceof Unsure) return null;
    throw error;
  }
}

/** The top-level statements of `text` in order, or null when the lexer is not sure where they begin. */
export function topLevelStatements(text: string): Statement[] | null {
  return fileStructure(text)?.roots.map(({ start, end, lead }) => ({ start, end, lead })) ?? null;
}

/** For tests and debugging: the offset where the lexer gave up, or null when it did not. */
export function unsureAt(text: string): number | null {
  try {
    structureOrThrow(text);
    return null;
  } catch (error) {
    if (error instanceof Unsure) return error.at;
    throw error;
  }
}

/** A body being filled: the clause it belongs to (-1 for the module), its indentation, and its last statement so far (-1 for none). */
interface Open {
  clause: number;
  indent: number;
  last: number;
}

function structureOrThrow(text: string, into?: Structure): Structure {
  const n = text.length;
  // (room for a logical line per 64 characters, about half of what Python files hold: the arrays double when full)
  const s = into?.clear() ?? new Structure(Math.max(16, n >> 6));
  const open: Open[] = [{ clause: -1, indent: 0, last: -1 }];
  let pendingDecorator = -1;
  let colon = false; // the last logical line's code ends with `:` (a header whose body follows)

  /** The last statement of a body ends where the line at `at` begins. */
  const endLast = (body: Open, at: number) => {
    if (body.last === -1) return;
    s.blockEnd[body.last] = at;
    s.blockLast[body.last] = s.clauseCount - 1;
  };
  /** A new clause of `block` starting at `start` (the clause before it ends there). */
  const addClause = (start: number, block: number): number => {
    const c = s.clauseCount++;
    s.clauseStart[c] = start;
    s.clauseHeaderEnd[c] = n;
    s.clauseBlock[c] = block;
    s.clauseNext[c] = -1;
    s.clauseBody[c] = -1;
    if (c > 0) s.clauseHeaderEnd[c - 1] = start;
    return c;
  };

  /** A logical line at `lineStart`, its code at `code`, indented `width` columns. */
  const logicalLine = (lineStart: number, code: number, width: number) => {
    s.reserve();
    let top = open[open.length - 1] as Open;
    if (colon) {
      if (width <= top.indent) throw new Unsure(code); // a header with no body
      top = { clause: s.clauseCount - 1, indent: width, last: -1 };
      open.push(top);
      colon = false;
    } else if (width > top.indent) {
      throw new Unsure(code); // an unexpected indent
    } else if (width < top.indent) {
      if (pendingDecorator !== -1) throw new Unsure(code); // decorators with nothing to decorate
      while (width < top.indent) {
        endLast(top, lineStart);
        open.pop();
        top = open[open.length - 1] as Open;
      }
      if (width !== top.indent) throw new Unsure(code); // a dedent to no enclosing level
    }
    const kind = kindAt(text, code);
    if (kind === CONTINUATION) {
      const owner = top.last;
      if (owner === -1 || pendingDecorator !== -1) throw new Unsure(code);
      const clause = addClause(lineStart, owner);
      s.clauseNext[s.blockLastClause[owner] as number] = clause;
      s.blockLastClause[owner] = clause;
      return;
    }
    if (pendingDecorator === -1) endLast(top, lineStart);
    if (kind === DECORATOR) {
      if (pendingDecorator === -1) pendingDecorator = lineStart;
      return;
    }
    const start = pendingDecorator === -1 ? lineStart : pendingDecorator;
    pendingDecorator = -1;
    const block = s.blockCount++;
    s.blockStart[block] = start;
    s.blockEnd[block] = n;
    s.blockParent[block] = top.clause;
    s.blockLead[block] = kind;
    s.blockKeyword[block] = kind === DEF || kind === CLASS ? code : -1;
    s.blockLast[block] = 0;
    s.blockNext[block] = -1;
    if (top.last !== -1) s.blockNext[top.last] = block;
    else if (top.clause !== -1) s.clauseBody[top.clause] = block;
    top.last = block;
    const clause = addClause(start, block);
    s.blockFirstClause[block] = clause;
    s.blockLastClause[block] = clause;
  };

  let depth = 0;
  let continued = false;
  let lineStart = true;
  let physical = 0; // where the current physical line starts
  let commentAt = -1; // where a comment starts on it
  let i = 0;
  while (i < n) {
    if (lineStart) {
      lineStart = false;
      physical = i;
      commentAt = -1;
      if (depth === 0 && !continued) {
        let k = i;
        let width = 0;
        let spaces = false;
        let tabs = false;
        for (;; k++) {
          const c = text.charCodeAt(k);
          if (c === SPACE) {
            width++;
            spaces = true;
          } else if (c === TAB) {
            width += 8;
            tabs = true;
          } else if (c === FF) {
            width = 0;
          } else break;
        }
        const first = text.charCodeAt(k);
        if (k < n && first !== NL && first !== CR && first !== HASH) {
          // A line that cannot begin a statement: a backslash (it joins the next line, whose
          // indentation then counts), a merge conflict marker, stray punctuation.
          if (NOT_A_START.has(first) || (spaces && tabs)) throw new Unsure(k);
          logicalLine(i, k, width);
        }
        i = k;
      }
      continued = false;
    }
    const c = text.charCodeAt(i);
    switch (c < 128 ? CODE[c] : Act.None) {
      case Act.None:
        // on to the next character the lexer acts on (most of a line is none of them)
        ACTED_ON.lastIndex = i + 1;
        i = ACTED_ON.test(text) ? ACTED_ON.lastIndex - 1 : n;
        break;
      case Act.Newline:
        if (depth === 0) {
          // the last code character of the line, before a comment and trailing blanks
          let e = commentAt === -1 ? i : commentAt;
          for (let b = text.charCodeAt(e - 1); e > physical && (b === SPACE || b === TAB || b === CR || b === FF); b = text.charCodeAt(e - 1)) e--;
          if (e > physical) colon = text.charCodeAt(e - 1) === COLON;
        }
        i++;
        lineStart = true;
        break;
      case Act.Comment: {
        commentAt = i;
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
  if (depth !== 0 || continued || pendingDecorator !== -1 || colon) throw new Unsure(n);
  for (const body of open) endLast(body, n);
  return s.done();
}
