/**
 * The focused parse: the statements of a file that tree-sitter is given (through included ranges),
 * chosen from the lexer's statements (`statements.ts`), and what the evidence asks before it trusts
 * the partial tree at an offset (`Coverage`).
 *
 * Kept: the file's header (every top-level statement up to the first that cannot belong to the
 * leading import region, which is all the preamble's placement looks at); each statement holding
 * a site, an import, `KeyMapper` or `from_torch`, or a place where a name that matters may be bound;
 * and, for each site's receiver, the statements its evidence reads first: those naming the
 * receiver's root in the enclosing functions and at module level, and for `self.X` those naming
 * `self.X` in the class and the class's own statements naming `X`. A statement is kept with the
 * headers of every clause around it (`def`, `class`, `if`/`elif`/`else`, `try`/`except`...) and one
 * statement in each of their bodies, so that the focused tree nests as the whole file's does.
 *
 * Whatever else the evidence turns out to read (a name bound elsewhere, the method a `self.m()`
 * receiver calls), it asks for through `Coverage`; the planner then keeps those statements too and
 * parses again (`widen`), so that a plan never rests on a statement the tree did not hold.
 */
import type { Range } from 'web-tree-sitter';
import { MAX_DEPTH, type Coverage } from './evidence/tree.js';
import { boundValue, readsOf, type Read } from './focus-reads.js';
import type { Structure } from './structure.js';
import { lastAtOrBefore, type LineIndex } from './text.js';
import { isWordAt } from './words.js';

