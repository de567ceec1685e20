/**
 * The statements (blocks) and clauses the statement lexer (`statements.ts`) finds in a file, as
 * arrays of numbers: the lexer makes hundreds of thousands of them on a large project, and the focus
 * (`focus.ts`) looks at few. An object view of any of them is made when asked for (`block`,
 * `clause`, `roots`: the tests' and `topLevelStatements`' way in).
 */
export type Lead = 'import' | 'string' | 'def' | 'class' | 'other';
/** How a statement begins, by its code in `Structure.blockLead`. */
const LEADS: readonly Lead[] = ['import', 'string', 'def', 'class', 'other'];
export const IMPORT = 0;
export const STRING = 1;
export const DEF = 2;
export const CLASS = 3;
export const OTHER = 4;

/** A file's statements and clauses, in source order. */
export class Structure {
  blockCount = 0;
  /** Offset of the start of its first line (its decorators' for a decorated definition). */
  blockStart = new Int32Array(0);
  /** Offset where the next statement outside it begins (the text's length for the last one). */
  blockEnd = new Int32Array(0);
  /** The clause whose body holds it; -1 at top level. */
  blockParent = new Int32Array(0);
  /** How it begins (`LEADS`). */
  blockLead = new Uint8Array(0);
  /** Offset of the `def`, `async` or `class` keyword of a definition (where its tree node starts); -1 for others. */
  blockKeyword = new Int32Array(0);
  /** Index of its last clause, nested ones included. */
  blockLast = new Int32Array(0);
  blockFirstClause = new Int32Array(0);
  blockLastClause = new Int32Array(0);
  /** The next statement of the body it is in; -1 for the last. */
  blockNext = new Int32Array(0);
  clauseCount = 0;
  /** Offset of the start of its first line (its decorators' for a decorated definition): sorted. */
  clauseStart = new Int32Array(0);
  /** Offset where the next logical line begins: the header's text (and the comments after it) ends there. */
  clauseHeaderEnd = new Int32Array(0);
  clauseBlock = new Int32Array(0);
  /** The statement's next clause (`else:` after `if ...:`); -1 for its last. */
  clauseNext = new Int32Array(0);
  /** The first statement of its indented body; -1 when it has none (a simple statement, or a body on the header's line). */
  clauseBody = new Int32Array(0);
  /** The clauses' starts, for lookups by offset (`lastAtOrBefore`): set once the lexer is done (`done`). */
  starts = new Int32Array(0);
  private readonly blockViews: Block[] = [];
  private readonly clauseViews: Clause[] = [];
  private rootViews: Block[] | null = null;

  constructor(capacity: number) {
    this.resize(capacity);
  }

  /** How the statement `id` begins. */
  lead(id: number): Lead {
    return LEADS[this.blockLead[id] as number] as Lead;
  }

  block(id: number): Block {
    return (this.blockViews[id] ??= new Block(this, id));
  }

  clause(index: number): Clause {
    return (this.clauseViews[index] ??= new Clause(this, index));
  }

  /** The top-level statements. */
  get roots(): Block[] {
    return (this.rootViews ??= this.rootIds().map((id) => this.block(id)));
  }

  /** Every statement, in source order (tests and debugging: the focus asks for the few it needs). */
  get blocks(): Block[] {
    return Array.from({ length: this.blockCount }, (_, id) => this.block(id));
  }

  /** Every clause, in source order (tests and debugging). */
  get clauses(): Clause[] {
    return Array.from({ length: this.clauseCount }, (_, index) => this.clause(index));
  }

  /** The statements (their ids) from `first` on through `blockNext`: a body's, or the top level's from 0. */
  chain(first: number): number[] {
    const out: number[] = [];
    for (let b = first; b !== -1; b = this.blockNext[b] as number) out.push(b);
    return out;
  }

  /** The top-level statements' ids. */
  rootIds(): number[] {
    return this.chain(this.blockCount > 0 ? 0 : -1);
  }

  /** The ids of the statements in the body of the statement `id`'s first clause (a class's or a function's). */
  bodyIds(id: number): number[] {
    return this.chain(this.clauseBody[this.blockFirstClause[id] as number] as number);
  }

  /** How many statements and clauses the arrays have room for. */
  get capacity(): number {
    return this.blockStart.length;
  }

  /** Room for one more statement and one more clause. */
  reserve(): void {
    const { capacity } = this;
    if (this.blockCount >= capacity || this.clauseCount >= capacity) this.resize(capacity * 2);
  }

  /** Every array at `capacity` entries, what they hold kept. */
  private resize(capacity: number): void {
    const arrays = this as unknown as Record<ArrayName, Int32Array | Uint8Array>;
    for (const name of ARRAY_NAMES) {
      const a = arrays[name];
      const bigger = new (a.constructor as new (n: number) => Int32Array | Uint8Array)(capacity);
      bigger.set(a);
      arrays[name] = bigger;
    }
  }

