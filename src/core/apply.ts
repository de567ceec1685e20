/** Writing decided changes: re-check each file against the scan, then write atomically, keeping the mode. */
import { nodeWriteFs, writeAtomically, type WriteFs } from './atomic-write.js';
import { recordRun, type PlannedWrite } from './journal.js';
import { isInside } from './paths.js';
import { decidedEdits, renderFile } from './plan.js';
import { encode, sha256 } from './text.js';
import type { Decisions, FilePlan, WriteResult } from './types.js';

export type { WriteFs } from './atomic-write.js';

export interface ApplyOptions {
  root: string;
  fs?: WriteFs;
  /** Checked between files: when it returns true, the remaining files are left alone. */
  stopped?: () => boolean;
  /** When set, the originals are saved to the undo journal (in this environment's cache dir) first. */
  journalEnv?: NodeJS.ProcessEnv;
}

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

async function writeOne({ plan, bytes }: PlannedWrite, options: ApplyOptions, fs: WriteFs): Promise<WriteResult> {
  const result = (status: WriteResult['status'], reason = ''): WriteResult => ({ path: plan.path, status, reason });
  if (!isInside(options.root, plan.absPath)) return result('refused', 'the file lies outside the root');
  try {
    const current = await fs.readFile(plan.absPath);
    if (sha256(current) !== plan.hash) return result('refused', 'changed on disk since the scan');
    const { mode, uid, gid } = await fs.stat(plan.absPath);
    if ((mode & 0o222) === 0) return result('error', 'the file is read-only');
    await writeAtomically(fs, plan.absPath, bytes, mode & 0o7777, uid !== undefined && gid !== undefined ? { uid, gid } : undefined);
    return result('written');
  } catch (error) {
    return result('error', reasonOf(error));
  }
}

/** Writes every file that has an accepted or edited change; one result per such file, in plan order. */
export async function applyPlans(
  plans: readonly FilePlan[],
  decisions: Decisions,
  options: ApplyOptions,
  onResult: (result: WriteResult) => void = () => {},
): Promise<WriteResult[]> {
  const fs = options.fs ?? nodeWriteFs;
  // Rendered once: the journal records the hash of what is then written.
  const changing: PlannedWrite[] = plans
    .filter((plan) => decidedEdits(plan, decisions).length > 0)
    .map((plan) => ({ plan, bytes: encode(renderFile(plan, decisions), plan.bom) }));
  if (options.journalEnv && changing.length > 0) {
    try {
      await recordRun(options.root, changing, options.journalEnv);
    } catch (error) {
      // No way back, no write: every file keeps its bytes and says why.
      const reason = `could not save the undo journal (${reasonOf(error)}); nothing was written`;
      const failed = changing.map(({ plan }): WriteResult => ({ path: plan.path, status: 'error', reason }));
      failed.forEach((r) => onResult(r));
      return failed;
    }
  }
  const results: WriteResult[] = [];
  for (const write of changing) {
    if (options.stopped?.()) break;
    const result = await writeOne(write, options, fs);
    results.push(result);
    onResult(result);
  }
  return results;
}
