import { useEffect, type Dispatch } from 'react';
import type { ScanRequest } from '../core/target.js';
import type { ScanEvent, ScanOptions } from '../core/types.js';
import type { ReviewAction } from './review-state.js';
import type { ReviewServices } from './services.js';

/** The reducer's action for a scan event. */
export function actionOf(event: ScanEvent): ReviewAction {
  switch (event.type) {
    case 'progress':
      return { type: 'scan-progress', filesScanned: event.filesScanned, candidates: event.candidates, sites: event.sites };
    case 'file':
      return { type: 'scan-file', plan: event.plan };
    case 'skipped':
      return { type: 'scan-skipped', skipped: event.skipped };
  }
}

/**
 * Scan events reach the review at most this often (ms), in one batch: a render for every slice of
 * the scan (hundreds on a monorepo) doubled the time the scan took. The first file goes at once.
 */
const FLUSH_MS = 80;

/** Runs the scan once, streaming its files into the review; aborts it when the app goes away. */
export function useScan(services: ReviewServices, root: string | ScanRequest, options: ScanOptions, dispatch: Dispatch<ReviewAction>) {
  useEffect(() => {
    const controller = new AbortController();
    const live = () => !controller.signal.aborted;
    let pending: ReviewAction[] = [];
    let timer: NodeJS.Timeout | null = null;
    let fileShown = false;
    const flush = () => {
      if (timer) clearTimeout(timer);
      timer = null;
      if (pending.length > 0 && live()) dispatch({ type: 'batch', actions: pending });
      pending = [];
    };
    const onEvent = (event: ScanEvent) => {
      if (!live()) return;
      pending.push(actionOf(event));
      if (event.type === 'file' && !fileShown) {
        fileShown = true;
        flush();
      } else {
        timer ??= setTimeout(flush, FLUSH_MS);
      }
    };
    services.scan(root, options, onEvent, controller.signal).then(
      (result) => {
        flush();
        if (live()) dispatch({ type: 'scan-done', result });
      },
      (error: unknown) => {
        flush();
        if (live()) dispatch({ type: 'scan-failed', message: messageOf(error) });
      },
    );
    return () => {
      controller.abort();
      if (timer) clearTimeout(timer);
    };
  }, [services, root, options, dispatch]);
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
