/** ANSI colour for the non-interactive modes, honouring --no-color, NO_COLOR and FORCE_COLOR. */
import { visiblePieces } from '../core/visible.js';

export function colorEnabled(flag: boolean | null, isTTY: boolean, env: NodeJS.ProcessEnv): boolean {
  if (flag !== null) return flag;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return isTTY;
}

/** Open and close codes; `mark` (a control character's escape) closes only itself, so it can sit inside a coloured line. */
const CODES = { red: [31, 0], green: [32, 0], yellow: [33, 0], cyan: [36, 0], dim: [2, 0], bold: [1, 0], mark: [7, 27] } as const;
export type Style = keyof typeof CODES;

export type Paint = (style: Style, text: string) => string;

export function painter(enabled: boolean): Paint {
  return enabled ? (style, text) => `\u001b[${CODES[style][0]}m${text}\u001b[${CODES[style][1]}m` : (_style, text) => text;
}

/** Project text for the terminal: each control character as its escape (`\x1b`), marked in inverse when colour is on. */
export function shown(text: string, paint: Paint): string {
  return visiblePieces(text)
    .map((piece) => (piece.mark ? paint('mark', piece.text) : piece.text))
    .join('');
}
