import type { Key } from 'ink';
import type { TextOp } from './text-edit.js';

/** Every command the review screen understands. */
export type Command =
  | 'accept'
  | 'skip'
  | 'edit'
  | 'accept-file'
  | 'skip-file'
  | 'accept-all'
  | 'undo'
  | 'down'
  | 'up'
  | 'page-down'
  | 'page-up'
  | 'more-context'
  | 'less-context'
  | 'help'
  | 'summary'
  | 'write'
  | 'choose'
  | 'back'
  | 'quit'
  | 'interrupt'
  | 'first'
  | 'last'
  | 'next-file'
  | 'previous-file'
  | 'fold'
  | 'fold-all'
  | 'search'
  | 'next-match'
  | 'previous-match'
  | 'filter-pending'
  | 'filter-proposed'
  | 'filter-kind'
  | 'filter-kind-back'
  | 'filter-matches'
  | 'clear';

/** One binding: what the user reads (`keys`, `label`) and how it is matched. */
export interface Binding {
  command: Command;
  keys: string;
  label: string;
  match: (input: string, key: Key) => boolean;
  /** Place in the footer (lower shows first) and, if shorter, the footer's wording; without it, help only. */
  footer?: { order: number; text?: string };
  /** The help's heading this key is listed under (the review's keys). */
  group?: string;
}

const char = (...chars: string[]) => (input: string, key: Key) => !key.ctrl && !key.meta && chars.includes(input);

const DECIDE = 'Decide';
const MOVE = 'Move';
const FIND = 'Find and filter (a filter hides rows, never decisions)';
const SCREENS = 'Screens';

