import { applyPlans } from '../core/apply.js';
import { checkEdit } from '../core/check.js';
import { gitModified } from '../core/git.js';
import { LockFailed, tryLockRoot } from '../core/lock.js';
import { scanProject } from '../core/scan.js';
import type { ScanRequest } from '../core/target.js';
import type { Decisions, FilePlan, ScanEvent, ScanOptions, ScanResult, WriteResult } from '../core/types.js';

/** `apply` wrote nothing: another run holds the project, or its lock could not be taken. The message says which. */
export class WriteBlocked extends Error {}

/** Everything the review does to the outside world. Tests pass fakes, or the core on a temp dir. */
export interface ReviewServices {
  scan(root: string | ScanRequest, options: ScanOptions, onEvent: (event: ScanEvent) => void, signal: AbortSignal): Promise<ScanResult>;
  /** Writes the decided files; rejects with WriteBlocked, having written nothing, when another run is writing under the root. */
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

/**
 * The review takes the root's lock only to write (not for the whole review), and does not wait for
 * it: the reviewer is told who holds it and may try again.
 */
async function lockedApply(env: NodeJS.ProcessEnv, ...[plans, decisions, options, onResult]: Parameters<ReviewServices['apply']>): Promise<WriteResult[]> {
  let attempt;
  try {
    attempt = await tryLockRoot(options.root, env);
  } catch (error) {
    if (error instanceof LockFailed) throw new WriteBlocked(`Nothing written: ${error.message.replace(/; nothing written$/, '')}.`);
    throw error;
  }
  if ('heldBy' in attempt) {
    // One footer line: short enough for an 80-column terminal.
    throw new WriteBlocked(`Another run (pid ${attempt.heldBy.pid}) is writing here: nothing written. w tries again.`);
  }
  try {
    return await applyPlans(plans, decisions, { ...options, journalEnv: env }, onResult);
  } finally {
    await attempt.lock.release();
  }
}

/** The real core, with the given external editor (or none); writes are locked and journalled for `--undo` in `env`'s cache dir. */
export function coreServices(openEditor: ReviewServices['openEditor'], env: NodeJS.ProcessEnv): ReviewServices {
  return {
    scan: (root, options, onEvent, signal) => scanProject(root, options, onEvent, signal),
    apply: (...args) => lockedApply(env, ...args),
    checkEdit,
    gitModified,
    openEditor,
  };
}
