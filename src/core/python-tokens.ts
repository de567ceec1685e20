/**
 * The errors Python's tokenizer reports, where it reports them: unterminated strings, brackets
 * never closed, closed by the wrong bracket or not opened, a character after a line continuation,
 * and indentation (an unexpected indent, an expected indented block, a dedent to no outer level,
 * tabs and spaces mixed inconsistently). tree-sitter recovers from most of these far from where
 * Python stops (an unclosed bracket at the end of a file becomes an error at line 1), and accepts
 * the indentation ones. Only run on files that have an error, and on edits.
 */

export interface TokenError {
  /** Offset Python reports the error at. */
  offset: number;
  message: string;
  /** `string` errors are reported even when the parser meets an earlier error (as CPython does). */
  kind: 'string' | 'bracket' | 'indent';
  /** Start of the top-level statement holding the error: the code before it is not affected. */
  statementStart: number;
}

const OPEN: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
const CLOSE: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
const PREFIX_CHARS = /[rRbBuUfFtT]/;
const WORD = /[\p{L}\p{N}_]/u;

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** The string prefix before a quote (`rb`, `f`...), if the letters before it are one. */
function prefixStart(text: string, quote: number): number {
  let k = quote;
  while (k > 0 && quote - k < 3 && PREFIX_CHARS.test(text[k - 1] as string)) k--;
  return k < quote && !WORD.test(text[k - 1] ?? '') ? k : quote;
}

/** The first tokenizer error in `text`, or null. */
export function tokenizerError(text: string): TokenError | null {
  const brackets: { char: string; offset: number }[] = [];
  const indents: number[] = [0];
  const altIndents: number[] = [0];
  let statementStart = 0;
  let decoratorRun = -1;
  let expectBlock = -1; // offset of the `:` that ended the last logical line, else -1
  let lastSignificant = ''; // last character of code (not comment/space) on the logical line
  let continued = false;
  let i = 0;
  const n = text.length;
  const fail = (offset: number, message: string, kind: TokenError['kind']): TokenError => ({ offset, message, kind, statementStart });

  while (i < n) {
    // a physical line begins at i
    if (brackets.length === 0 && !continued) {
      let col = 0;
      let altCol = 0;
      let k = i;
      for (; k < n; k++) {
        const c = text[k];
        if (c === ' ') { col++; altCol++; } else if (c === '\t') { col = (Math.floor(col / 8) + 1) * 8; altCol++; } else if (c === '\f') { col = 0; altCol = 0; } else break;
      }
      const c = text[k];
      const blank = k >= n || c === '\n' || c === '\r' || c === '#';
      if (!blank) {
        const top = indents.length - 1;
        if (expectBlock !== -1) {
          if (col <= (indents[top] as number)) return fail(k, 'expected an indented block', 'indent');
          indents.push(col);
          altIndents.push(altCol);
        } else if (col > (indents[top] as number)) {
          return fail(Math.max(i, k - 1), 'unexpected indent', 'indent');
        } else {
          while (indents.length > 1 && col < (indents[indents.length - 1] as number)) {
            indents.pop();
            altIndents.pop();
          }
          if (col !== indents[indents.length - 1]) {
            const lf = text.indexOf('\n', k);
            return fail(lf === -1 ? n : lf, 'unindent does not match any outer indentation level', 'indent');
          }
        }
        if (altCol !== altIndents[altIndents.length - 1]) return fail(i, 'inconsistent use of tabs and spaces in indentation', 'indent');
        expectBlock = -1;
        if (col === 0) {
          const decorator = c === '@';
          const continuation = /^(?:else|elif|except|finally)\b/.test(text.slice(k, k + 8));
          if (!continuation) statementStart = decoratorRun !== -1 ? decoratorRun : k;
          decoratorRun = decorator ? (decoratorRun !== -1 ? decoratorRun : k) : -1;
        }
      }
      i = k;
    }
    continued = false;
    // the rest of the physical line
    while (i < n) {
      const c = text[i] as string;
      if (c === '\n') {
        i++;
        break;
      }
      if (c === '#') {
        const lf = text.indexOf('\n', i);
        i = lf === -1 ? n : lf;
        continue;
      }
      if (c === '\\') {
        const next = text[i + 1];
        if (next === '\n' || (next === '\r' && text[i + 2] === '\n')) {
          continued = true;
          i += next === '\r' ? 3 : 2;
          break;
        }
        return fail(i + 1, 'unexpected character after line continuation character', 'bracket');
      }
      if (c === '"' || c === "'") {
        // (a backslash keeps the next character in the string, raw strings included)
        const start = prefixStart(text, i);
        const triple = text[i + 1] === c && text[i + 2] === c;
        let j = i + (triple ? 3 : 1);
        for (;;) {
          if (j >= n) return fail(start, `unterminated ${triple ? 'triple-quoted ' : ''}string literal (detected at line ${lineOf(text, Math.max(0, n - 1))})`, 'string');
          const d = text[j];
          if (d === '\\') {
            j += 2;
            continue;
          }
          if (!triple && (d === '\n' || d === '\r')) return fail(start, `unterminated string literal (detected at line ${lineOf(text, j)})`, 'string');
          if (d === c && (!triple || (text[j + 1] === c && text[j + 2] === c))) break;
          j++;
        }
        i = j + (triple ? 3 : 1);
        lastSignificant = c;
        continue;
      }
      if (c in OPEN) brackets.push({ char: c, offset: i });
      else if (c in CLOSE) {
        const open = brackets.pop();
        if (!open) return fail(i, `unmatched '${c}'`, 'bracket');
        if (open.char !== CLOSE[c]) {
          const where = lineOf(text, open.offset) === lineOf(text, i) ? '' : ` on line ${lineOf(text, open.offset)}`;
          return fail(i, `closing parenthesis '${c}' does not match opening parenthesis '${open.char}'${where}`, 'bracket');
        }
      }
      if (c !== ' ' && c !== '\t' && c !== '\r' && c !== '\f') lastSignificant = c;
      i++;
    }
    // end of a physical line: a logical line ends unless a bracket or a backslash continues it
    if (brackets.length === 0 && !continued) {
      if (lastSignificant === ':') expectBlock = i - 1;
      lastSignificant = '';
    }
  }
  const innermost = brackets[brackets.length - 1];
  if (innermost) return fail(innermost.offset, `'${innermost.char}' was never closed`, 'bracket');
  if (expectBlock !== -1) return fail(n, 'expected an indented block', 'indent');
  return null;
}