  /**
   * What the lexer found, each array cut to its count, all in one buffer: made in one thread,
   * handed to another (`structureBuffers`). (An allocation a file, not one an array: the read-ahead
   * worker's allocator kept 15-20 MB more of the freed ones.)
   */
  data(): StructureData {
    const data = { blockCount: this.blockCount, clauseCount: this.clauseCount } as StructureData;
    const out = data as unknown as Record<ArrayName, Int32Array | Uint8Array>;
    const count = (name: ArrayName) => (name.startsWith('block') ? this.blockCount : this.clauseCount);
    // Int32 arrays first, then the one Uint8Array (blockLead), so that every view is aligned
    const names = [...ARRAY_NAMES].sort((a, b) => this[b].BYTES_PER_ELEMENT - this[a].BYTES_PER_ELEMENT);
    const buffer = new ArrayBuffer(names.reduce((bytes, name) => bytes + count(name) * this[name].BYTES_PER_ELEMENT, 0));
    let offset = 0;
    for (const name of names) {
      const from = this[name].subarray(0, count(name));
      const view = from instanceof Int32Array ? new Int32Array(buffer, offset, from.length) : new Uint8Array(buffer, offset, from.length);
      view.set(from);
      out[name] = view;
      offset += from.byteLength;
    }
    return data;
  }

  /** Marks the structure complete: the clauses' starts are looked up from now on. */
  done(): this {
    this.starts = this.clauseStart.subarray(0, this.clauseCount);
    return this;
  }

  /** Makes this structure empty again, its arrays kept (the lexer writes every entry of what it adds). */
  clear(): this {
    this.blockCount = 0;
    this.clauseCount = 0;
    this.blockViews.length = 0;
    this.clauseViews.length = 0;
    this.rootViews = null;
    this.starts = new Int32Array(0);
    return this;
  }

  /** The structure `data` describes (its arrays are used, not copied). */
  static of(data: StructureData): Structure {
    return Object.assign(new Structure(0), data).done();
  }
}

/** The arrays a Structure is made of (each of `blockCount` or `clauseCount` entries). */
const ARRAY_NAMES = [
  'blockStart', 'blockEnd', 'blockParent', 'blockLead', 'blockKeyword', 'blockLast', 'blockFirstClause', 'blockLastClause', 'blockNext',
  'clauseStart', 'clauseHeaderEnd', 'clauseBlock', 'clauseNext', 'clauseBody',
] as const;
type ArrayName = (typeof ARRAY_NAMES)[number];

/** A Structure as plain data (`Structure.data`, `Structure.of`): what a worker thread's message can carry. */
export type StructureData = Pick<Structure, 'blockCount' | 'clauseCount' | ArrayName>;

/** The buffers of `data`'s arrays (one, from `data()`), to transfer with the message that carries it. */
export function structureBuffers(data: StructureData): ArrayBuffer[] {
  return [...new Set(ARRAY_NAMES.map((name) => data[name].buffer as ArrayBuffer))];
}

/** A statement: a simple one, or a compound one with its clauses (`if`/`elif`/`else`, a definition with its decorators). */
export class Block {
  private clauseList: Clause[] | null = null;
  constructor(
    private readonly s: Structure,
    readonly id: number,
  ) {}
  /** Offset of the start of its first line. */
  get start(): number {
    return this.s.blockStart[this.id] as number;
  }
  /** Offset where the next statement outside it begins (the text's length for the last one). */
  get end(): number {
    return this.s.blockEnd[this.id] as number;
  }
  /** How it begins: an import, a string literal (a docstring), a definition, or anything else. */
  get lead(): Lead {
    return this.s.lead(this.id);
  }
  /** Offset of the `def`, `async` or `class` keyword of a definition (where its tree node starts); -1 for others. */
  get keyword(): number {
    return this.s.blockKeyword[this.id] as number;
  }
  /** Index of its last clause, nested ones included. */
  get last(): number {
    return this.s.blockLast[this.id] as number;
  }
  /** The clause whose body holds it; null at top level. */
  get parent(): Clause | null {
    const clause = this.s.blockParent[this.id] as number;
    return clause === -1 ? null : this.s.clause(clause);
  }
  get clauses(): Clause[] {
    if (!this.clauseList) {
      this.clauseList = [];
      for (let c = this.s.blockFirstClause[this.id] as number; c !== -1; c = this.s.clauseNext[c] as number) this.clauseList.push(this.s.clause(c));
    }
    return this.clauseList;
  }
}

/** A clause: its header (the logical line, or the decorators and the `def` line) and its indented body. */
export class Clause {
  private bodyList: Block[] | null = null;
  constructor(
    private readonly s: Structure,
    /** Its place among the file's clauses, in source order. */
    readonly index: number,
  ) {}
  /** Offset of the start of its first line (its decorators' for a decorated definition). */
  get start(): number {
    return this.s.clauseStart[this.index] as number;
  }
  /** Offset where the next logical line begins: the header's text (and the comments after it) ends there. */
  get headerEnd(): number {
    return this.s.clauseHeaderEnd[this.index] as number;
  }
  get block(): Block {
    return this.s.block(this.s.clauseBlock[this.index] as number);
  }
  /** The statements of its indented body: none for a simple statement, or a body on the header's own line. */
  get body(): Block[] {
    return (this.bodyList ??= this.s.chain(this.s.clauseBody[this.index] as number).map((id) => this.s.block(id)));
  }
}