/** Words whose statements are parsed: the sites, and what `findCalls`, the bindings and the preamble's placement look up. */
const FOCUS_WORDS = ['load_state_dict', 'import', 'KeyMapper', 'from_torch'];
const NAME = /[\p{L}_][\p{L}\p{N}_]*/gu;
/** The receiver before `.load_state_dict`: names, attributes and subscripts (`self.models[0].net`). */
const RECEIVER_BEFORE = /[\p{L}_][\p{L}\p{N}_]*(?:\s*\[[^\]\n]*\])?(?:\s*\.\s*[\p{L}_][\p{L}\p{N}_]*(?:\s*\[[^\]\n]*\])?)*\s*\.\s*$/u;
const DEF_NAME = /^(?:async\s+)?def\s+([\p{L}_][\p{L}\p{N}_]*)\s*\(\s*([\p{L}_][\p{L}\p{N}_]*)?/u;

/** Top-level statements that may belong to the leading import region: imports, docstrings, `if`/`try`/`with` blocks, `__dunder__` assignments. */
function mayBeInImportRegion(text: string, s: Structure, root: number): boolean {
  const lead = s.lead(root);
  if (lead === 'import' || lead === 'string') return true;
  const start = s.blockStart[root] as number;
  const head = text.slice(start, start + 80);
  return /^(?:(?:if|try|with)(?![\p{L}\p{N}_])|__\w+__[ \t]*=)/u.test(head) && !/^if\b[^\n:]*__name__/.test(head);
}

/** True when the statement `b` is a definition (`def`, `async def` or `class`: the lexer knows where its keyword is). */
const isDefinition = (s: Structure, b: number) => s.blockKeyword[b] !== -1;

/** The statement around `b` (the one whose clause's body holds it); -1 at top level. */
function parentOf(s: Structure, b: number): number {
  const clause = s.blockParent[b] as number;
  return clause === -1 ? -1 : (s.clauseBlock[clause] as number);
}

/**
 * Where the module's own bindings can be, as sorted [start, end) pairs: every top-level statement
 * but the bodies of its definitions (a `def` or `class` line binds its name; what its body binds is
 * its own), and every `global` statement (it makes a function's assignments the module's).
 */
export function moduleRegions(text: string, structure: Structure): Array<[number, number]> {
  const s = structure;
  const regions: Array<[number, number]> = [];
  const add = (start: number, end: number) => {
    const last = regions[regions.length - 1];
    if (last && last[1] >= start) last[1] = Math.max(last[1], end);
    else regions.push([start, end]);
  };
  const globals: number[] = [];
  for (let i = text.indexOf('global'); i !== -1; i = text.indexOf('global', i + 6)) if (isWordAt(text, i, 6)) globals.push(i);
  let g = 0;
  for (const root of s.rootIds()) {
    const end = s.blockEnd[root] as number;
    if (!isDefinition(s, root)) {
      add(s.blockStart[root] as number, end);
      continue;
    }
    const header = s.blockFirstClause[root] as number;
    const headerEnd = s.clauseHeaderEnd[header] as number;
    add(s.clauseStart[header] as number, headerEnd);
    for (; g < globals.length && (globals[g] as number) < end; g++) {
      const at = globals[g] as number;
      if (at < headerEnd) continue;
      const clause = lastAtOrBefore(s.starts, at);
      add(s.clauseStart[clause] as number, s.clauseHeaderEnd[clause] as number);
    }
  }
  return regions;
}

/** The innermost function around a statement, the class it is a method of, and its first parameter's name (`self`); -1 for none. */
interface Scope {
  fn: number;
  cls: number;
  self: string | undefined;
}

export class Focus implements Coverage {
  /** Per statement: 0 left out, 1 kept (its clauses' headers and what is kept inside), 2 kept whole. */
  private readonly keep: Uint8Array;
  /** Per clause: 1 when the last `ranges()` gave it to the parser. */
  private emitted: Uint8Array;
  /** Offsets the evidence read that the tree did not hold. */
  readonly misses: number[] = [];
  /** The definitions' statements by the offset of their keyword. */
  private definitions: Map<number, number> | null = null;
  private module: Array<[number, number]> | null = null;

  private constructor(
    private readonly text: string,
    private readonly s: Structure,
  ) {
    this.keep = new Uint8Array(s.blockCount);
    this.emitted = new Uint8Array(s.clauseCount);
  }

  /**
   * The focus for planning `text` (`structure` is the lexer's, `fileStructure`): `binders` are
   * where names that matter may be bound (`bindingOffsets`). Null for a file with no statement.
   */
  static of(text: string, structure: Structure, binders: ReadonlyMap<string, readonly number[]>): Focus | null {
    if (structure.blockCount === 0) return null;
    const focus = new Focus(text, structure);
    for (const root of structure.rootIds()) {
      if (!mayBeInImportRegion(text, structure, root)) {
        focus.keepBlock(root);
        break;
      }
      focus.keep[root] = 2;
    }
    for (const word of FOCUS_WORDS) focus.keepWord(word, 0, text.length, false);
    for (const offsets of binders.values()) for (const i of offsets) focus.keepAt(i);
    focus.keepReceivers();
    return focus;
  }

  /** The statements `of` kept (to hand to another thread: see prepare.ts). */
  kept(): Uint8Array {
    return this.keep;
  }

  /** The focus `of` made, from what it kept (`kept`); null for a file with no statement, as `of` gives. */
  static fromKept(text: string, structure: Structure, keep: Uint8Array): Focus | null {
    if (structure.blockCount === 0) return null;
    const focus = new Focus(text, structure);
    focus.keep.set(keep);
    return focus;
  }

  /** The clause (its index) that holds `offset`. */
  private clauseAt(offset: number): number {
    return lastAtOrBefore(this.s.starts, offset);
  }

  private keepAt(offset: number): void {
    this.keepBlock(this.s.clauseBlock[this.clauseAt(offset)] as number);
  }

  /** Keeps a statement and every statement around it (their headers). */
  private keepBlock(block: number): void {
    for (let b = block; b !== -1 && !this.keep[b]; b = parentOf(this.s, b)) this.keep[b] = 1;
  }

  /**
   * Keeps the statements in [from, to) where `word` stands as a whole word (not after a dot when
   * `plain`; right after `before` when given); calls `found` with each offset and its clause. (Searched
   * in a slice of the text: a search of the whole text ran on past `to` to the word's next use.)
   */
  private keepWord(word: string, from: number, to: number, plain: boolean, before = '', found?: (at: number, clause: number) => void): void {
    const { text } = this;
    const part = from === 0 && to === text.length ? text : text.slice(from, to);
    for (let j = part.indexOf(word); j !== -1; j = part.indexOf(word, j + word.length)) {
      const i = from + j;
      if (!isWordAt(text, i, word.length)) continue;
      if (plain && text.charCodeAt(i - 1) === 46 /* . */) continue;
      if (before && !text.startsWith(before, i - before.length)) continue;
      const clause = this.clauseAt(i);
      this.keepBlock(this.s.clauseBlock[clause] as number);
      found?.(i, clause);
    }
  }

  /**
   * The module's own code as [start, end) runs of consecutive top-level statements that are not
   * definitions (the first from the text's start: what comes before the first statement is looked
   * up as part of it).
   */
  private moduleCode(): Array<[number, number]> {
    if (this.module) return this.module;
    const runs: Array<[number, number]> = [];
    for (const root of this.s.rootIds()) {
      if (isDefinition(this.s, root)) continue;
      const start = this.s.blockStart[root] as number;
      const end = this.s.blockEnd[root] as number;
      const last = runs[runs.length - 1];
      if (last && last[1] === start) last[1] = end;
      else runs.push([root === 0 ? 0 : start, end]);
    }
    this.module = runs;
    return runs;
  }

  /** For each site's receiver, the statements its evidence reads first (see the file's comment). */
  private keepReceivers(): void {
    const { text, s } = this;
    const word = 'load_state_dict';
    const traced = new Set<string>();
    for (let i = text.indexOf(word); i !== -1; i = text.indexOf(word, i + word.length)) {
      const chain = RECEIVER_BEFORE.exec(text.slice(Math.max(0, i - 200), i))?.[0];
      if (!chain) continue;
      const names = chain.replace(/\[[^\]\n]*\]/g, '').match(NAME) ?? [];
      const [root, attr] = names;
      if (!root) continue;
      const at = this.clauseAt(i);
      const { fn, cls, self } = this.scopeOf(at);
      if (root === self && cls !== -1 && fn !== -1) {
        if (attr) this.trace({ type: 'attribute', name: attr }, at, traced, 0);
        if (names.length > 2) this.keepWord(self, s.blockStart[fn] as number, s.blockEnd[fn] as number, true);
        continue;
      }
      this.trace({ type: 'name', name: root }, at, traced, 0);
      if (attr) {
        const [from, to] = fn !== -1 ? [s.blockStart[fn] as number, s.blockEnd[fn] as number] : [0, text.length];
        this.keepWord(attr, from, to, false, `${root}.`);
      }
    }
  }

  /** The name of the function defined by statement `b`, and its first parameter's. */
  private defName(b: number): RegExpExecArray | null {
    const keyword = this.s.blockKeyword[b] as number;
    return DEF_NAME.exec(this.text.slice(keyword, keyword + 300));
  }

  /** The innermost function around a clause, the class it is a method of, and its first parameter's name (`self`). */
  private scopeOf(clause: number): Scope {
    const { s } = this;
    let fn = -1;
    for (let b = parentOf(s, s.clauseBlock[clause] as number); b !== -1 && fn === -1; b = parentOf(s, b)) if (s.lead(b) === 'def') fn = b;
    const outside = fn === -1 ? -1 : parentOf(s, fn);
    const cls = outside !== -1 && s.lead(outside) === 'class' ? outside : -1;
    const self = fn !== -1 && cls !== -1 ? this.defName(fn)?.[2] : undefined;
    return { fn, cls, self };
  }

  /**
   * Keeps what the evidence reads of `read` as seen from `from` (a clause): a name's statements in its
   * functions and at module level, `self.<name>` in the class (and the class's own statements naming
   * it), a method whole; then, through each binding among them, what its value reads.
   */
  private trace(read: Read, from: number, traced: Set<string>, depth: number): void {
    const { text, s } = this;
    const { cls, self } = this.scopeOf(from);
    const next: Array<{ read: Read; from: number }> = [];
    const followed = new Set<number>();
    const follow = (at: number, clause: number) => {
      if (depth >= MAX_DEPTH || followed.has(clause)) return;
      followed.add(clause);
      const start = s.clauseStart[clause] as number;
      const value = boundValue(text.slice(start, s.clauseHeaderEnd[clause] as number), at - start);
      if (value !== null) for (const r of readsOf(value, this.scopeOf(clause).self)) next.push({ read: r, from: clause });
    };
    const once = (key: string) => !traced.has(key) && Boolean(traced.add(key));
    if (read.type === 'name') {
      let outer = -1;
      for (let b = parentOf(s, s.clauseBlock[from] as number); b !== -1; b = parentOf(s, b)) if (s.lead(b) === 'def') outer = b;
      if (outer !== -1 && once(`def ${outer} ${read.name}`)) this.keepWord(read.name, s.blockStart[outer] as number, s.blockEnd[outer] as number, true, '', follow);
      // module-level code naming it (in top-level statements other than definitions)
      if (once(`module ${read.name}`)) for (const [start, end] of this.moduleCode()) this.keepWord(read.name, start, end, true, '', follow);
    } else if (cls !== -1 && self && once(`${read.type} ${cls} ${read.name}`)) {
      if (read.type === 'attribute') {
        this.keepWord(read.name, s.blockStart[cls] as number, s.blockEnd[cls] as number, false, `${self}.`, follow);
        for (const b of this.ownStatements(cls, read.name)) this.keepBlock(b);
      } else {
        for (const b of this.s.bodyIds(cls)) if (s.lead(b) === 'def' && this.defName(b)?.[1] === read.name) this.keepWhole(b);
      }
    }
    for (const { read: r, from: f } of next) this.trace(r, f, traced, depth + 1);
  }

  /** Keeps a statement whole, and the statements around it. */
  private keepWhole(block: number): void {
    this.keepBlock(block);
    this.keep[block] = 2;
  }

  /** The class's own simple statements (one clause, no body) where `word` stands as a whole word. */
  private ownStatements(cls: number, word: string): number[] {
    const { s } = this;
    const found: number[] = [];
    for (const b of this.s.bodyIds(cls)) {
      const first = s.blockFirstClause[b] as number;
      if (s.clauseNext[first] !== -1 || s.clauseBody[first] !== -1) continue;
      const slice = this.text.slice(s.blockStart[b] as number, s.blockEnd[b] as number);
      for (let i = slice.indexOf(word); i !== -1; i = slice.indexOf(word, i + word.length)) {
        if (isWordAt(slice, i, word.length)) {
          found.push(b);
          break;
        }
      }
    }
    return found;
  }

  /** Keeps what the misses of the last plan need: the statements at those offsets. */
  widen(): void {
    for (const offset of this.misses) this.keepAt(offset);
    this.misses.length = 0;
  }

  /** The ranges to parse, in order, or null when they would be the whole file. Marks what the tree will hold. */
  ranges(lines: LineIndex): Range[] | null {
    const { s } = this;
    this.emitted = new Uint8Array(s.clauseCount);
    const spans: Array<{ start: number; end: number }> = [];
    const emit = (block: number, whole: boolean) => {
      for (let clause = s.blockFirstClause[block] as number; clause !== -1; clause = s.clauseNext[clause] as number) {
        this.emitted[clause] = 1;
        const start = s.clauseStart[clause] as number;
        const headerEnd = s.clauseHeaderEnd[clause] as number;
        const last = spans[spans.length - 1];
        if (last && last.end === start) last.end = headerEnd;
        else spans.push({ start: clause === 0 ? 0 : start, end: headerEnd });
        const first = s.clauseBody[clause] as number;
        let any = false;
        for (let b = first; b !== -1; b = s.blockNext[b] as number) {
          if (!whole && !this.keep[b]) continue;
          any = true;
          emit(b, whole || this.keep[b] === 2);
        }
        // a body needs a statement: the first one, itself reduced to what it needs
        if (!any && first !== -1) emit(first, false);
      }
    };
    for (const root of s.rootIds()) if (this.keep[root]) emit(root, this.keep[root] === 2);
    if (spans.length === 1 && spans[0]?.start === 0 && spans[0].end === this.text.length) return null; // all of it
    return spans.map(({ start, end }) => ({ startIndex: start, endIndex: end, startPosition: point(lines, start), endPosition: point(lines, end) }));
  }

  seen(offset: number): boolean {
    if (this.emitted[this.clauseAt(offset)]) return true;
    this.misses.push(offset);
    return false;
  }

  private definitionAt(offset: number): number | undefined {
    if (!this.definitions) {
      this.definitions = new Map();
      const { blockCount, blockKeyword } = this.s;
      for (let b = 0; b < blockCount; b++) if (blockKeyword[b] !== -1) this.definitions.set(blockKeyword[b] as number, b);
    }
    return this.definitions.get(offset);
  }

  /** The class whose `class` keyword is at `offset`, if one is; -1 if not. */
  private classAt(offset: number): number {
    const b = this.definitionAt(offset);
    return b !== undefined && this.s.lead(b) === 'class' ? b : -1;
  }

  definitionEnd(offset: number): number | undefined {
    const b = this.definitionAt(offset);
    return b === undefined ? undefined : this.s.blockEnd[b];
  }

  needMethods(classOffset: number, name: string): void {
    const cls = this.classAt(classOffset);
    if (cls === -1) return;
    for (const b of this.s.bodyIds(cls)) {
      if (this.s.lead(b) !== 'def' || this.defName(b)?.[1] !== name) continue;
      for (let k = this.s.blockFirstClause[b] as number; k <= (this.s.blockLast[b] as number); k++) {
        if (!this.emitted[k]) this.misses.push(this.s.clauseStart[k] as number);
      }
    }
  }

  needStatements(classOffset: number, word: string): void {
    const cls = this.classAt(classOffset);
    if (cls === -1) return;
    for (const b of this.ownStatements(cls, word)) {
      const clause = this.s.blockFirstClause[b] as number;
      if (!this.emitted[clause]) this.misses.push(this.s.clauseStart[clause] as number);
    }
  }
}

/** A tree-sitter point: 0-based row, column in UTF-16 code units (web-tree-sitter's unit for strings). */
function point(lines: LineIndex, offset: number): { row: number; column: number } {
  const row = lines.row(offset);
  return { row, column: offset - lines.lineStart(row) };
}
