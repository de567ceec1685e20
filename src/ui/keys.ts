import type { Key } from 'ink';

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
  | 'back'
  | 'quit'
  | 'interrupt';

/** One binding: what the user reads (`keys`, `label`) and how it is matched. */
export interface Binding {
  command: Command;
  keys: string;
  label: string;
  match: (input: string, key: Key) => boolean;
  /** Lower shows first in the footer; bindings without one are only in the help. */
  footer?: number;
}

const char = (...chars: string[]) => (input: string, key: Key) => !key.ctrl && !key.meta && chars.includes(input);

/** The review's key map: the footer, the help screen and the input handlers all read it. */
export const reviewKeys: Binding[] = [
  { command: 'accept', keys: 'y/⏎', label: 'accept', footer: 1, match: (i, k) => k.return || char('y')(i, k) },
  { command: 'skip', keys: 'n', label: 'skip', footer: 2, match: char('n') },
  { command: 'edit', keys: 'e', label: 'edit', footer: 3, match: char('e') },
  { command: 'accept-file', keys: 'a', label: 'accept rest of file', footer: 6, match: char('a') },
  { command: 'skip-file', keys: 'd', label: 'skip rest of file', footer: 7, match: char('d') },
  { command: 'accept-all', keys: 'A', label: 'accept everything left', footer: 8, match: char('A') },
  { command: 'undo', keys: 'u', label: 'undo', footer: 4, match: char('u') },
  { command: 'down', keys: 'j/↓', label: 'next change', footer: 9, match: (i, k) => k.downArrow || char('j')(i, k) },
  { command: 'up', keys: 'k/↑', label: 'previous change', match: (i, k) => k.upArrow || char('k')(i, k) },
  { command: 'page-down', keys: 'PgDn/space', label: 'scroll the diff down', match: (i, k) => k.pageDown || char(' ')(i, k) },
  { command: 'page-up', keys: 'PgUp', label: 'scroll the diff up', match: (_i, k) => k.pageUp },
  { command: 'more-context', keys: '+', label: 'more context', footer: 10, match: char('+', '=') },
  { command: 'less-context', keys: '-', label: 'less context', match: char('-') },
  { command: 'summary', keys: 'w', label: 'summary', footer: 5, match: char('w') },
  { command: 'help', keys: '?', label: 'help', match: char('?') },
  { command: 'quit', keys: 'q', label: 'quit', footer: 11, match: char('q') },
  { command: 'interrupt', keys: 'Ctrl-C', label: 'stop now, write nothing more', match: isInterrupt },
];

/** Keys on the summary screen; Enter is handled by its menu. */
export const summaryKeys: Binding[] = [
  { command: 'write', keys: 'w/⏎', label: 'write', footer: 1, match: char('w') },
  { command: 'back', keys: 'b/Esc', label: 'back to review', footer: 2, match: (i, k) => k.escape || char('b')(i, k) },
  { command: 'undo', keys: 'u', label: 'undo last decision', footer: 3, match: char('u') },
  { command: 'page-down', keys: 'PgDn', label: 'scroll down', match: (i, k) => k.pageDown || char(' ')(i, k) },
  { command: 'page-up', keys: 'PgUp', label: 'scroll up', match: (_i, k) => k.pageUp },
  { command: 'quit', keys: 'q', label: 'quit without writing', footer: 4, match: char('q') },
  { command: 'interrupt', keys: 'Ctrl-C', label: 'stop', match: isInterrupt },
];

/** Keys of the quit confirmation; Enter is handled by its menu. */
export const confirmQuitKeys: Binding[] = [
  { command: 'quit', keys: 'q/y', label: 'quit without writing', footer: 1, match: char('q', 'y') },
  { command: 'back', keys: 'n/Esc', label: 'keep reviewing', footer: 2, match: (i, k) => k.escape || char('n')(i, k) },
  { command: 'interrupt', keys: 'Ctrl-C', label: 'stop', match: isInterrupt },
];

/** Keys of the help screen. */
export const helpKeys: Binding[] = [
  { command: 'back', keys: '?/Esc/q', label: 'close help', footer: 1, match: (i, k) => k.escape || char('?', 'q')(i, k) },
  { command: 'interrupt', keys: 'Ctrl-C', label: 'stop', match: isInterrupt },
];

/** Keys that only stop the program (scanning with nothing to show, writing, editing). */
export const stopKeys: Binding[] = [
  { command: 'quit', keys: 'q/Esc', label: 'cancel', footer: 1, match: (i, k) => k.escape || char('q')(i, k) },
  { command: 'interrupt', keys: 'Ctrl-C', label: 'stop', match: isInterrupt },
];

export function isInterrupt(input: string, key: Key): boolean {
  return key.ctrl && input === 'c';
}

/** The command a keypress means in a key map, if any. */
export function commandFor(bindings: Binding[], input: string, key: Key): Command | null {
  return bindings.find((b) => b.match(input, key))?.command ?? null;
}

/** `y/⏎ accept · n skip · …` cut to `width`, always ending with the help hint when there is one. */
export function footerText(bindings: Binding[], width: number, withHelp: boolean): string {
  const entries = bindings
    .filter((b) => b.footer !== undefined)
    .sort((a, b) => (a.footer ?? 0) - (b.footer ?? 0))
    .map((b) => `${b.keys} ${b.label}`);
  const tail = withHelp ? ['? help'] : [];
  const shown: string[] = [];
  for (const entry of entries) {
    if ([...shown, entry, ...tail].join(' · ').length > width) break;
    shown.push(entry);
  }
  return [...shown, ...tail].join(' · ');
}
