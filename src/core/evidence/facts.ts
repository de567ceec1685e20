/**
 * What one Python file tells the project index, found lexically in its bytes (no parse): the classes
 * it defines with their bases, and the names its imports bind. Every discovered file is read for
 * the prefilter anyway and its classes are taken then (one byte search per file); imports are read
 * only for the few files that resolving a receiver visits.
 *
 * Lexical means approximate: a `class X(...)` line inside a docstring counts as a class. That only
 * adds a class to the index; resolution prefers the file's own imports to a project-wide lookup.
 */

/** A class definition: `class Name(bases):` at any indentation. */
export interface ClassFact {
  name: string;
  /** `Outer.Inner` for a class nested in a class; the name for a top-level one. */
  qualname: string;
  /** Base expressions as written, subscripts dropped (`Generic[T]` -> `Generic`), keywords left out. */
  bases: string[];
  /** Byte offset of the line the class starts on (the line number is worked out only when shown). */
  offset: number;
  /** Columns of indentation (a tab counts as 8): 0 for a top-level class. */
  indent: number;
}

/** A name bound by an import: `from .a import B as C` binds `C` to `B` of module `.a`. */
export interface ImportFact {
  local: string;
  /** The module as written, without the leading dots of a relative import. */
  module: string;
  /** Leading dots: 0 for an absolute import. */
  level: number;
  /** The imported name for `from m import name`; null for `import m` (which binds a module); `*` for a star import. */
  name: string | null;
}

const CLASS = Buffer.from('class');
const IMPORT = Buffer.from('import');
const SPACE = 32;
const TAB = 9;
const NL = 10;
const CR = 13;
const FF = 12;
const OPEN = new Set([40, 91, 123]);
const CLOSE = new Set([41, 93, 125]);

const isIdentByte = (c: number | undefined) =>
  c !== undefined && ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c >= 0x80);

/** The offset of the start of the line holding `at`, when only spaces and tabs stand before it; else -1. */
function lineStartBefore(bytes: Buffer, at: number): number {
  let k = at;
  while (k > 0 && (bytes[k - 1] === SPACE || bytes[k - 1] === TAB || bytes[k - 1] === FF)) k--;
  return k === 0 || bytes[k - 1] === NL || bytes[k - 1] === CR ? k : -1;
}

function indentWidth(bytes: Buffer, start: number, end: number): number {
  let width = 0;
  for (let k = start; k < end; k++) width = bytes[k] === TAB ? (Math.floor(width / 8) + 1) * 8 : bytes[k] === FF ? 0 : width + 1;
  return width;
}

/** The offset after the bracket closing the one at `open`, skipping simple strings; -1 when it is not closed. */
function closeBracket(bytes: Buffer, open: number): number {
  let depth = 0;
  for (let k = open; k < bytes.length; k++) {
    const c = bytes[k] as number;
    if (OPEN.has(c)) depth++;
    else if (CLOSE.has(c)) {
      if (--depth === 0) return k + 1;
    } else if (c === 34 || c === 39) {
      const end = bytes.indexOf(c, k + 1);
      if (end === -1) return -1;
      k = end;
    } else if (c === 35) {
      const end = bytes.indexOf(NL, k);
      if (end === -1) return -1;
      k = end;
    }
  }
  return -1;
}

/** Splits `a, b[c, d], e` on its top-level commas. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let k = 0; k < text.length; k++) {
    const c = text[k];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, k));
      start = k + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

function stripComments(text: string): string {
  return text.replace(/#[^\n]*/g, ' ');
}