/** The review's key map: the footer, the help screen and the input handlers all read it. */
export const reviewKeys: Binding[] = [
  { command: 'accept', group: DECIDE, keys: 'y/⏎', label: 'accept', footer: { order: 1 }, match: (i, k) => k.return || char('y')(i, k) },
  { command: 'skip', group: DECIDE, keys: 'n', label: 'skip', footer: { order: 2 }, match: char('n') },
  { command: 'edit', group: DECIDE, keys: 'e', label: 'edit', footer: { order: 3 }, match: char('e') },
  { command: 'accept-file', group: DECIDE, keys: 'a', label: 'accept rest of file', footer: { order: 8, text: 'a accept file' }, match: char('a') },
  { command: 'skip-file', group: DECIDE, keys: 'd', label: 'skip rest of file', footer: { order: 9, text: 'd skip file' }, match: char('d') },
  { command: 'accept-all', group: DECIDE, keys: 'A', label: 'accept everything left, or all shown', footer: { order: 10, text: 'A accept all' }, match: char('A') },
  { command: 'undo', group: DECIDE, keys: 'u', label: 'undo (a bulk step at once)', footer: { order: 4, text: 'u undo' }, match: char('u') },
  { command: 'down', group: MOVE, keys: 'j/↓', label: 'next change', footer: { order: 11, text: 'j/k move' }, match: (i, k) => k.downArrow || char('j')(i, k) },
  { command: 'up', group: MOVE, keys: 'k/↑', label: 'previous change', match: (i, k) => k.upArrow || char('k')(i, k) },
  { command: 'next-file', group: MOVE, keys: ']', label: 'next file', footer: { order: 12, text: '[/] file' }, match: char(']') },
  { command: 'previous-file', group: MOVE, keys: '[', label: 'previous file', match: char('[') },
  { command: 'first', group: MOVE, keys: 'g', label: 'first row', match: char('g') },
  { command: 'last', group: MOVE, keys: 'G', label: 'last row', match: char('G') },
  { command: 'fold', group: MOVE, keys: 'z', label: 'fold or unfold the file', footer: { order: 14, text: 'z fold' }, match: char('z') },
  { command: 'fold-all', group: MOVE, keys: 'Z', label: 'fold or unfold every file', match: char('Z') },
  { command: 'page-down', group: MOVE, keys: 'PgDn/space', label: 'scroll the diff down', match: (i, k) => k.pageDown || char(' ')(i, k) },
  { command: 'page-up', group: MOVE, keys: 'PgUp', label: 'scroll the diff up', match: (_i, k) => k.pageUp },
  { command: 'more-context', group: MOVE, keys: '+', label: 'more context', footer: { order: 15, text: '+/- context' }, match: char('+', '=') },
  { command: 'less-context', group: MOVE, keys: '-', label: 'less context', match: char('-') },
  { command: 'search', group: FIND, keys: '/', label: 'search path, receiver, source', footer: { order: 7, text: '/ search' }, match: char('/') },
  { command: 'next-match', group: FIND, keys: 'Tab', label: 'next match', match: (_i, k) => k.tab && !k.shift },
  { command: 'previous-match', group: FIND, keys: 'Shift-Tab', label: 'previous match', match: (_i, k) => k.tab && k.shift },
  { command: 'filter-pending', group: FIND, keys: 'p', label: 'only pending sites, or all', footer: { order: 13, text: 'p/P/t/m filter' }, match: char('p') },
  { command: 'filter-proposed', group: FIND, keys: 'P', label: 'only proposed sites, or all', match: char('P') },
  { command: 'filter-kind', group: FIND, keys: 't', label: 'only one kind (cycles), or all', match: char('t') },
  { command: 'filter-kind-back', group: FIND, keys: 'T', label: 'kinds the other way', match: char('T') },
  { command: 'filter-matches', group: FIND, keys: 'm', label: "only the search's matches, or all", match: char('m') },
  { command: 'clear', group: FIND, keys: 'Esc', label: 'clear search, then filters, then quit', match: (_i, k) => k.escape },
  { command: 'summary', group: SCREENS, keys: 'w', label: 'summary', footer: { order: 5 }, match: char('w') },
  { command: 'help', group: SCREENS, keys: '?', label: 'help', match: char('?') },
  { command: 'quit', group: SCREENS, keys: 'q', label: 'quit', footer: { order: 6 }, match: char('q') },
  { command: 'interrupt', group: SCREENS, keys: 'Ctrl-C', label: 'stop now, write nothing more', match: isInterrupt },
];

/** The search prompt's keys besides typing (Backspace erases). */
export const searchKeys: Binding[] = [
  { command: 'choose', keys: '⏎', label: 'go to the match', footer: { order: 1 }, match: (_i, k) => k.return },
  { command: 'back', keys: 'Esc', label: 'clear the search', footer: { order: 2 }, match: (_i, k) => k.escape },
  { command: 'interrupt', keys: 'Ctrl-C', label: 'stop', match: isInterrupt },
];

/** The review's key map as the footer shows it: under a filter the bulk key says it acts on the shown sites; a search adds its keys. */
export function reviewFooterKeys(filtered: boolean, searching: boolean): Binding[] {
  return reviewKeys.map((b): Binding => {
    if (b.command === 'accept-all' && filtered) return { ...b, footer: { order: 4.5, text: 'A accept shown' } };
    if (b.command === 'next-match' && searching) return { ...b, footer: { order: 6.5, text: 'Tab next match' } };
    if (b.command === 'clear' && (filtered || searching)) return { ...b, footer: { order: 6.6, text: 'Esc clear' } };
    return b;
  });
}

const choose: Binding = { command: 'choose', keys: '⏎', label: 'choose the highlighted item', footer: { order: 2, text: '↑↓ ⏎ choose' }, match: (_i, k) => k.return };
const menuDown: Binding = { command: 'down', keys: '↓/j', label: 'highlight the next item', match: (i, k) => k.downArrow || char('j')(i, k) };
const menuUp: Binding = { command: 'up', keys: '↑/k', label: 'highlight the previous item', match: (i, k) => k.upArrow || char('k')(i, k) };

