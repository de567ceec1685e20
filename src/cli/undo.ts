/** `--undo [path]`: put back the files of the last run under the path, only where they are still as it wrote them. */
import { undoLastRun } from '../core/journal.js';
import { resolveRoot } from '../core/scan.js';
import { shown, type Paint } from './color.js';

export async function runUndo(path: string, env: NodeJS.ProcessEnv, out: (line: string) => void, paint: Paint): Promise<number> {
  const { root } = await resolveRoot(path);
  const undo = await undoLastRun(root, env);
  if (!undo) {
    out(`nothing to undo: no run of switcheroo-migrate is recorded for ${shown(root, paint)}`);
    return 0;
  }
  if (undo.alreadyUndone) {
    out(`nothing to undo: the last run for ${shown(root, paint)} (${shown(undo.createdAt, paint)}) was already undone`);
    return 0;
  }
  for (const r of undo.results) {
    if (r.status === 'restored') out(`${paint('green', 'restored')}  ${shown(r.path, paint)}`);
    else if (r.status === 'already-original') out(`${paint('dim', 'unchanged')}  ${shown(r.path, paint)}: already as it was before the run`);
    else out(`${paint('red', r.status === 'error' ? 'error' : 'left alone')}  ${shown(`${r.path}: ${r.reason}`, paint)}`);
  }
  const restored = undo.results.filter((r) => r.status === 'restored').length;
  const notBack = undo.results.filter((r) => r.status === 'left-alone' || r.status === 'error').length;
  out(`undid the run of ${shown(undo.createdAt, paint)}: ${restored} restored · ${notBack} left as they are`);
  return notBack > 0 ? 1 : 0;
}
