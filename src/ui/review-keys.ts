import type { Key } from 'ink';
import { commandFor, confirmQuitKeys, editFailedKeys, editorKeys, helpKeys, reviewKeys, searchKeys, stopKeys, summaryKeys, textOpFor, type Binding, type Command } from './keys.js';
import type { ReviewAction, ReviewState } from './review-state.js';

/** How far the scrollable panel of the current screen can move, in rows from where it starts. */
export interface Paging {
  page: number;
  min: number;
  max: number;
}

/** What the key handler knows that the state does not: the layout, and whether an external editor is set. */
export interface KeyContext {
  paging: Paging;
  inlineEditor: boolean;
  /** The bytes the key came as, when known (Backspace and Delete reach Ink as the same key). */
  raw?: string;
}

const ACTIONS: Partial<Record<Command, ReviewAction>> = {
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
  choose: { type: 'menu-choose' },
  back: { type: 'back' },
  quit: { type: 'quit' },
  interrupt: { type: 'interrupt' },
  first: { type: 'jump', to: 'first' },
  last: { type: 'jump', to: 'last' },
  'next-file': { type: 'jump', to: 'next-file' },
  'previous-file': { type: 'jump', to: 'previous-file' },
  fold: { type: 'fold' },
  'fold-all': { type: 'fold-all' },
  search: { type: 'search-start' },
  'next-match': { type: 'search-step', delta: 1 },
  'previous-match': { type: 'search-step', delta: -1 },
  'filter-pending': { type: 'filter', filter: 'pending' },
  'filter-proposed': { type: 'filter', filter: 'proposed' },
  'filter-matches': { type: 'filter', filter: 'matches' },
  'filter-kind': { type: 'filter-kind', delta: 1 },
  'filter-kind-back': { type: 'filter-kind', delta: -1 },
  clear: { type: 'escape' },
};

/** On a menu, up and down move its highlight. */
const MENU_ACTIONS: Partial<Record<Command, ReviewAction>> = { ...ACTIONS, down: { type: 'menu-move', delta: 1 }, up: { type: 'menu-move', delta: -1 } };

function actionFor(bindings: Binding[], input: string, key: Key, { paging, inlineEditor }: KeyContext, table = ACTIONS): ReviewAction | null {
  const command = commandFor(bindings, input, key);
  if (command === 'page-down' || command === 'page-up') return { type: 'scroll', delta: command === 'page-down' ? paging.page : -paging.page, min: paging.min, max: paging.max };
  if (command === 'edit') return { type: 'edit-start', inline: inlineEditor };
  return command ? (table[command] ?? null) : null;
}

/**
 * What one keypress means on the screen the state is on now. The reducer calls it, so each key of a
 * burst is read against the state the one before it left, not against the last frame drawn.
 */
export function keyAction(state: ReviewState, input: string, key: Key, context: KeyContext): ReviewAction | null {
  switch (state.screen) {
    case 'review':
      return state.search?.typing ? searchKey(input, key) : actionFor(reviewKeys, input, key, context);
    case 'help': {
      // Up and down scroll the help a line.
      const command = commandFor(helpKeys, input, key);
      if (command === 'down' || command === 'up') return { type: 'scroll', delta: command === 'down' ? 1 : -1, min: context.paging.min, max: context.paging.max };
      return actionFor(helpKeys, input, key, context);
    }
    case 'summary':
      return actionFor(summaryKeys, input, key, context, MENU_ACTIONS);
    case 'confirm-quit':
      return actionFor(confirmQuitKeys, input, key, context, MENU_ACTIONS);
    case 'edit':
      return editKey(state, input, key, context);
    case 'writing':
      return commandFor(stopKeys, input, key) === 'interrupt' ? { type: 'interrupt' } : null;
    case 'done':
      return null;
  }
}

function editKey({ edit }: ReviewState, input: string, key: Key, context: KeyContext): ReviewAction | null {
  if (edit?.phase === 'failed') {
    const action = actionFor(editFailedKeys, input, key, context, MENU_ACTIONS);
    return action?.type === 'back' ? { type: 'edit-discard' } : action;
  }
  const command = commandFor(editorKeys, input, key);
  if (command === 'interrupt') return { type: 'interrupt' };
  if (edit?.phase !== 'editing' || !edit.inline) return null;
  if (command === 'write') return { type: 'edit-submit', text: edit.buffer.text };
  if (command === 'back') return { type: 'edit-discard', message: 'Edit cancelled: nothing recorded.' };
  const op = textOpFor(input, key, context.raw);
  return op ? { type: 'edit-op', op } : null;
}

/** The search prompt: Enter goes to the match, Esc clears, Backspace erases, any other character is typed. */
function searchKey(input: string, key: Key): ReviewAction | null {
  const command = commandFor(searchKeys, input, key);
  if (command === 'interrupt') return { type: 'interrupt' };
  if (command === 'choose') return { type: 'search-submit' };
  if (command === 'back') return { type: 'search-clear' };
  if (key.backspace || key.delete) return { type: 'search-erase' };
  if (key.ctrl || key.meta || key.tab || input === '' || /[\u0000-\u001f\u007f]/.test(input)) return null;
  return { type: 'search-type', text: input };
}
