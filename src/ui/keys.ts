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
  | 'interrupt';

/** One binding: what the user reads (`keys`, `label`) and how it is matched. */
export interface Binding {
  command: Command;
  keys: string;
  label: string;
  match: (input: string, key: Key) => boolean;
  /** Place in the footer (lower shows first) and, if shorter, the footer's wording; without it, help only. */
  footer?: { order: number; text?: string };
}

const char = (...chars: string[]) => (input: string, key: Key) => !key.ctrl && !key.meta && chars.includes(input);

/** The review's key map: the footer, the help screen and the input handlers all read it. */
export const reviewKeys: Binding[] = [
  { command: 'accept', keys: 'y/⏎', label: 'accept', footer: { order: 1 }, match: (i, k) => k.return || char('y')(i, k) },
  { command: 'skip', keys: 'n', label: 'skip', footer: { order: 2 }, match: char('n') },
  { command: 'edit', keys: 'e', label: 'edit', footer: { order: 3 }, match: char('e') },
  { command: 'accept-file', keys: 'a', label: 'accept rest of file', footer: { order: 7, text: 'a accept file' }, match: char('a') },
  { command: 'skip-file', keys: 'd', label: 'skip rest of file', footer: { order: 8, text: 'd skip file' }, match: char('d') },
  { command: 'accept-all', keys: 'A', label: 'accept everything left', footer: { order: 9, text: 'A accept all' }, match: char('A') },
  { command: 'undo', keys: 'u', label: 'undo', footer: { order: 4 }, match: char('u') },
  { command: 'down', keys: 'j/↓', label: 'next change', footer: { order: 10, text: 'j/k move' }, match: (i, k) => k.downArrow || char('j')(i, k) },
  { command: 'up', keys: 'k/↑', label: 'previous change', match: (i, k) => k.upArrow || char('k')(i, k) },
  { command: 'page-down', keys: 'PgDn/space', label: 'scroll the diff down', match: (i, k) => k.pageDown || char(' ')(i, k) },
  { command: 'page-up', keys: 'PgUp', label: 'scroll the diff up', match: (_i, k) => k.pageUp },
  { command: 'more-context', keys: '+', label: 'more context', footer: { order: 11, text: '+/- context' }, match: char('+', '=') },
  { command: 'less-context', keys: '-', label: 'less context', match: char('-') },
  { command: 'summary', keys: 'w', label: 'summary', footer: { order: 5 }, match: char('w') },
  { command: 'help', keys: '?', label: 'help', match: char('?') },
  { command: 'quit', keys: 'q', label: 'quit', footer: { order: 6 }, match: (i, k) => k.escape || char('q')(i, k) },
  { command: 'interrupt', keys: 'Ctrl-C', label: 'stop now, write nothing more', match: isInterrupt },
];

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