/** `nn.Module` -> `nn.Module`; `Generic[T]` -> `Generic`; `metaclass=ABCMeta` and `*bases` -> null. */
function baseExpression(part: string): string | null {
  const text = part.replace(/\s+/g, '');
  if (!text || text.includes('=') || text.startsWith('*')) return null;
  const bare = text.replace(/\[.*$/s, '');
  return /^[\p{L}_][\p{L}\p{N}_]*(?:\.[\p{L}_][\p{L}\p{N}_]*)*$/u.test(bare) ? bare : null;
}

/**
 * True when a line between `from` (a line start after the class's header; 0: right after the header)
 * and `end` is indented no deeper than the class (its body ended there).
 */
function endedBefore(bytes: Buffer, fact: ClassFact, end: number, from = 0): boolean {
  let line = from > 0 ? from : bytes.indexOf(NL, fact.offset) + 1;
  while (line > 0 && line < end) {
    let k = line;
    while (bytes[k] === SPACE || bytes[k] === TAB || bytes[k] === FF) k++;
    const c = bytes[k];
    if (k < end && c !== NL && c !== CR && c !== 35 && indentWidth(bytes, line, k) <= fact.indent && c !== 41 && c !== 93) return true;
    line = bytes.indexOf(NL, line) + 1;
  }
  return false;
}

/** The classes a file defines, nested ones with their qualified names. */
export function findClasses(bytes: Buffer): ClassFact[] {
  const classes: ClassFact[] = [];
  const open: ClassFact[] = []; // enclosing classes, innermost last
  // for each of them, the line start up to which its body is known not to have ended (each line is looked at once)
  const checked: number[] = [];
  for (let at = bytes.indexOf(CLASS); at !== -1; at = bytes.indexOf(CLASS, at + CLASS.length)) {
    const start = lineStartBefore(bytes, at);
    const gap = bytes[at + CLASS.length];
    if (start === -1 || (gap !== SPACE && gap !== TAB)) continue;
    let k = at + CLASS.length;
    while (bytes[k] === SPACE || bytes[k] === TAB) k++;
    const nameStart = k;
    while (isIdentByte(bytes[k])) k++;
    if (k === nameStart || (bytes[nameStart] as number) <= 57) continue;
    const name = bytes.toString('utf8', nameStart, k);
    while (bytes[k] === SPACE || bytes[k] === TAB) k++;
    if (bytes[k] === 91) {
      // PEP 695 type parameters: class C[T](Base)
      const after = closeBracket(bytes, k);
      if (after === -1) continue;
      k = after;
    }
    let bases: string[] = [];
    if (bytes[k] === 40) {
      const after = closeBracket(bytes, k);
      if (after === -1) continue;
      bases = splitTopLevel(stripComments(bytes.toString('utf8', k + 1, after - 1)))
        .map(baseExpression)
        .filter((b): b is string => b !== null);
      k = after;
    }
    while (bytes[k] === SPACE || bytes[k] === TAB) k++;
    if (bytes[k] !== 58) continue; // `:`
    const indent = indentWidth(bytes, start, at);
    while (open.length > 0) {
      const last = open.length - 1;
      const enclosing = open[last] as ClassFact;
      if (enclosing.indent < indent && !endedBefore(bytes, enclosing, start, checked[last])) {
        checked[last] = start;
        break;
      }
      open.pop();
      checked.pop();
    }
    const outer = open[open.length - 1];
    const fact: ClassFact = { name, qualname: indent > 0 && outer ? `${outer.qualname}.${name}` : name, bases, offset: start, indent };
    classes.push(fact);
    open.push(fact);
    checked.push(0);
  }
  return classes;
}

/** The text of the import statement starting at `start`: its line, its bracketed names, its continuations. */
function statementText(bytes: Buffer, start: number): string {
  let end = start;
  for (;;) {
    const lf = bytes.indexOf(NL, end);
    const lineEnd = lf === -1 ? bytes.length : lf;
    const paren = bytes.indexOf(40, end);
    const hash = bytes.indexOf(35, end);
    if (paren !== -1 && paren < lineEnd && (hash === -1 || hash > paren)) {
      const after = closeBracket(bytes, paren);
      if (after === -1) return bytes.toString('utf8', start, lineEnd);
      end = after;
      continue;
    }
    let back = lineEnd;
    while (back > end && (bytes[back - 1] === CR || bytes[back - 1] === SPACE)) back--;
    if (bytes[back - 1] === 92 && lf !== -1) {
      end = lf + 1;
      continue;
    }
    return bytes.toString('utf8', start, lineEnd);
  }
}

const NAME = String.raw`[\p{L}_][\p{L}\p{N}_]*`;
const DOTTED = String.raw`${NAME}(?:\s*\.\s*${NAME})*`;
const IMPORT_RE = new RegExp(String.raw`^import\s+(.+)$`, 'su');
const FROM_RE = new RegExp(String.raw`^from\s+(\.*)\s*(${DOTTED})?\s+import\s+(.+)$`, 'su');
const ALIAS_RE = new RegExp(String.raw`^(${DOTTED})(?:\s+as\s+(${NAME}))?$`, 'u');

function parseImport(statement: string): ImportFact[] {
  const text = stripComments(statement).replace(/\\\r?\n/g, ' ').split(';')[0]?.trim() ?? '';
  const facts: ImportFact[] = [];
  const plain = IMPORT_RE.exec(text);
  if (plain) {
    for (const part of (plain[1] ?? '').split(',')) {
      const m = ALIAS_RE.exec(part.trim());
      if (!m) continue;
      const module = (m[1] ?? '').replace(/\s+/g, '');
      facts.push({ local: m[2] ?? (module.split('.')[0] as string), module: m[2] ? module : (module.split('.')[0] as string), level: 0, name: null });
      // `import a.b` binds `a`, through which `a.b` is reached: record the full path too.
      if (!m[2] && module.includes('.')) facts.push({ local: module, module, level: 0, name: null });
    }
    return facts;
  }
  const from = FROM_RE.exec(text);
  if (!from) return facts;
  const level = (from[1] ?? '').length;
  const module = (from[2] ?? '').replace(/\s+/g, '');
  const names = (from[3] ?? '').replace(/[()]/g, ' ').trim();
  if (names === '*') return [{ local: '*', module, level, name: '*' }];
  for (const part of names.split(',')) {
    const m = ALIAS_RE.exec(part.trim());
    if (!m || (m[1] ?? '').includes('.')) continue;
    facts.push({ local: m[2] ?? (m[1] as string), module, level, name: m[1] as string });
  }
  return facts;
}

/** The names a file's import statements bind, at any indentation (guarded and function-level imports too). */
export function findImports(bytes: Buffer): ImportFact[] {
  const imports: ImportFact[] = [];
  let lastLine = -1;
  for (let at = bytes.indexOf(IMPORT); at !== -1; at = bytes.indexOf(IMPORT, at + IMPORT.length)) {
    if (isIdentByte(bytes[at - 1]) || isIdentByte(bytes[at + IMPORT.length])) continue;
    // `import x` starts its line; `from m import x` has `from` at the line's start.
    let start = lineStartBefore(bytes, at);
    if (start === -1) {
      let k = at;
      while (k > 0 && bytes[k - 1] !== NL && bytes[k - 1] !== CR) k--;
      start = lineStartBefore(bytes, k);
      while (bytes[start] === SPACE || bytes[start] === TAB) start++;
      if (bytes.toString('latin1', start, start + 5) !== 'from ' && bytes.toString('latin1', start, start + 5) !== 'from\t') continue;
    } else {
      while (bytes[start] === SPACE || bytes[start] === TAB || bytes[start] === FF) start++;
    }
    if (start === lastLine) continue;
    lastLine = start;
    imports.push(...parseImport(statementText(bytes, start)));
  }
  return imports;
}
