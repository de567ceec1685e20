/**
 * Writing decided changes. Each file is checked against the scan, its original saved to the undo
 * journal, then written atomically with its mode kept; the check is made again just before the rename.
 * A problem with one file (deleted, changed, read-only, unwritable) is that file's result only.
 */
import { createAtomically, nodeWriteFs, writeAtomically, type WriteFs } from './atomic-write.js';
import { finishJournal, startJournal, type JournalEntry } from './journal.js';
import { isInside } from './paths.js';
import { decidedEdits, helperToWrite, preambleIncluded, renderBytes } from './plan.js';
import { sha256 } from './text.js';
import type { Decisions, FilePlan, SharedHelper, WriteResult } from './types.js';
import { ChangedSinceScan } from './plan-text.js';

export type { WriteFs } from './atomic-write.js';

export interface ApplyOptions {
  root: string;
  fs?: WriteFs;
  /** Checked between files: when it returns true, the remaining files are left alone (and reported so). */
  stopped?: () => boolean;
  /** When set, the originals are saved to the undo journal (in this environment's cache dir) first. */
  journalEnv?: NodeJS.ProcessEnv;
}

export const NOT_WRITTEN_INTERRUPTED = 'the run was interrupted before this file';

function reasonOf(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  switch (e.code) {
    case 'ENOENT': return 'the file was deleted since the scan';
    case 'EACCES': case 'EPERM': return 'permission denied';
    case 'ENOSPC': return 'no space left on the device';
    case 'EROFS': return 'read-only file system';
    default: return e.message ?? String(error);
  }
}


const result = (plan: FilePlan, status: WriteResult['status'], reason = ''): WriteResult => ({ path: plan.path, status, reason });

function failure(plan: FilePlan, error: unknown): WriteResult {
  if (error instanceof ChangedSinceScan) return result(plan, 'refused', 'changed on disk since the scan');
  // Deleted since the scan: as much a change as new bytes are.
  if ((error as NodeJS.ErrnoException).code === 'ENOENT') return result(plan, 'refused', reasonOf(error));
  return result(plan, 'error', reasonOf(error));
}

interface Ready {
  plan: FilePlan;
  bytes: Uint8Array;
  original: Buffer;
  mode: number;
  owner: { uid: number; gid: number } | undefined;
}

/** Whether a file can be written now: its bytes are the scan's and it is writable. */
async function check(plan: FilePlan, bytes: Uint8Array, root: string, fs: WriteFs): Promise<Ready | WriteResult> {
  if (!isInside(root, plan.absPath)) return result(plan, 'refused', 'the file lies outside the root');
  try {
    const original = await fs.readFile(plan.absPath);
    if (sha256(original) !== plan.hash) return result(plan, 'refused', 'changed on disk since the scan');
    const { mode, uid, gid } = await fs.stat(plan.absPath);
    if ((mode & 0o222) === 0) return result(plan, 'error', 'the file is read-only');
    return { plan, bytes, original, mode: mode & 0o7777, owner: uid !== undefined && gid !== undefined ? { uid, gid } : undefined };
  } catch (error) {
    return failure(plan, error);
  }
}

async function write({ plan, bytes, mode, owner }: Ready, fs: WriteFs): Promise<WriteResult> {
  try {
    await writeAtomically(fs, plan.absPath, bytes, mode, owner, async () => {
      if (sha256(await fs.readFile(plan.absPath)) !== plan.hash) throw new ChangedSinceScan(plan.path); // just before the rename
    });
    return result(plan, 'written');
  } catch (error) {
    return failure(plan, error);
  }
}

/** The shared helper, created before the files that import it: refused where a file of its name has appeared since the scan. */
async function createHelper(helper: SharedHelper, fs: WriteFs): Promise<WriteResult> {
  const at = { path: helper.path };
  try {
    await createAtomically(fs, helper.absPath, Buffer.from(helper.text ?? '', 'utf8'), 0o644);
    return { ...at, status: 'written', reason: '' };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return { ...at, status: 'refused', reason: 'a file of this name appeared since the scan: it is not overwritten' };
    return { ...at, status: 'error', reason: reasonOf(error) };
  }
}

/**
 * Writes every file that has an accepted or edited change, and first the shared helper where one of
 * them imports it (`--preamble module`); a file whose import would find no helper is not written.
 * One result per such file, in plan order (the helper first) and reported as it is known: written,
 * refused, error, or not-written (stopped before it).
 */
export async function applyPlans(
  plans: readonly FilePlan[],
  decisions: Decisions,
  options: ApplyOptions,
  onResult: (result: WriteResult) => void = () => {},
): Promise<WriteResult[]> {
  const fs = options.fs ?? nodeWriteFs;
  // Rendered once: the journal records the hash of what is then written.
  const changing = plans
    .filter((plan) => decidedEdits(plan, decisions).length > 0)
    .map((plan) => ({ plan, bytes: renderBytes(plan, decisions) }));
  const checked: Array<Ready | WriteResult> = [];
  for (const { plan, bytes } of changing) checked.push(await check(plan, bytes, options.root, fs));
  const ready = checked.filter((c): c is Ready => 'original' in c);
  const helper = helperToWrite(plans, decisions);
  const imports = (plan: FilePlan) => helper !== null && plan.helper?.path === helper.path && preambleIncluded(plan, decisions);

  let journal: JournalEntry | null = null;
  let journalError: string | null = null;
  if (options.journalEnv && ready.length > 0 && !options.stopped?.()) {
    try {
      const created = helper ? [{ path: helper.absPath, original: null, bytes: Buffer.from(helper.text ?? '', 'utf8') }] : [];
      journal = await startJournal(options.root, [...created, ...ready.map((r) => ({ path: r.plan.absPath, original: r.original, bytes: r.bytes }))], options.journalEnv);
    } catch (error) {
      // No way back, no write.
      journalError = `could not save the undo journal (${reasonOf(error)}); nothing was written`;
    }
  }

  const results: WriteResult[] = [];
  const written = new Set<string>();
  try {
    let helperFailed: string | null = null;
    if (helper && ready.some((r) => imports(r.plan))) {
      const r: WriteResult = journalError ? { path: helper.path, status: 'error', reason: journalError } : options.stopped?.() ? { path: helper.path, status: 'not-written', reason: NOT_WRITTEN_INTERRUPTED } : await createHelper(helper, fs);
      if (r.status === 'written') written.add(helper.absPath);
      else helperFailed = `not written: it would import the shared KeyMapper, and ${helper.path} was not written (${r.reason})`;
      results.push(r);
      onResult(r);
    }
    for (const item of checked) {
      let r: WriteResult;
      if (!('original' in item)) r = item;
      else if (journalError) r = result(item.plan, 'error', journalError);
      else if (options.stopped?.()) r = result(item.plan, 'not-written', NOT_WRITTEN_INTERRUPTED);
      else if (helperFailed && imports(item.plan)) r = result(item.plan, 'refused', helperFailed);
      else r = await write(item, fs);
      if (r.status === 'written' && 'original' in item) written.add(item.plan.absPath);
      results.push(r);
      onResult(r);
    }
  } finally {
    if (journal) await finishJournal(journal, written).catch(() => {}); // left unfinished, it still undoes correctly
  }
  return results;
}
