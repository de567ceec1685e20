/** Keys as Ink reports them, for the reducer and key-map tests. */
import type { Key } from 'ink';
import type { ReviewAction } from '../../src/ui/review-state.js';

/** Ink's key flags, all off. */
export const NO_KEY: Key = {
  upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false,
  return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false,
  super: false, hyper: false, capsLock: false, numLock: false,
};

const CONTEXT = { paging: { page: 10, min: 0, max: 0 }, inlineEditor: true };

/** A key as Ink reports it, turned into the action the key handler dispatches. */
export const press = (input: string, patch: Partial<Key> = {}): ReviewAction => ({ type: 'key', input, key: { ...NO_KEY, ...patch }, ...CONTEXT });
export const ENTER = press('\r', { return: true });
export const ESC = press('', { escape: true });
export const DOWN = press('', { downArrow: true });
export const TAB = press('', { tab: true });
export const SHIFT_TAB = press('', { tab: true, shift: true });
