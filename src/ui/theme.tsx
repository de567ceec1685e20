import { createContext, useContext } from 'react';
import type { TextProps } from 'ink';

/** What a piece of text means; the theme decides how it looks. */
export type Role =
  | 'add'
  | 'del'
  | 'add-word'
  | 'del-word'
  | 'hunk'
  | 'line-number'
  | 'accepted'
  | 'skipped'
  | 'edited'
  | 'pending'
  | 'muted'
  | 'warning'
  | 'error'
  | 'title'
  | 'selected'
  | 'key'
  /** A control character from the project, shown as its escape. */
  | 'control';

const colored: Record<Role, TextProps> = {
  add: { color: 'green' },
  del: { color: 'red' },
  'add-word': { color: 'black', backgroundColor: 'green' },
  'del-word': { color: 'black', backgroundColor: 'red' },
  hunk: { color: 'cyan' },
  'line-number': { dimColor: true },
  accepted: { color: 'green' },
  skipped: { color: 'red' },
  edited: { color: 'yellow' },
  pending: {},
  muted: { dimColor: true },
  warning: { color: 'yellow' },
  error: { color: 'red', bold: true },
  title: { bold: true },
  selected: { color: 'cyan', bold: true },
  key: { bold: true },
  control: { color: 'black', backgroundColor: 'yellow' },
};

/** NO_COLOR: no colours at all, only bold, dim, underline and inverse. */
const plain: Record<Role, TextProps> = {
  ...Object.fromEntries(Object.keys(colored).map((role) => [role, {}])),
  'add-word': { inverse: true },
  'del-word': { underline: true },
  'line-number': { dimColor: true },
  muted: { dimColor: true },
  error: { bold: true },
  title: { bold: true },
  selected: { bold: true },
  key: { bold: true },
  control: { bold: true, inverse: true },
} as Record<Role, TextProps>;

const ColorContext = createContext(true);

export const ColorProvider = ColorContext.Provider;

/** Text props for a role under the current colour setting. */
export function useStyle(): (role: Role) => TextProps {
  const color = useContext(ColorContext);
  return (role) => (color ? colored : plain)[role];
}

