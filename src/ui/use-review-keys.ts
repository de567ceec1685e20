import { useInput, useStdin, type Key } from 'ink';
import { useCallback, useEffect, useRef, type Dispatch } from 'react';
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
  // The bytes of each key, which Ink's parsed key leaves out (Backspace and Delete both come as `delete`):
  // read from the stream of keys Ink's useInput reads, by a listener put before its own.
  const raw = useRef('');
  const { internal_eventEmitter: keys } = useStdin();
  useEffect(() => {
    const note = (input: string) => void (raw.current = input);
    keys.prependListener('input', note);
    return () => void keys.removeListener('input', note);
  }, [keys]);
  const handler = useCallback((input: string, key: Key) => dispatch({ type: 'key', input, key, ...latest.current, raw: raw.current }), [dispatch]);
  useInput(handler, { isActive: screen !== 'done' && !handedOver });
}
