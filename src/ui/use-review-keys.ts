import { useInput, type Key } from 'ink';
import { useCallback, useRef, type Dispatch } from 'react';
import { commandFor, confirmQuitKeys, editorKeys, helpKeys, reviewKeys, stopKeys, summaryKeys, textOpFor, type Command } from './keys.js';
import type { ReviewAction, ReviewState } from './review-state.js';

/** How far the scrollable panel of the current screen can move. */
export interface Paging {
  page: number;
  max: number;
}

const REVIEW_ACTIONS: Partial<Record<Command, ReviewAction>> = {
  accept: { type: 'accept' },
  skip: { type: 'skip' },
  'accept-file': { type: 'accept-file' },
  'skip-file': { type: 'skip-file' },
  'accept-all': { type: 'accept-all' },
  undo: { type: 'undo' },
  down: { type: 'move', delta: 1 },
  up: { type: 'move', delta: -1 },
  'more-context': { type: 'context', delta: 1 },
  'less-context': { type: 'context', delta: -1 },
  help: { type: 'help' },
  summary: { type: 'summary' },
  write: { type: 'write' },
  back: { type: 'back' },
  quit: { type: 'quit' },
  interrupt: { type: 'interrupt' },
};

/** Keys -> actions for whichever screen is up. Off while an external editor has the terminal. */
export function useReviewKeys(state: ReviewState, dispatch: Dispatch<ReviewAction>, paging: Paging, inlineEditor: boolean) {
  // The handler reads the latest render's values through a ref: keys typed faster than React re-subscribes
  // a new handler must not reach a stale one.
  const latest = useRef({ state, paging, inlineEditor });
  latest.current = { state, paging, inlineEditor };
  const { screen, edit } = state;
  const handedOver = screen === 'edit' && edit !== null && !edit.inline && edit.phase === 'editing';

  const handler: (input: string, key: Key) => void = useCallback(
    (input: string, key: Key): void => {
      const { state, paging, inlineEditor } = latest.current;
      // Keys that arrive together (typed fast, or sent by tmux) come as one string: take them one by one,
      // except in the inline editor, where that is pasted text.
      if (input.length > 1 && !(state.screen === 'edit' && state.edit?.inline)) {
        for (const char of input) handler(char, key);
        return;
      }
      const run = (command: Command | null) => {
        if (command === 'page-down' || command === 'page-up') {
          dispatch({ type: 'scroll', delta: command === 'page-down' ? paging.page : -paging.page, max: paging.max });
        } else if (command === 'edit') {
          dispatch({ type: 'edit-start', inline: inlineEditor });
        } else if (command !== null) {
          const action = REVIEW_ACTIONS[command];
          if (action) dispatch(action);
        }
      };
      switch (state.screen) {
        case 'review':
          return run(commandFor(reviewKeys, input, key));
        case 'help':
          return run(commandFor(helpKeys, input, key));
        case 'summary':
          return run(commandFor(summaryKeys, input, key));
        case 'confirm-quit':
          return run(commandFor(confirmQuitKeys, input, key));
        case 'edit':
          return editKey(state, input, key, dispatch);
        default:
          if (commandFor(stopKeys, input, key) === 'interrupt') dispatch({ type: 'interrupt' });
      }
    },
    [dispatch],
  );
  useInput(handler, { isActive: screen !== 'done' && !handedOver });
}

function editKey({ edit }: ReviewState, input: string, key: Key, dispatch: Dispatch<ReviewAction>) {
  const command = commandFor(editorKeys, input, key);
  if (command === 'interrupt') return dispatch({ type: 'interrupt' });
  if (edit?.phase === 'failed' && command === 'back') return dispatch({ type: 'edit-discard' });
  if (edit?.phase !== 'editing' || !edit.inline) return;
  if (command === 'write') return dispatch({ type: 'edit-submit', text: edit.buffer.text });
  if (command === 'back') return dispatch({ type: 'edit-discard', message: 'Edit cancelled: nothing recorded.' });
  const op = textOpFor(input, key);
  if (op) dispatch({ type: 'edit-op', op });
}
