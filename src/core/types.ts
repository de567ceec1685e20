/** Plain data shared by the core, the CLI modes and the review screen. No I/O, no UI. */

/** How a call site is treated: see design.md "Data model". */
export type SiteKind = 'module' | 'non-module' | 'unknown' | 'super' | 'unsupported';

export const SITE_KINDS: readonly SiteKind[] = ['module', 'non-module', 'unknown', 'super', 'unsupported'];

/** What decided a site's kind (design.md "Data model"): an override, a binding, a class, a usage, or only a name. */
export const EVIDENCE_RULES = [
  'override',
  'no-state',
  'imported-module',
  'isinstance',
  'assignment',
  'annotation',
  'loop',
  'attribute',
  'inherited',
  'usage',
  'name',
  'state',
  'none',
] as const;

export type EvidenceRule = (typeof EVIDENCE_RULES)[number];

/**
 * The evidence for a site's kind: the source text that decided it and where it stands (absent for
 * `name` and `none`), and one sentence saying why (the review and `--dry-run` show it).
 */
export interface Evidence {
  rule: EvidenceRule;
  text?: string;
  /** Path relative to the root, `/` separators. */
  path?: string;
  line?: number;
  /** In a notebook: the cell `line` counts within (0-based). */
  cell?: number;
  note: string;
  /** The project class the receiver is an instance of, when such a class decided a model (hints are read from it). */
  class?: EvidenceClass;
}

/** A class of the project: its file (relative to the root), qualified name (`Outer.Inner`) and 1-based line. */
export interface EvidenceClass {
  path: string;
  qualname: string;
  line: number;
  /** In a notebook: the cell `line` counts within (0-based). */
  cell?: number;
}

/**
 * Where to look for a receiver's kind, strongest first, as planning found them in the file's tree;
 * settled into a kind against the project index once the index knows the classes they name.
 * Plain data (it crosses worker threads).
 */
export type Clue =
  /** Decided from the file alone. `unknown` stops the search (a loop over mixed objects). */
  | { type: 'verdict'; kind: 'module' | 'non-module' | 'unknown' | 'super'; what: string; source: ClueSource }
  /** The receiver is built by, annotated with or checked against `expr` (a class or factory) as written in `path`. */
  | {
      type: 'class';
      expr: string;
      /** `not-isinstance`: the site is in the `else` of `isinstance(R, expr)`; `self`: `expr` is the enclosing class. */
      how: 'call' | 'annotation' | 'isinstance' | 'not-isinstance' | 'constructor' | 'import' | 'self';
      subject: string;
      source: ClueSource;
      /** For a call: the first argument's dotted name (`config.model` of `instantiate(config.model)`). */
      arg?: string;
      /** For a call whose result is unpacked: which item of the tuple it returns (`model, preprocess = clip.load(...)`). */
      item?: number;
    }
  /**
   * The receiver is attribute `attr` of a value the `owner` clues describe. `class`: where the owner is a
   * project class, what that class (or a base) sets `self.<attr>` to. `owner`: a model's attribute
   * is a submodule (other owners tell nothing).
   */
  | { type: 'attribute-of'; owner: Clue[]; attr: string; look: 'class' | 'owner'; subject: string }
  /** The receiver is one of several values (a loop over a list, a tuple): each has its own clues. */
  | { type: 'all-of'; items: Clue[][]; subject: string; source: ClueSource }
  /** `self.attr` is not set in its class: look in the class's project bases (`bases` as written in `path`). */
  | { type: 'inherited'; attr: string; bases: string[]; path: string }
  /**
   * The receiver's or its state's words, the last resort. `weak`: the name of a container the receiver
   * is an item of, which says less than the receiver's own name and only counts when nothing else does.
   */
  | { type: 'name'; name: string; rule: 'name' | 'state'; subject: string; weak?: boolean };

export interface ClueSource {
  rule: EvidenceRule;
  text: string;
  path: string;
  line: number;
}

/** Files larger than this are skipped with a reason unless `--max-file-size` says otherwise. */
export const DEFAULT_MAX_FILE_SIZE = 5 * 1024 * 1024;

/** A replacement of `text[start, end)` in a file's decoded text (offsets in UTF-16 code units). */
export interface Edit {
  start: number;
  end: number;
  text: string;
}

/**
 * What choosing the name of a statement rewrite needs (see naming.ts), found in the file's tree while
 * planning. Plain data (it crosses worker threads); not in `--json`.
 */
