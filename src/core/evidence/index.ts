/**
 * The project index: every discovered file's classes (found while the scan reads it), its module
 * name, and, read only when a lookup needs them, its imports. It answers "what does this name, as
 * written in this file, refer to" and "is this class an nn.Module", following imports across the
 * project's files and cutting import cycles.
 */
import { findImports, type ClassFact, type ImportFact } from './facts.js';
import { CONVENTIONAL_ALIASES, isNeutralBase, knownVerdict } from './known.js';
import { LineIndex, lastAtOrBefore } from '../text.js';

/** What a dotted name refers to. */
export type Target =
  | { type: 'class'; path: string; fact: ClassFact }
  | { type: 'module'; qualified: string; path: string | null }
  | { type: 'external'; qualified: string }
  | { type: 'unknown'; name: string };

export interface ClassVerdict {
  /** `plain`: the project's own class with no model or state base; `unresolved`: a base nothing here knows. */
  kind: 'module' | 'non-module' | 'plain' | 'unresolved';
  /** `derives from nn.Module (through ModelMixin)`, `is not an nn.Module`, ... */
  what: string;
}

const isPackageInit = (path: string) => path === '__init__.py' || path.endsWith('/__init__.py');

/** `a/b/c.py` -> `a.b.c`; `a/b/__init__.py` -> `a.b`; `__init__.py` at the root -> ``. */
function dottedOf(path: string): string {
  const parts = path.replace(/\.py$/, '').split('/');
  if (parts[parts.length - 1] === '__init__') parts.pop();
  return parts.join('.');
}

