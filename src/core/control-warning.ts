/** The warnings a site carries when its lines hold control or bidirectional characters. Pure. */
import type { LineIndex } from './text.js';
import { controlOffsets, escapeOf, isBidiControl } from './visible.js';

const C0_NAMES = [
  'NUL', 'SOH', 'STX', 'ETX', 'EOT', 'ENQ', 'ACK', 'BEL', 'BS', 'HT', 'LF', 'VT', 'FF', 'CR', 'SO', 'SI',
  'DLE', 'DC1', 'DC2', 'DC3', 'DC4', 'NAK', 'SYN', 'ETB', 'CAN', 'EM', 'SUB', 'ESC', 'FS', 'GS', 'RS', 'US',
];
const OTHER_NAMES: Record<number, string> = {
  0x7f: 'DEL', 0x9b: 'CSI', 0x9d: 'OSC', 0x061c: 'ALM', 0x200e: 'LRM', 0x200f: 'RLM', 0x2028: 'LINE SEPARATOR', 0x2029: 'PARAGRAPH SEPARATOR',
  0x202a: 'LRE', 0x202b: 'RLE', 0x202c: 'PDF', 0x202d: 'LRO', 0x202e: 'RLO', 0x2066: 'LRI', 0x2067: 'RLI', 0x2068: 'FSI', 0x2069: 'PDI',
};
/** Positions listed in one warning before the rest are only counted. */
const LISTED = 5;

function describe(char: string): string {
  const code = char.charCodeAt(0);
  const name = C0_NAMES[code] ?? OTHER_NAMES[code];
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}${name ? ` ${name}` : ''}`;
}

function listing(text: string, lines: LineIndex, offsets: number[]): string {
  const listed = offsets.slice(0, LISTED).map((offset) => {
    const { line, column } = lines.position(offset);
    return `${line}:${column} (${describe(text[offset] ?? '')})`;
  });
  const more = offsets.length - listed.length;
  return listed.join(', ') + (more > 0 ? ` and ${more} more` : '');
}

/** How `controlWarnings`' two warnings begin. */
const BIDI = 'bidirectional control character';
const OTHER = 'control character';

/** True for a warning `controlWarnings` gives (it matters whether or not the site is proposed: the line is shown either way). */
export function isControlWarning(warning: string): boolean {
  return warning.startsWith(BIDI) || warning.startsWith(OTHER);
}

/**
 * Warnings for the control characters on the lines that `text[from, to)` touches (their LFs, and a CR
 * right before an LF, are line endings): one for bidirectional controls, which can make
 * the line display in another order than Python reads it, and one for the rest, which a terminal would
 * act on. Empty when there are none.
 */
export function controlWarnings(text: string, lines: LineIndex, from: number, to: number): string[] {
  const start = lines.lineStart(lines.row(from));
  const lf = text.indexOf('\n', to);
  const end = lf === -1 ? text.length : lf;
  const found = controlOffsets(text, start, end).filter((i) => text[i] !== '\n' && !(text[i] === '\r' && text[i + 1] === '\n'));
  const bidi = found.filter((i) => isBidiControl(text[i] ?? ''));
  const other = found.filter((i) => !isBidiControl(text[i] ?? ''));
  const warnings: string[] = [];
  if (bidi.length > 0) {
    warnings.push(
      `${BIDI}${bidi.length === 1 ? '' : 's'} at ${listing(text, lines, bidi)}: ` +
        'this code may display in another order than Python reads it (Trojan Source, CVE-2021-42574)',
    );
  }
  if (other.length > 0) {
    const them = other.length === 1 ? 'it' : 'them';
    warnings.push(
      `${OTHER}${other.length === 1 ? '' : 's'} at ${listing(text, lines, other)}, shown as escapes like ` +
        `${escapeOf(text[other[0] ?? 0] ?? '')}: a terminal or editor would act on ${them} or hide ${them}`,
    );
  }
  return warnings;
}