export interface NameInputs {
  /** The scope the rewrite assigns in: the start offset of its function or class, -1 for the module. */
  scope: number;
  /** How messages call the scope: the function's name in backquotes, `class Net`, or `the module`. */
  scopeName: string;
  /** The text after `name = `: `KeyMapper.from_torch(...)`, with the file's line endings. */
  call: string;
  /** The default name (`variables`, or `--target-name`); null under a `{name}` template. */
  plain: string | null;
  /** The name after the receiver (`model_variables`, `self.unet_variables`), or the default where the receiver has none. */
  own: string;
  /** Of `plain` and `own`, those the scope already uses (reads, binds, or for `self.x`, sets or reads). */
  taken: string[];
  /** Numbers `n` for which the scope already uses `own_n`. */
  numbers: number[];
}

/**
 * A hint the rewrite passes to `KeyMapper.from_torch(..., hints={module: value})`, read from the
 * model's source: what the torch module at `module` is, where the state dict alone cannot tell.
 */
export interface SiteHint {
  /** The torch module path, `*` standing for every item of a list (`h.*.attn.c_attn`). */
  module: string;
  /** `embedding`, `kernel`, `linear_t` or `attention:H`. */
  value: string;
  /** The call that builds the module, and where it stands (path relative to the root). */
  text: string;
  path: string;
  line: number;
  /** In a notebook: the cell `line` counts within (0-based). */
  cell?: number;
  /** For a head count not written at the call: where it came from (a default, a config field). */
  note?: string;
}

/** One `X.load_state_dict(...)` call found in a file. */
export interface Site {
  /** Stable id: `path:line:column`. */
  id: string;
  /** Path relative to the root, `/` separators. */
  path: string;
  /** 1-based; columns count characters (code points), not bytes or UTF-16 units. */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** Source text of the receiver (`model`, `self.net`, `getattr(m, n)`). */
  receiver: string;
  kind: SiteKind;
  /** What decided `kind`. */
  evidence: Evidence;
  /** Where `evidence` came from, kept so that the kind can be settled again once the whole project is indexed (not in `--json`). */
  clues: Clue[];
  /** True when the rewrite is offered by default (kind `module`, or a kind named by `--include`). */
  proposed: boolean;
  /** Why a site is not proposed; empty when it is. */
  reason: string;
  /** Set when the file keeps any rewrite from being written here whatever the kind (`KeyMapper` or the target name bound to something else); not in `--json`. */
  conflict?: string;
  /** The source text the rewrite replaces: the whole statement, or just the call. */
  original: string;
  /** The proposed text for `original`. For `super`/`unsupported` sites this is the original text. */
  replacement: string;
  warnings: string[];
  /** Where `original` lies in the file text. */
  edit: Edit;
  /** For a statement rewrite: the name it assigns (`variables`, `unet_variables`). */
  target?: string;
  /** Why `target` is not the default name (several rewrites in one scope, or the default already used there). */
  targetWhy?: string;
  /** For a statement rewrite: what choosing its name needs (not in `--json`). */
  naming?: NameInputs;
  /** In a notebook: the code cell's index in the notebook (0-based); `line` and `endLine` then count within the cell. */
  cell?: number;
  /**
   * Where the whole lines of the statement holding the call lie in the file text (from a line's start
   * to the end of a line, its line break left out): what the review's editors edit. Not in `--json`.
   */
  lines: { start: number; end: number };
  /** The hints the rewrite passes, read from the model's source (flax mapper; absent when none). */
  hints?: SiteHint[];
  /** Where `hints=` goes in `replacement`, counted in characters from its end (after the state); absent when the rewrite cannot take it. Not in `--json`. */
  hintsAt?: number;
  /** What the hints put into `replacement` and `warnings`, so that settling again can take it back out. Not in `--json`. */
  hinted?: { text: string; warnings: string[] };
}

/** A notebook code cell in its plan's text. */
export interface NotebookCell {
  /** Index in the notebook's `cells` (0-based; markdown and raw cells count). */
  index: number;
  /** Where the cell's source lies in the plan's text (the line end joining it to the next cell is not the cell's). */
  start: number;
  end: number;
  /** 0-based line of the plan's text the cell starts at. */
  row: number;
}

/** Where a notebook's code cells lie in the one text that is planned (design.md: the source map). */
export interface NotebookMap {
  /** The notebook's JSON as read (decoded), written back with only changed sources replaced. */
  json: string;
  cells: NotebookCell[];
  /** The cell the preamble's new cell goes before (after the leading cells that only import); may be `cellCount`. */
  insertAt: number;
  cellCount: number;
}

/**
 * Where and what the KeyMapper preamble writes, when the file has at least one accepted change: one
 * edit that replaces lines `line` to `endLine` (exclusive; none when equal) with `text`, which holds
 * those lines with the preamble's import lines among them, then the class.
 */
export interface PreamblePlan {
  /** 1-based line the edit starts at. */
  line: number;
  /** 1-based line the edit ends before (the class is inserted there). */
  endLine: number;
  text: string;
  edit: Edit;
  /** In a notebook: the preamble is a new code cell, before the cell of this index (`text` is its source). */
  cell?: number;
}

