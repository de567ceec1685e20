import { useEffect, type Dispatch } from 'react';
import type { ReviewAction, ReviewState } from './review-state.js';
import { findSite } from './review-order.js';
import type { ReviewServices } from './services.js';
import { messageOf } from './use-scan.js';

/** Opens the external editor when an edit starts, and parse-checks every submitted edit. */
export function useEdit(state: ReviewState, services: ReviewServices, dispatch: Dispatch<ReviewAction>) {
  const { edit } = state;
  const external = edit && !edit.inline && edit.phase === 'editing' ? edit : null;
  const checking = edit?.phase === 'checking' ? edit : null;
  const plan = findSite(state.plans, checking?.siteId ?? null)?.plan ?? null;

  useEffect(() => {
    const open = services.openEditor;
    if (!external || !open) return;
    let live = true;
    open(external.buffer.text).then(
      (text) => live && dispatch({ type: 'edit-submit', text }),
      (error: unknown) => live && dispatch({ type: 'edit-discard', message: `The editor failed (${messageOf(error)}): nothing recorded.` }),
    );
    return () => {
      live = false;
    };
  }, [external, services, dispatch]);

  useEffect(() => {
    if (!checking || !plan) return;
    let live = true;
    services.checkEdit(plan, checking.siteId, checking.buffer.text).then(
      (error) => live && dispatch({ type: 'edit-checked', error }),
      (error: unknown) => live && dispatch({ type: 'edit-checked', error: `the check itself failed: ${messageOf(error)}` }),
    );
    return () => {
      live = false;
    };
  }, [checking, plan, services, dispatch]);
}