/**
 * Keys on the summary screen. Its menu's highlight and Enter are handled here too, by the reducer,
 * so that keys arriving together act on what is highlighted; no digit shortcuts.
 */
export const summaryKeys: Binding[] = [
  { command: 'write', keys: 'w', label: 'write', footer: { order: 1 }, match: char('w') },
  choose,
  menuDown,
  menuUp,
  { command: 'back', keys: 'b/Esc', label: 'back to review', footer: { order: 3 }, match: (i, k) => k.escape || char('b')(i, k) },
  { command: 'undo', keys: 'u', label: 'undo last decision', footer: { order: 4 }, match: char('u') },
  { command: 'page-down', keys: 'PgDn', label: 'scroll down', match: (i, k) => k.pageDown || char(' ')(i, k) },
  { command: 'page-up', keys: 'PgUp', label: 'scroll up', match: (_i, k) => k.pageUp },
  { command: 'quit', keys: 'q', label: 'quit without writing', footer: { order: 5 }, match: char('q') },
  { command: 'interrupt', keys: 'Ctrl-C', label: 'stop', match: isInterrupt },
];

/** Keys of the quit confirmation and its menu. */
export const confirmQuitKeys: Binding[] = [
  { command: 'quit', keys: 'q/y', label: 'quit without writing', footer: { order: 1 }, match: char('q', 'y') },
  choose,
  menuDown,
  menuUp,
  { command: 'back', keys: 'n/Esc', label: 'keep reviewing', footer: { order: 3 }, match: (i, k) => k.escape || char('n')(i, k) },
  { command: 'interrupt', keys: 'Ctrl-C', label: 'stop', match: isInterrupt },
];

/** Keys of the edit-again / discard menu after an edit that does not parse. */
export const editFailedKeys: Binding[] = [
  choose,
  menuDown,
  menuUp,
  { command: 'back', keys: 'Esc', label: 'discard the edit', footer: { order: 3 }, match: (_i, k) => k.escape },
  { command: 'interrupt', keys: 'Ctrl-C', label: 'stop', match: isInterrupt },
];

/** Keys of the help screen. */
export const helpKeys: Binding[] = [
  { command: 'back', keys: '?/Esc/q', label: 'close help', footer: { order: 1 }, match: (i, k) => k.escape || char('?', 'q')(i, k) },
  { command: 'page-down', keys: 'PgDn/space', label: 'scroll a page down', footer: { order: 2, text: '↑↓ PgUp/PgDn scroll' }, match: (i, k) => k.pageDown || char(' ')(i, k) },
  { command: 'page-up', keys: 'PgUp', label: 'scroll a page up', match: (_i, k) => k.pageUp },
  { command: 'down', keys: 'j/↓', label: 'scroll down', match: (i, k) => k.downArrow || char('j')(i, k) },
  { command: 'up', keys: 'k/↑', label: 'scroll up', match: (i, k) => k.upArrow || char('k')(i, k) },
  { command: 'interrupt', keys: 'Ctrl-C', label: 'stop', match: isInterrupt },
];

/** Keys that only stop the program (scanning with nothing to show, writing, editing). */
export const stopKeys: Binding[] = [
  { command: 'quit', keys: 'q/Esc', label: 'cancel', footer: { order: 1 }, match: (i, k) => k.escape || char('q')(i, k) },
  { command: 'interrupt', keys: 'Ctrl-C', label: 'stop', match: isInterrupt },
];

function isInterrupt(input: string, key: Key): boolean {
  return key.ctrl && input === 'c';
}

/**
 * One character of keys that reached Ink together as one string (Ink only splits at escape
 * sequences), as Ink reports that key alone: `\r` is Enter, `\x03` Ctrl-C, and so on.
 */