function commonPrefix(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

/** Most files define no class, and most classes name one base or none: shared empty lists, not one each. */
const NO_CLASSES: ClassFact[] = Object.freeze([]) as unknown as ClassFact[];
const NO_BASES: string[] = Object.freeze([]) as unknown as string[];

/** A file's text as `textOf` keeps it: the bytes it was decoded from, and (`charOffset`, outside ASCII) its lines. */
interface DecodedText {
  bytes: Buffer;
  text: string;
  ascii: boolean;
  lines: LineIndex | null;
}

/** How many files' bytes the index keeps at once (`bytesOf`). */
const BYTES_KEPT = 64;
/** How many files' decoded texts it keeps (`textOf`): fewer, a text is up to twice its bytes. */
const TEXTS_KEPT = 4;

export class ProjectIndex {
  private readonly classes = new Map<string, ClassFact[]>();
  /**
   * The last part of every file's module name (`mod` for `src/pkg/mod.py`) -> those files (their
   * dotted names are worked out when a lookup needs them: kept, they cost 50-100 bytes a file).
   */
  private readonly byLast = new Map<string, string[]>();
  /** The names of the project's folders. */
  private readonly folders = new Set<string>();
  private lastDir = '';
  private readonly byName = new Map<string, Array<{ path: string; fact: ClassFact }>>();
  private readonly imports = new Map<string, ImportFact[]>();
  private readonly texts = new Map<string, Buffer | null>();
  private readonly decoded = new Map<string, DecodedText>();
  /** Each kept file's line starts (`lineOf`), for as long as its bytes are kept. */
  private readonly lineStarts = new WeakMap<Buffer, Int32Array>();
  private readonly verdicts = new Map<string, ClassVerdict>();
  /** Names and modules as the index keeps them, each once (see `kept`). */
  private readonly words = new Map<string, string>();
  private readonly bases = new Map<string, string[]>();

  /** `read` gives a file's bytes by its path relative to the root (null when it cannot be read). */
  constructor(private readonly read: (path: string) => Buffer | null) {}

  get size(): number {
    return this.classes.size;
  }

  /**
   * Records a discovered file and its classes (empty for most files: its module name still counts),
   * and its imports when the scan has read them already (a planned file's: its sites' lookups start
   * there, and reading it again for them read every candidate file twice).
   */
  add(path: string, classes: ClassFact[], imports?: ImportFact[]): void {
    if (this.classes.has(path)) return;
    const kept = classes.length === 0 ? NO_CLASSES : classes.map((fact) => this.kept(fact));
    this.classes.set(path, kept);
    if (imports) this.imports.set(path, imports.map((fact) => this.keptImport(fact)));
    if (this.verdicts.size > 0) this.verdicts.clear();
    const dotted = dottedOf(path);
    const last = dotted.slice(dotted.lastIndexOf('.') + 1);
    const dir = path.slice(0, path.lastIndexOf('/') + 1);
    if (dir !== this.lastDir) {
      // (files come folder by folder: each folder's names once, not once for each of its files)
      this.lastDir = dir;
      for (const folder of path.split('/').slice(0, -1)) this.folders.add(folder);
    }
    const list = this.byLast.get(last);
    if (list) list.push(path);
    else this.byLast.set(last, [path]);
    for (const fact of kept) {
      const list = this.byName.get(fact.name);
      if (list) list.push({ path, fact });
      else this.byName.set(fact.name, [{ path, fact }]);
    }
  }

  /**
   * What the index keeps of a file's facts lives as long as the scan, for every file of the project:
   * its facts are made again here, their words shared (`nn.Module`, `torch`, a class's name and its
   * qualname), one object each with its fields in place. The facts as they come (from the read-ahead
   * worker, a copy each; from a lexer, a string each) cost about twice as much: 16 MB more over
   * 112,000 files.
   */
  private word(s: string): string {
    const kept = this.words.get(s);
    if (kept !== undefined) return kept;
    this.words.set(s, s);
    return s;
  }

  private kept(fact: ClassFact): ClassFact {
    const name = this.word(fact.name);
    return {
      name,
      qualname: fact.qualname === fact.name ? name : this.word(fact.qualname),
      bases: this.basesList(fact.bases),
      offset: fact.offset,
      indent: fact.indent,
    };
  }

  /** A class's bases, the list shared with every class that names the same (most name one: `nn.Module`). */
  private basesList(bases: string[]): string[] {
    if (bases.length === 0) return NO_BASES;
    const key = bases.join('\0');
    let kept = this.bases.get(key);
    if (!kept) this.bases.set(key, (kept = Object.freeze(bases.map((base) => this.word(base))) as string[]));
    return kept;
  }

  private keptImport(fact: ImportFact): ImportFact {
    // (`from m import a` binds `a` as `a`, `import torch` binds `torch`: one look-up for both)
    const name = fact.name === null ? null : this.word(fact.name);
    const module = this.word(fact.module);
    const local = fact.local === fact.name ? name : fact.local === fact.module ? module : this.word(fact.local);
    return { local: local as string, module, level: fact.level, name };
  }

  has(path: string): boolean {
    return this.classes.has(path);
  }

  /**
   * The file's bytes, kept for the last BYTES_KEPT files asked for (a large project's lookups reach
   * thousands of files: kept all, their bytes grew the scan's memory with the project).
   */
  bytesOf(path: string): Buffer | null {
    const kept = this.texts.get(path);
    if (kept !== undefined) {
      this.texts.delete(path); // to the back: the least recently read go first
      this.texts.set(path, kept);
      return kept;
    }
    const bytes = this.read(path);
    this.texts.set(path, bytes);
    if (this.texts.size > BYTES_KEPT) this.texts.delete(this.texts.keys().next().value as string);
    return bytes;
  }

  /**
   * The file's text, decoded, kept for the last TEXTS_KEPT files asked for: a file's classes are read
   * one after the other (hints read each model class a site names), and decoding the whole file for
   * each one was quadratic in a file of many classes (3,000 in one file: 1.2 s of decoding).
   */
  textOf(path: string): string | null {
    const bytes = this.bytesOf(path);
    if (!bytes) return null;
    const kept = this.decoded.get(path);
    this.decoded.delete(path); // to the back: the least recently read go first
    if (kept?.bytes === bytes) {
      this.decoded.set(path, kept);
      return kept.text;
    }
    const text = bytes.toString('utf8');
    this.decoded.set(path, { bytes, text, ascii: text.length === bytes.length, lines: null });
    if (this.decoded.size > TEXTS_KEPT) this.decoded.delete(this.decoded.keys().next().value as string);
    return text;
  }

  /**
   * The offset in `textOf(path)` of a byte offset in the file: the same in an ASCII file; else the
   * text's offset of the line's start plus the line's bytes up to it, decoded (a newline byte is
   * never part of a longer UTF-8 sequence, so the text and the bytes have their lines in step).
   */
  charOffset(path: string, offset: number): number {
    const text = this.textOf(path);
    if (text === null) return 0;
    const kept = this.decoded.get(path) as DecodedText;
    if (kept.ascii) return offset;
    const starts = this.lineStartsOf(kept.bytes);
    const row = lastAtOrBefore(starts, offset);
    kept.lines ??= new LineIndex(text);
    return kept.lines.lineStart(row) + kept.bytes.subarray(starts[row], offset).toString('utf8').length;
  }

  /** The 1-based line of a byte offset in a file (1 when the file cannot be read). */
  lineOf(path: string, offset: number): number {
    const bytes = this.bytesOf(path);
    return bytes ? lastAtOrBefore(this.lineStartsOf(bytes), offset) + 1 : 1;
  }

  /** A kept file's line starts (byte offsets), found once. */
  private lineStartsOf(bytes: Buffer): Int32Array {
    let found = this.lineStarts.get(bytes);
    if (!found) {
      const starts = [0];
      for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) starts.push(i + 1);
      this.lineStarts.set(bytes, (found = Int32Array.from(starts)));
    }
    return found;
  }

  importsOf(path: string): ImportFact[] {
    let found = this.imports.get(path);
    if (!found) {
      const bytes = this.bytesOf(path);
      found = bytes ? findImports(bytes).map((fact) => this.keptImport(fact)) : [];
      this.imports.set(path, found);
    }
    return found;
  }

  /**
   * The project file of an absolute module name, the one nearest `from` when several match; null when
   * none. A file matches as Python would find it: by its path from the root, by its package path (the
   * folders above it with an `__init__.py`), beside the importing script, or under a folder of that
   * name anywhere (research code adds folders to sys.path). A bare `typing` or `utils` matches only
   * the first three ways, so a project's `flax/typing.py` is not the standard library's `typing`.
   */
  findModule(dotted: string, from: string): string | null {
    const here = dottedOf(from).split('.').slice(0, -1).join('.');
    const top = dotted.slice(0, dotted.indexOf('.'));
    const candidates = (this.byLast.get(dotted.slice(dotted.lastIndexOf('.') + 1)) ?? []).filter((path) => {
      const its = dottedOf(path);
      return (
        its === dotted ||
        this.packageName(path) === dotted ||
        (here !== '' && its === `${here}.${dotted}`) ||
        (top !== '' && this.folders.has(top) && its.endsWith(`.${dotted}`))
      );
    });
    if (candidates.length === 0) return null;
    if (candidates.length === 1) return candidates[0] as string;
    const dir = from.slice(0, from.lastIndexOf('/') + 1);
    return [...candidates].sort((a, b) => commonPrefix(b, dir) - commonPrefix(a, dir) || a.length - b.length || (a < b ? -1 : 1))[0] as string;
  }

  /** The dotted name Python imports a file by from its package's parent: `src/pkg/mod.py` -> `pkg.mod` when `src/pkg/__init__.py` exists. */
  packageName(path: string): string {
    const parts = dottedOf(path).split('.');
    const folders = path.split('/').slice(0, -1);
    let top = folders.length;
    while (top > 0 && this.classes.has(`${folders.slice(0, top).join('/')}/__init__.py`)) top--;
    return parts.slice(top).join('.');
  }

  /** The file of a relative import (`level` dots) of `module` seen in `from`; null when the project has none. */
  private relativeModule(from: string, level: number, module: string): string | null {
    const parts = from.split('/').slice(0, -1);
    if (level - 1 > parts.length) return null;
    const base = parts.slice(0, parts.length - (level - 1));
    const rel = [...base, ...(module ? module.split('.') : [])].join('/');
    for (const candidate of [`${rel}.py`, `${rel ? `${rel}/` : ''}__init__.py`]) if (this.classes.has(candidate)) return candidate;
    return null;
  }

  private moduleTarget(from: string, fact: ImportFact): Target {
    if (fact.level > 0) {
      const path = this.relativeModule(from, fact.level, fact.module);
      return { type: 'module', qualified: path ? dottedOf(path) : fact.module, path };
    }
    return { type: 'module', qualified: fact.module, path: this.findModule(fact.module, from) };
  }

  /** What `names` (a dotted path) refers to inside a module. */
  private member(module: Target & { type: 'module' }, names: string[], seen: Set<string>): Target {
    if (names.length === 0) return module;
    const [head, ...rest] = names as [string, ...string[]];
    if (!module.path) return { type: 'external', qualified: `${module.qualified}.${names.join('.')}` };
    const own = this.classes.get(module.path)?.find((c) => c.indent === 0 && c.name === head);
    if (own) return this.nested(module.path, own, rest);
    if (isPackageInit(module.path)) {
      const sub = this.relativeModule(module.path, 1, head);
      if (sub) return this.member({ type: 'module', qualified: dottedOf(sub), path: sub }, rest, seen);
    }
    return this.resolve(module.path, names.join('.'), seen);
  }

  private nested(path: string, fact: ClassFact, rest: string[]): Target {
    if (rest.length === 0) return { type: 'class', path, fact };
    const qualname = `${fact.qualname}.${rest.join('.')}`;
    const inner = this.classes.get(path)?.find((c) => c.qualname === qualname);
    return inner ? { type: 'class', path, fact: inner } : { type: 'unknown', name: qualname };
  }

  /** What a dotted name written in file `path` refers to: its own classes, then its imports, then star imports. */
  resolve(path: string, dotted: string, seen = new Set<string>()): Target {
    const key = `${path}\0${dotted}`;
    if (seen.has(key)) return { type: 'unknown', name: dotted };
    seen.add(key);
    const parts = dotted.split('.');
    const own = this.classes.get(path)?.find((c) => c.indent === 0 && c.name === parts[0]);
    if (own) return this.nested(path, own, parts.slice(1));
    const imports = this.importsOf(path);
    let best: ImportFact | null = null;
    for (const fact of imports) {
      if (fact.local === '*') continue;
      if ((dotted === fact.local || dotted.startsWith(`${fact.local}.`)) && (!best || fact.local.length > best.local.length)) best = fact;
    }
    if (best) {
      const rest = dotted === best.local ? [] : dotted.slice(best.local.length + 1).split('.');
      const module = this.moduleTarget(path, best) as Target & { type: 'module' };
      return this.member(module, best.name === null ? rest : [best.name, ...rest], seen);
    }
    for (const fact of imports) {
      if (fact.local !== '*') continue;
      const module = this.moduleTarget(path, fact) as Target & { type: 'module' };
      if (!module.path) continue;
      const found = this.member(module, parts, seen);
      if (found.type === 'class') return found;
    }
    const alias = CONVENTIONAL_ALIASES[parts[0] as string];
    if (alias) return { type: 'external', qualified: [alias, ...parts.slice(1)].join('.') };
    return { type: 'unknown', name: dotted };
  }

  /**
   * `self.<attr> = <value>` lines in a class's body, read lexically from its file (the class runs
   * from its header to the first non-blank line indented no deeper): each value's first line.
   */
  selfAssignments(path: string, fact: ClassFact, attr: string): Array<{ value: string; line: number }> {
    const bytes = this.bytesOf(path);
    if (!bytes) return [];
    const text = bytes.toString('utf8', fact.offset, Math.min(bytes.length, fact.offset + 2_000_000));
    const lines = text.split('\n');
    const found: Array<{ value: string; line: number }> = [];
    const first = this.lineOf(path, fact.offset);
    const assign = new RegExp(`^[ \\t]+self\\.${attr}\\s*(?::[^=]+)?=(?!=)\\s*(.+)$`, 'u');
    // The header may run over several lines (bases in brackets): the body starts after it.
    let body = 0;
    for (let depth = 0; body < lines.length; body++) {
      for (const c of lines[body] as string) depth += c === '(' || c === '[' ? 1 : c === ')' || c === ']' ? -1 : 0;
      if (depth <= 0) break;
    }
    for (let i = body + 1; i < lines.length; i++) {
      const line = (lines[i] as string).replace(/\r$/, '');
      const indent = /^[ \t]*/.exec(line)?.[0] ?? '';
      if (line.trim() !== '' && !line.trimStart().startsWith('#') && indent.replace(/\t/g, '        ').length <= fact.indent) break;
      const m = assign.exec(line);
      if (m) found.push({ value: (m[1] as string).trim(), line: first + i });
    }
    return found;
  }

  /** The project class a dotted name in `path` refers to; by its last name when no import explains it and one class has that name. */
  resolveClass(path: string, dotted: string): (Target & { type: 'class' }) | null {
    const target = this.resolve(path, dotted);
    if (target.type === 'class') return target;
    if (target.type !== 'unknown') return null;
    const named = this.classesNamed(dotted.split('.').pop() as string);
    return named.length === 1 ? { type: 'class', path: (named[0] as { path: string }).path, fact: (named[0] as { fact: ClassFact }).fact } : null;
  }

  /** The classes a file defines (none for a file the index does not have). */
  classesIn(path: string): readonly ClassFact[] {
    return this.classes.get(path) ?? [];
  }

  /** The class `qualname` of a file, when the index has it. */
  classAt(path: string, qualname: string): ClassFact | null {
    return this.classes.get(path)?.find((c) => c.qualname === qualname) ?? null;
  }

  /** The project's classes of this name, wherever they are (the last resort for a name no import explains). */
  classesNamed(name: string): Array<{ path: string; fact: ClassFact }> {
    return this.byName.get(name) ?? [];
  }

  /** Whether a project class is an nn.Module, training state, a plain class, or derives from something unknown. */
  classVerdict(path: string, fact: ClassFact, seen = new Set<string>()): ClassVerdict {
    const key = `${path}\0${fact.qualname}`;
    const cached = this.verdicts.get(key);
    if (cached) return cached;
    if (seen.has(key)) return { kind: 'plain', what: 'is not an nn.Module' }; // a cycle of bases adds nothing
    seen.add(key);
    // A library's own class (the project is torch, or vendors timm): what the library is known to define wins.
    const qualified = `${this.packageName(path)}.${fact.qualname}`.replace(/^\./, '');
    const known = knownVerdict(qualified);
    if (known) {
      const verdict: ClassVerdict = { kind: known.kind, what: known.kind === 'module' ? `is ${qualified}` : `is ${qualified} (${known.what})` };
      this.verdicts.set(key, verdict);
      return verdict;
    }
    let unresolved: string | null = null;
    let verdict: ClassVerdict | null = null;
    for (const base of fact.bases) {
      const found = this.baseVerdict(path, base, seen);
      if (found.kind === 'module') {
        verdict = found;
        break;
      }
      if (found.kind === 'non-module') verdict ??= found;
      if (found.kind === 'unresolved') unresolved ??= found.what;
    }
    verdict ??= unresolved ? { kind: 'unresolved', what: unresolved } : { kind: 'plain', what: 'is not an nn.Module' };
    this.verdicts.set(key, verdict);
    return verdict;
  }

  private baseVerdict(path: string, base: string, seen: Set<string>): ClassVerdict {
    const target = this.resolve(path, base);
    const through = (v: ClassVerdict): ClassVerdict =>
      v.kind === 'module' || v.kind === 'non-module' ? { kind: v.kind, what: v.what.includes(' through ') ? v.what : `${v.what} through \`${base}\`` } : v;
    if (target.type === 'class') return through(this.classVerdict(target.path, target.fact, seen));
    const qualified = target.type === 'unknown' ? base : target.qualified;
    const known = knownVerdict(qualified);
    if (known) return { kind: known.kind, what: known.kind === 'module' ? `derives from ${qualified}` : `derives from ${qualified} (${known.what})` };
    if (known === null || isNeutralBase(qualified)) return { kind: 'plain', what: 'is not an nn.Module' };
    if (target.type === 'unknown') {
      const named = this.classesNamed(base.split('.').pop() as string).filter((c) => c.path !== path || c.fact.qualname !== base);
      for (const candidate of named) {
        const v = this.classVerdict(candidate.path, candidate.fact, seen);
        if (v.kind === 'module' || v.kind === 'non-module') return through(v);
      }
    }
    return { kind: 'unresolved', what: `derives from \`${base}\`, which nothing here defines` };
  }
}
