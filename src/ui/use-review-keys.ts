import { useInput, type Key } from 'ink';
import { useCallback, useRef, type Dispatch } from 'react';
import type { Paging } from './review-keys.js';
import type { ReviewAction, ReviewState } from './review-state.js';

export type { Paging } from './review-keys.js';

/**
 * Hands every key to the reducer, which reads it against the newest state (see keyAction): keys
 * that arrive together, before a render, must not be read against the screen last drawn.
 * Off while an external editor has the terminal.
 */
export function useReviewKeys(state: ReviewState, dispatch: Dispatch<ReviewAction>, paging: Paging, inlineEditor: boolean) {
  const latest = useRef({ paging, inlineEditor });
  latest.current = { paging, inlineEditor };
  const { screen, edit } = state;
  const handedOver = screen === 'edit' && edit !== null && !edit.inline && edit.phase === 'editing';
  const handler = useCallback((input: string, key: Key) => dispatch({ type: 'key', input, key, ...latest.current }), [dispatch]);
  useInput(handler, { isActive: screen !== 'done' && !handedOver });
}
