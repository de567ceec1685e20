import { useEffect, useRef, type Dispatch } from 'react';
import { decidedEdits } from '../core/plan.js';
import type { WriteResult } from '../core/types.js';
import type { ReviewAction, ReviewState } from './review-state.js';
import { WriteBlocked, type ReviewServices } from './services.js';
import { messageOf } from './use-scan.js';

/** Asks git about the files to be written when the summary opens; writes when asked; reports the exit. */
export function useWrite(state: ReviewState, services: ReviewServices, dispatch: Dispatch<ReviewAction>, onExit: (code: number) => void) {
  const interrupted = useRef(state.interrupted);
  interrupted.current = state.interrupted;
  const { plans, decisions, root } = state;
  const needGit = state.screen === 'summary' && state.gitModified === null;
  const writing = state.screen === 'writing';

  useEffect(() => {
    if (!needGit) return;
    let live = true;
    const paths = plans.filter((p) => p.sites.some((s) => decisions.has(s.id) && decisions.get(s.id)?.type !== 'skipped')).map((p) => p.path);
    services.gitModified(root, paths).then(
      (modified) => live && dispatch({ type: 'git-modified', paths: modified }),
      () => live && dispatch({ type: 'git-modified', paths: new Set() }),
    );
    return () => {
      live = false;
    };
    // Only when the summary opens: it shows a snapshot of the decisions.
  }, [needGit]);

  useEffect(() => {
    if (!writing) return;
    // Not cancellable on purpose: Ctrl-C only stops it between files (see `stopped`).
    const done: WriteResult[] = [];
    const onResult = (result: WriteResult) => {
      done.push(result);
      dispatch({ type: 'write-result', result });
    };
    services.apply(plans, decisions, { root, stopped: () => interrupted.current }, onResult).then(
      (results) => dispatch({ type: 'write-done', results }),
      (error: unknown) => {
        if (error instanceof WriteBlocked) return dispatch({ type: 'write-blocked', message: error.message });
        // Every file is still accounted for: those without a result were not written.
        const reported = new Set(done.map((r) => r.path));
        const rest = plans
          .filter((p) => decidedEdits(p, decisions).length > 0 && !reported.has(p.path))
          .map((p): WriteResult => ({ path: p.path, status: 'not-written', reason: `writing stopped: ${messageOf(error)}` }));
        dispatch({ type: 'write-done', results: [...done, ...rest] });
      },
    );
  }, [writing]);

  const { screen, exitCode } = state;
  useEffect(() => {
    if (screen === 'done' && exitCode !== null) onExit(exitCode);
  }, [screen, exitCode, onExit]);
}
