/** `--undo [path]`: put back the files of the last run under the path, only where they are still as it wrote them. */
import { undoLastRun } from '../core/journal.js';
import { resolveRoot } from '../core/scan.js';
import type { Paint } from './color.js';

export async function runUndo(path: string, env: NodeJS.ProcessEnv, out: (line: string) => void, paint: Paint): Promise<number> {
  const { root } = await resolveRoot(path);
  const undo = await undoLastRun(root, env);
  if (!undo) {
    out(`nothing to undo: no run of switcheroo-migrate is recorded for ${root}`);
    return 0;
  }
  if (undo.alreadyUndone) {
    out(`nothing to undo: the last run for ${root} (${undo.createdAt}) was already undone`);
    return 0;
  }
  for (const r of undo.results) {
    if (r.status === 'restored') out(`${paint('green', 'restored')}  ${r.path}`);
    else if (r.status === 'already-original') out(`${paint('dim', 'unchanged')}  ${r.path}: already as it was before the run`);
    else out(`${paint('red', r.status === 'error' ? 'error' : 'left alone')}  ${r.path}: ${r.reason}`);
  }
  const restored = undo.results.filter((r) => r.status === 'restored').length;
  const notBack = undo.results.filter((r) => r.status === 'left-alone' || r.status === 'error').length;
  out(`undid the run of ${undo.createdAt}: ${restored} restored · ${notBack} left as they are`);
  return notBack > 0 ? 1 : 0;
}
