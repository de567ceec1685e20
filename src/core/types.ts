/** Plain data shared by the core, the CLI modes and the review screen. No I/O, no UI. */

/** How a call site is treated: see design.md "Data model". */
export type SiteKind = 'module' | 'non-module' | 'super' | 'unsupported';

export const SITE_KINDS: readonly SiteKind[] = ['module', 'non-module', 'super', 'unsupported'];

/** Files larger than this are skipped with a reason unless `--max-file-size` says otherwise. */
export const DEFAULT_MAX_FILE_SIZE = 5 * 1024 * 1024;

/** A replacement of `text[start, end)` in a file's decoded text (offsets in UTF-16 code units). */
export interface Edit {
  start: number;
  end: number;
  text: string;
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
  /** True when the rewrite is offered by default (kind `module`, or a kind named by `--include`). */
  proposed: boolean;
  /** Why a site is not proposed; empty when it is. */
  reason: string;
  /** The source text the rewrite replaces: the whole statement, or just the call. */
  original: string;
  /** The proposed text for `original`. For `super`/`unsupported` sites this is the original text. */
  replacement: string;
  warnings: string[];
  /** Where `original` lies in the file text. */
  edit: Edit;
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
  /** Decoded text without the BOM. */
  text: string;
  bom: boolean;
  eol: '\n' | '\r\n';
  /** Set when the file has syntax errors elsewhere; sites inside broken code are dropped. */
  parseError: string | null;
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

export interface ScanResult {
  root: string;
  files: FilePlan[];
  skipped: Skipped[];
  stats: ScanStats;
}

/** A reviewer's decision on one site. A site with no decision is pending (not written). */
export type Decision = { type: 'accepted' } | { type: 'skipped' } | { type: 'edited'; text: string };

/** Decisions keyed by `Site.id`. */
export type Decisions = ReadonlyMap<string, Decision>;

export interface ScanOptions {
  /** Kinds proposed besides `module` (from `--include`). */
  include: SiteKind[];
  /** Name assigned by statement rewrites. */
  targetName: string;
  /** Preamble flavour. */
  mapper: 'flax' | 'reference';
  /** Files larger than this many bytes are skipped with a reason. */
  maxFileSize: number;
}

export type ScanEvent =
  | { type: 'progress'; filesScanned: number; candidates: number; sites: number }
  | { type: 'file'; plan: FilePlan }
  | { type: 'skipped'; skipped: Skipped };

export type WriteStatus = 'written' | 'unchanged' | 'refused' | 'error';

export interface WriteResult {
  path: string;
  status: WriteStatus;
  /** One sentence for `refused` and `error`. */
  reason: string;
}