export function keyOfChar(char: string, together: Key): { input: string; key: Key } {
  const key: Key = { ...together, return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false };
  const code = char.codePointAt(0) ?? 0;
  if (char === '\r' || char === '\n') return { input: '', key: { ...key, return: true } };
  if (char === '\t') return { input: '', key: { ...key, tab: true } };
  if (char === '\x7f' || char === '\b') return { input: '', key: { ...key, backspace: true } };
  if (char === '\x1b') return { input: '', key: { ...key, escape: true, meta: true } };
  if (code >= 1 && code <= 26) return { input: String.fromCharCode(code + 96), key: { ...key, ctrl: true } };
  return { input: char, key: { ...key, shift: /[A-Z]/.test(char) } };
}

/**
 * Keys that reached the inline editor together as one string (typed fast, or pasted), as the editor
 * takes them: a run of text (line breaks and tabs included) is inserted as it is, and each other
 * control character is the key it stands for (DEL is Backspace, Ctrl-S saves).
 */
export function editorPieces(burst: string, together: Key): Array<{ input: string; key: Key }> {
  const pieces: Array<{ input: string; key: Key }> = [];
  for (const run of burst.match(/[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]+|[\s\S]/g) ?? []) {
    const text = run.length > 1 || !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(run);
    pieces.push(text ? { input: run, key: { ...keyOfChar('a', together).key } } : keyOfChar(run, together));
  }
  return pieces;
}

/** The command a keypress means in a key map, if any. */
export function commandFor(bindings: Binding[], input: string, key: Key): Command | null {
  return bindings.find((b) => b.match(input, key))?.command ?? null;
}

/** `y/⏎ accept · n skip · …` cut to `width`, always ending with the help hint when there is one. */
export function footerText(bindings: Binding[], width: number, withHelp: boolean): string {
  const entries = bindings
    .flatMap((b) => (b.footer ? [{ order: b.footer.order, text: b.footer.text ?? `${b.keys} ${b.label}` }] : []))
    .sort((a, b) => a.order - b.order)
    .map((entry) => entry.text);
  const tail = withHelp ? ['? help'] : [];
  const shown: string[] = [];
  for (const entry of entries) {
    if ([...shown, entry, ...tail].join(' · ').length > width) break;
    shown.push(entry);
  }
  return [...shown, ...tail].join(' · ');
}

/** Keys of the inline editor besides typing. */
export const editorKeys: Binding[] = [
  { command: 'write', keys: 'Ctrl-S', label: 'save', footer: { order: 1 }, match: (i, k) => k.ctrl && (i === 's' || i === 'd') },
  { command: 'back', keys: 'Esc', label: 'cancel', footer: { order: 2 }, match: (_i, k) => k.escape },
  { command: 'interrupt', keys: 'Ctrl-C', label: 'stop', match: isInterrupt },
];

/**
 * How a keypress edits the inline editor's text, if it does. Ink reports both Backspace (DEL, 0x7f,
 * what terminals and tmux send for it) and Delete (`ESC [ 3 ~`) as `delete`: `raw`, the bytes the key
 * came as, tells them apart. Without it, `delete` is taken for Backspace, the far commoner key.
 */
export function textOpFor(input: string, key: Key, raw = ''): TextOp | null {
  if (key.delete && /^\u001b\[3[~;$^]/.test(raw)) return { type: 'delete' };
  if (key.backspace || key.delete) return { type: 'backspace' };
  if (key.leftArrow) return { type: 'left' };
  if (key.rightArrow) return { type: 'right' };
  if (key.upArrow) return { type: 'up' };
  if (key.downArrow) return { type: 'down' };
  if (key.home || (key.ctrl && input === 'a')) return { type: 'home' };
  if (key.end || (key.ctrl && input === 'e')) return { type: 'end' };
  if (key.return) return { type: 'newline' };
  if (key.tab) return { type: 'insert', text: '    ' };
  if (key.ctrl || key.meta || key.escape || input === '') return null;
  return { type: 'insert', text: input };
}
