import { applyPlans } from '../core/apply.js';
import { checkEdit } from '../core/check.js';
import { gitModified } from '../core/git.js';
import { scanProject } from '../core/scan.js';
import type { Decisions, FilePlan, ScanEvent, ScanOptions, ScanResult, WriteResult } from '../core/types.js';

/** Everything the review does to the outside world. Tests pass fakes, or the core on a temp dir. */
export interface ReviewServices {
  scan(root: string, options: ScanOptions, onEvent: (event: ScanEvent) => void, signal: AbortSignal): Promise<ScanResult>;
  apply(
    plans: readonly FilePlan[],
    decisions: Decisions,
    options: { root: string; stopped: () => boolean },
    onResult: (result: WriteResult) => void,
  ): Promise<WriteResult[]>;
  /** Null when the file parses with `text` in place of the site, else where it breaks. */
  checkEdit(plan: FilePlan, siteId: string, text: string): Promise<string | null>;
  gitModified(root: string, paths: readonly string[]): Promise<Set<string>>;
  /** Opens `text` in the user's editor and returns what was saved; null when none is set (the inline editor is used). */
  openEditor: ((text: string) => Promise<string>) | null;
}

/** The real core, with the given external editor (or none); writes are journalled for `--undo` in `env`'s cache dir. */
export function coreServices(openEditor: ReviewServices['openEditor'], env: NodeJS.ProcessEnv): ReviewServices {
  return {
    scan: (root, options, onEvent, signal) => scanProject(root, options, onEvent, signal),
    apply: (plans, decisions, options, onResult) => applyPlans(plans, decisions, { ...options, journalEnv: env }, onResult),
    checkEdit,
    gitModified,
    openEditor,
  };
}