/** Everything needed to review and write one file; a pure function of its text. */
export interface FilePlan {
  path: string;
  absPath: string;
  sites: Site[];
  /** Null when the file already defines or imports KeyMapper. */
  preamble: PreamblePlan | null;
  /** sha256 of the bytes read at scan time. */
  hash: string;
  /**
   * Decoded text without the BOM; null once the scan let it go (`ScanOptions.keepText` false:
   * `--json`, `--check`), when `planText` reads the file again and checks it against `hash`.
   */
  text: string | null;
  bom: boolean;
  eol: '\n' | '\r\n';
  /** Set when the file has syntax errors elsewhere; sites inside broken code are dropped. */
  parseError: string | null;
  /** A notebook: its code cells are `text`, one after the other. */
  notebook?: NotebookMap;
  /** `--preamble module`: the helper the preamble's import names (written with the project's first change that calls KeyMapper). */
  helper?: SharedHelper;
}

export interface Skipped {
  path: string;
  reason: string;
}

export interface ScanStats {
  filesScanned: number;
  candidates: number;
  sites: number;
  proposed: number;
  ms: number;
}

/** Which KeyMapper flavour a run writes, and why (`--mapper`, or what the project imports). */
export interface MapperChoice {
  name: Mapper;
  /** `--mapper nnx`; `the project imports flax.nnx (model.py:3)`; `no file imports flax.nnx`. */
  why: string;
}

export interface ScanResult {
  root: string;
  files: FilePlan[];
  /** `--preamble module`: the shared helper, when any file needs it. */
  helper?: SharedHelper;
  skipped: Skipped[];
  stats: ScanStats;
  mapper: MapperChoice;
}

/**
 * A reviewer's decision on one site. A site with no decision is pending (not written). An edit's
 * `text` is the statement's whole lines (`Site.lines`) as they will be written, with LF line ends;
 * blank, it removes them.
 */
export type Decision = { type: 'accepted' } | { type: 'skipped' } | { type: 'edited'; text: string };

/** Decisions keyed by `Site.id`. */
export type Decisions = ReadonlyMap<string, Decision>;

export type Mapper = 'flax' | 'nnx' | 'reference';

export interface ScanOptions {
  /** Kinds proposed besides `module` (from `--include`). */
  include: SiteKind[];
  /** Name assigned by statement rewrites. */
  targetName: string;
  /** Preamble flavour (the rewrite too: `nnx` loads in place with `KeyMapper.load_into`). */
  mapper: Mapper;
  /**
   * True when `--mapper` was not given: the scan then settles on `nnx` when any file of the project
   * imports `flax.nnx`, else keeps `mapper` (flax).
   */
  mapperAuto?: boolean;
  /** Files larger than this many bytes are skipped with a reason. */
  maxFileSize: number;
  /** `inline`: the class in each file; `module`: one shared helper file, imported by each file (`--preamble module[=PATH]`). */
  preamble: 'inline' | 'module';
  /** `--preamble module=PATH`: the helper's path, relative to the root; null for the default place. */
  helperPath: string | null;
  /**
   * False: each plan lets go of its file's text once planned (a notebook's is kept), so that a
   * large project's texts are never all in memory; for runs that print no diff and write nothing.
   */
  keepText?: boolean;
  /**
   * False: plans are settled (kinds, hints, the mapper) once, when every file is indexed, and not
   * also as each is found for the events of callers that show them as they come (the review). The
   * result is the same either way.
   */
  settleEach?: boolean;
}

/** How one file imports the shared helper. */
export interface HelperImport {
  /** The dotted module (`mypkg.keymapper`, `keymapper`). */
  module: string;
  /** What running the file needs for the import to resolve (a `sys.path` entry), or null. */
  warning: string | null;
}

/** The shared helper file of `--preamble module`: one more edit of the plan, a new file. */
export interface SharedHelper {
  /** Relative to the root, `/` separators. */
  path: string;
  absPath: string;
  /** As the files import it from the helper's own `sys.path` entry. */
  module: string;
  /** That entry: the directory above its top package, or its own directory ('' for the root). */
  entry: string;
  /** The text to create the file with; null when the file is there already and holds the mapper (it is reused). */
  text: string | null;
}

export type ScanEvent =
  | { type: 'progress'; filesScanned: number; candidates: number; sites: number }
  | { type: 'file'; plan: FilePlan }
  | { type: 'skipped'; skipped: Skipped };

/**
 * `refused`: the file is not as the scan read it (changed, deleted) or lies outside the root; `error`:
 * it could not be written; `not-written`: the run stopped (an interrupt) before it.
 */
export type WriteStatus = 'written' | 'refused' | 'error' | 'not-written';

export interface WriteResult {
  path: string;
  status: WriteStatus;
  /** One sentence, except for `written`. */
  reason: string;
}
