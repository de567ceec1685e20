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
import type { Block, Clause, Structure } from './statements.js';
import { lastAtOrBefore, type LineIndex } from './text.js';
import { isWordAt } from './words.js';

/** Words whose statements are parsed: the sites, and what `findCalls`, the bindings and the preamble's placement look up. */
const FOCUS_WORDS = ['load_state_dict', 'import', 'KeyMapper', 'from_torch'];
const NAME = /[\p{L}_][\p{L}\p{N}_]*/gu;
/** The receiver before `.load_state_dict`: names, attributes and subscripts (`self.models[0].net`). */
const RECEIVER_BEFORE = /[\p{L}_][\p{L}\p{N}_]*(?:\s*\[[^\]\n]*\])?(?:\s*\.\s*[\p{L}_][\p{L}\p{N}_]*(?:\s*\[[^\]\n]*\])?)*\s*\.\s*$/u;
const DEF_NAME = /^(?:async\s+)?def\s+([\p{L}_][\p{L}\p{N}_]*)\s*\(\s*([\p{L}_][\p{L}\p{N}_]*)?/u;

/** Top-level statements that may belong to the leading import region: imports, docstrings, `if`/`try`/`with` blocks, `__dunder__` assignments. */
function mayBeInImportRegion(text: string, block: Block): boolean {
  if (block.lead === 'import' || block.lead === 'string') return true;
  const head = text.slice(block.start, block.start + 80);
  return /^(?:(?:if|try|with)(?![\p{L}\p{N}_])|__\w+__[ \t]*=)/u.test(head) && !/^if\b[^\n:]*__name__/.test(head);
}

/**
 * Where the module's own bindings can be, as sorted [start, end) pairs: every top-level statement
 * but the bodies of its definitions (a `def` or `class` line binds its name; what its body binds is
 * its own), and every `global` statement (it makes a function's assignments the module's).
 */
export function moduleRegions(text: string, structure: Structure): Array<[number, number]> {
  const regions: Array<[number, number]> = [];
  const add = (start: number, end: number) => {
    const last = regions[regions.length - 1];
    if (last && last[1] >= start) last[1] = Math.max(last[1], end);
    else regions.push([start, end]);
  };
  const globals: number[] = [];
  for (let i = text.indexOf('global'); i !== -1; i = text.indexOf('global', i + 6)) if (isWordAt(text, i, 6)) globals.push(i);
  let g = 0;
  for (const root of structure.roots) {
    const header = root.clauses[0] as Clause;
    if (root.lead !== 'def' && root.lead !== 'class') {
      add(root.start, root.end);
      continue;
    }
    add(header.start, header.headerEnd);
    for (; g < globals.length && (globals[g] as number) < root.end; g++) {
      const at = globals[g] as number;
      if (at < header.headerEnd) continue;
      const clause = structure.clauses[lastAtOrBefore(structure.starts, at)] as Clause;
      add(clause.start, clause.headerEnd);
    }
  }
  return regions;
}

export class Focus implements Coverage {
  /** Per block: 0 left out, 1 kept (its clauses' headers and what is kept inside), 2 kept whole. */
  private readonly keep: Uint8Array;
  /** Per clause: 1 when the last `ranges()` gave it to the parser. */
  private emitted: Uint8Array;
  /** Offsets the evidence read that the tree did not hold. */
  readonly misses: number[] = [];
  private definitions: Map<number, Block> | null = null;
  private module: Array<[number, number]> | null = null;

  private constructor(
    private readonly text: string,
    private readonly structure: Structure,
  ) {
    this.keep = new Uint8Array(structure.blocks.length);
    this.emitted = new Uint8Array(structure.clauses.length);
  }

  /**
   * The focus for planning `text` (`structure` is the lexer's, `fileStructure`): `binders` are
   * where names that matter may be bound (`bindingOffsets`). Null for a file with no statement.
   */
  static of(text: string, structure: Structure, binders: ReadonlyMap<string, readonly number[]>): Focus | null {
    if (structure.roots.length === 0) return null;
    const focus = new Focus(text, structure);
    for (const root of structure.roots) {
      if (!mayBeInImportRegion(text, root)) {
        focus.keepBlock(root);
        break;
      }
      focus.keep[root.id] = 2;
    }
    for (const word of FOCUS_WORDS) focus.keepWord(word, 0, text.length, false);
    for (const offsets of binders.values()) for (const i of offsets) focus.keepAt(i);
    focus.keepReceivers();
    return focus;
  }

  private clauseAt(offset: number): Clause {
    return this.structure.clauses[lastAtOrBefore(this.structure.starts, offset)] as Clause;
  }

  private keepAt(offset: number): void {
    this.keepBlock(this.clauseAt(offset).block);
  }

  /** Keeps a statement and every statement around it (their headers). */
  private keepBlock(block: Block): void {
    for (let b: Block | undefined = block; b && !this.keep[b.id]; b = b.parent?.block) this.keep[b.id] = 1;
  }

  /**
   * Keeps the statements in [from, to) where `word` stands as a whole word (not after a dot when
   * `plain`; right after `before` when given); calls `found` with each offset. (Searched in a slice
   * of the text: a search of the whole text ran on past `to` to the word's next use, wherever that was.)
   */
  private keepWord(word: string, from: number, to: number, plain: boolean, before = '', found?: (at: number, clause: Clause) => void): void {
    const { text } = this;
    const part = from === 0 && to === text.length ? text : text.slice(from, to);
    for (let j = part.indexOf(word); j !== -1; j = part.indexOf(word, j + word.length)) {
      const i = from + j;
      if (!isWordAt(text, i, word.length)) continue;
      if (plain && text.charCodeAt(i - 1) === 46 /* . */) continue;
      if (before && !text.startsWith(before, i - before.length)) continue;
      const clause = this.clauseAt(i);
      this.keepBlock(clause.block);
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
    const roots = this.structure.roots;
    for (let k = 0; k < roots.length; k++) {
      const root = roots[k] as Block;
      if (root.lead === 'def' || root.lead === 'class') continue;
      const last = runs[runs.length - 1];
      if (last && last[1] === root.start) last[1] = root.end;
      else runs.push([k === 0 ? 0 : root.start, root.end]);
    }
    this.module = runs;
    return runs;
  }

  /** For each site's receiver, the statements its evidence reads first (see the file's comment). */
  private keepReceivers(): void {
    const { text } = this;
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
      if (root === self && cls && fn) {
        if (attr) this.trace({ type: 'attribute', name: attr }, at, traced, 0);
        if (names.length > 2) this.keepWord(self, fn.start, fn.end, true);
        continue;
      }
      this.trace({ type: 'name', name: root }, at, traced, 0);
      if (attr) {
        const [from, to] = fn ? [fn.start, fn.end] : [0, text.length];
        this.keepWord(attr, from, to, false, `${root}.`);
      }
    }
  }

  /** The innermost function around a clause, the class it is a method of, and its first parameter's name (`self`). */
  private scopeOf(clause: Clause): { fn: Block | undefined; cls: Block | undefined; self: string | undefined } {
    let fn: Block | undefined;
    for (let b = clause.block.parent?.block; b && !fn; b = b.parent?.block) if (b.lead === 'def') fn = b;
    const cls = fn?.parent?.block.lead === 'class' ? fn.parent.block : undefined;
    const self = fn && cls ? DEF_NAME.exec(this.text.slice(fn.keyword, fn.keyword + 300))?.[2] : undefined;
    return { fn, cls, self };
  }

  /**
   * Keeps what the evidence reads of `read` as seen from `from`: a name's statements in its
   * functions and at module level, `self.<name>` in the class (and the class's own statements
   * naming it), a method whole; then, through each binding among them, what its value reads.
   */
  private trace(read: Read, from: Clause, traced: Set<string>, depth: number): void {
    const { text } = this;
    const { cls, self } = this.scopeOf(from);
    const next: Array<{ read: Read; from: Clause }> = [];
    const followed = new Set<number>();
    const follow = (at: number, clause: Clause) => {
      if (depth >= MAX_DEPTH || followed.has(clause.index)) return;
      followed.add(clause.index);
      const value = boundValue(text.slice(clause.start, clause.headerEnd), at - clause.start);
      if (value !== null) for (const r of readsOf(value, this.scopeOf(clause).self)) next.push({ read: r, from: clause });
    };
    const once = (key: string) => !traced.has(key) && Boolean(traced.add(key));
    if (read.type === 'name') {
      let outer: Block | undefined;
      for (let b = from.block.parent?.block; b; b = b.parent?.block) if (b.lead === 'def') outer = b;
      if (outer && once(`def ${outer.id} ${read.name}`)) this.keepWord(read.name, outer.start, outer.end, true, '', follow);
      // module-level code naming it (in top-level statements other than definitions)
      if (once(`module ${read.name}`)) for (const [start, end] of this.moduleCode()) this.keepWord(read.name, start, end, true, '', follow);
    } else if (cls && self && once(`${read.type} ${cls.id} ${read.name}`)) {
      if (read.type === 'attribute') {
        this.keepWord(read.name, cls.start, cls.end, false, `${self}.`, follow);
        for (const b of this.ownStatements(cls, read.name)) this.keepBlock(b);
      } else {
        for (const b of cls.clauses[0]?.body ?? []) {
          if (b.lead === 'def' && DEF_NAME.exec(text.slice(b.keyword, b.keyword + 300))?.[1] === read.name) this.keepWhole(b);
        }
      }
    }
    for (const { read: r, from: f } of next) this.trace(r, f, traced, depth + 1);
  }

  /** Keeps a statement whole, and the statements around it. */
  private keepWhole(block: Block): void {
    this.keepBlock(block);
    this.keep[block.id] = 2;
  }

  private ownStatements(cls: Block, word: string): Block[] {
    const found: Block[] = [];
    for (const b of cls.clauses[0]?.body ?? []) {
      if (b.clauses.length !== 1 || (b.clauses[0]?.body.length ?? 0) > 0) continue;
      const slice = this.text.slice(b.start, b.end);
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
    this.emitted = new Uint8Array(this.structure.clauses.length);
    const spans: Array<{ start: number; end: number }> = [];
    const emit = (block: Block, whole: boolean) => {
      for (const clause of block.clauses) {
        this.emitted[clause.index] = 1;
        const last = spans[spans.length - 1];
        if (last && last.end === clause.start) last.end = clause.headerEnd;
        else spans.push({ start: clause.index === 0 ? 0 : clause.start, end: clause.headerEnd });
        let any = false;
        for (const b of clause.body) {
          if (!whole && !this.keep[b.id]) continue;
          any = true;
          emit(b, whole || this.keep[b.id] === 2);
        }
        // a body needs a statement: the first one, itself reduced to what it needs
        if (!any && clause.body[0]) emit(clause.body[0], false);
      }
    };
    for (const root of this.structure.roots) if (this.keep[root.id]) emit(root, this.keep[root.id] === 2);
    if (spans.length === 1 && spans[0]?.start === 0 && spans[0].end === this.text.length) return null; // all of it
    return spans.map(({ start, end }) => ({ startIndex: start, endIndex: end, startPosition: point(lines, start), endPosition: point(lines, end) }));
  }

  seen(offset: number): boolean {
    if (this.emitted[lastAtOrBefore(this.structure.starts, offset)]) return true;
    this.misses.push(offset);
    return false;
  }

  private definitionAt(offset: number): Block | undefined {
    if (!this.definitions) {
      this.definitions = new Map();
      for (const b of this.structure.blocks) if (b.keyword !== -1) this.definitions.set(b.keyword, b);
    }
    return this.definitions.get(offset);
  }

  definitionEnd(offset: number): number | undefined {
    return this.definitionAt(offset)?.end;
  }

  needMethods(classOffset: number, name: string): void {
    const cls = this.definitionAt(classOffset);
    if (cls?.lead !== 'class') return;
    for (const b of cls.clauses[0]?.body ?? []) {
      if (b.lead !== 'def' || DEF_NAME.exec(this.text.slice(b.keyword, b.keyword + 300))?.[1] !== name) continue;
      for (let k = (b.clauses[0] as Clause).index; k <= b.last; k++) {
        if (!this.emitted[k]) this.misses.push((this.structure.clauses[k] as Clause).start);
      }
    }
  }

  needStatements(classOffset: number, word: string): void {
    const cls = this.definitionAt(classOffset);
    if (cls?.lead !== 'class') return;
    for (const b of this.ownStatements(cls, word)) {
      const clause = b.clauses[0] as Clause;
      if (!this.emitted[clause.index]) this.misses.push(clause.start);
    }
  }
}

/** A tree-sitter point: 0-based row, column in UTF-16 code units (web-tree-sitter's unit for strings). */
function point(lines: LineIndex, offset: number): { row: number; column: number } {
  const row = lines.row(offset);
  return { row, column: offset - lines.lineStart(row) };
}
