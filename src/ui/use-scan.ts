import { useEffect, type Dispatch } from 'react';
import type { ScanEvent, ScanOptions } from '../core/types.js';
import type { ReviewAction } from './review-state.js';
import type { ReviewServices } from './services.js';

function actionOf(event: ScanEvent): ReviewAction {
  switch (event.type) {
    case 'progress':
      return { type: 'scan-progress', filesScanned: event.filesScanned, candidates: event.candidates, sites: event.sites };
    case 'file':
      return { type: 'scan-file', plan: event.plan };
    case 'skipped':
      return { type: 'scan-skipped', skipped: event.skipped };
  }
}

/** Runs the scan once, streaming its files into the review; aborts it when the app goes away. */
export function useScan(services: ReviewServices, root: string, options: ScanOptions, dispatch: Dispatch<ReviewAction>) {
  useEffect(() => {
    const controller = new AbortController();
    const live = () => !controller.signal.aborted;
    services
      .scan(root, options, (event) => live() && dispatch(actionOf(event)), controller.signal)
      .then(
        (result) => live() && dispatch({ type: 'scan-done', result }),
        (error: unknown) => live() && dispatch({ type: 'scan-failed', message: messageOf(error) }),
      );
    return () => controller.abort();
  }, [services, root, options, dispatch]);
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
