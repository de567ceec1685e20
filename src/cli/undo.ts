/** `--undo [path]`: put back the files of the newest run under the path not yet undone; `--undo --list` shows the runs. */
import { LockFailed, LockedError } from '../core/lock.js';
import { resolveRoot } from '../core/scan.js';
import { listRuns, undoNextRun } from '../core/undo.js';
import { shown, type Paint } from './color.js';
import { lockForWriting } from './root-lock.js';

type Out = (line: string) => void;

function names(files: string[], paint: Paint): string {
  const first = files.slice(0, 3).map((f) => shown(f, paint)).join(', ');
  return files.length > 3 ? `${first} and ${files.length - 3} more` : first;
}

async function list(root: string, env: NodeJS.ProcessEnv, out: Out, paint: Paint): Promise<number> {
  const runs = await listRuns(root, env);
  if (runs.length === 0) {
    out(`no run of switcheroo-migrate is recorded for ${shown(root, paint)}`);
    return 0;
  }
  out(`runs recorded for ${shown(root, paint)}, newest first:`);
  const next = runs.find((r) => r.undoneAt === null);
  for (const run of runs) {
    const files = `${run.files.length} file${run.files.length === 1 ? '' : 's'}: ${names(run.files, paint)}`;
    const state = run.undoneAt ? paint('dim', `undone ${run.undoneAt}`) : run === next ? paint('green', 'next to undo') : '';
    const crashed = run.finished ? '' : '  (did not finish: some of its files may be unwritten)';
    out(`  ${run.createdAt}  ${files}${state ? `  ${state}` : ''}${crashed}`);
  }
  return 0;
}

export async function runUndo(path: string, listOnly: boolean, env: NodeJS.ProcessEnv, out: Out, err: Out, paint: Paint): Promise<number> {
  const { root } = await resolveRoot(path);
  if (listOnly) return list(root, env, out, paint);
  let lock;
  try {
    lock = await lockForWriting(root, env, err);
  } catch (error) {
    if (!(error instanceof LockedError || error instanceof LockFailed)) throw error;
    err(error.message);
    return 1;
  }
  try {
    const undo = await undoNextRun(root, env);
    if (undo.status === 'no-runs') {
      out(`nothing to undo: no run of switcheroo-migrate is recorded for ${shown(root, paint)}`);
      return 0;
    }
    if (undo.status === 'all-undone') {
      out(`nothing to undo: the ${undo.runs === 1 ? 'run' : `${undo.runs} runs`} recorded for ${shown(root, paint)} ${undo.runs === 1 ? 'is' : 'are all'} undone`);
      return 0;
    }
    for (const r of undo.results) {
      if (r.status === 'restored') out(`${paint('green', 'restored')}  ${shown(r.path, paint)}`);
      else if (r.status === 'removed') out(`${paint('green', 'removed')}  ${shown(r.path, paint)}: the run created it`);
      else if (r.status === 'already-original') out(`${paint('dim', 'unchanged')}  ${shown(r.path, paint)}: already as it was before the run`);
      else out(`${paint('red', r.status === 'error' ? 'error' : 'left alone')}  ${shown(`${r.path}: ${r.reason}`, paint)}`);
    }
    const restored = undo.results.filter((r) => r.status === 'restored' || r.status === 'removed').length;
    const notBack = undo.results.filter((r) => r.status === 'left-alone' || r.status === 'error').length;
    const left = undo.left === 0 ? 'no run left to undo' : `${undo.left} earlier run${undo.left === 1 ? '' : 's'} left to undo (--undo --list)`;
    out(`undid the run of ${undo.createdAt}: ${restored} restored · ${notBack} left as they are · ${left}`);
    return notBack > 0 ? 1 : 0;
  } finally {
    await lock.release();
  }
}
