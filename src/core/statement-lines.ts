/** The whole lines of the statement that holds a call: what the review's editors edit. */
import type { Node } from './parser.js';
import type { LineIndex } from './text.js';
import { parentOf } from './tree-parent.js';

/** Statements that hold a body: for a call in their header only the call's own lines are taken. */
const COMPOUND = new Set([
  'if_statement',
  'for_statement',
  'while_statement',
  'try_statement',
  'with_statement',
  'match_statement',
  'function_definition',
  'class_definition',
  'decorated_definition',
]);

/**
 * Offsets of the lines holding the statement around `call`: from the start of its first line to the
 * end of its last (before the line break). A simple statement is taken whole (`missing, unexpected =
 * m.load_state_dict(sd)`, a call inside a multi-line assignment); in the header of a compound one
 * (`if m.load_state_dict(sd):`), the lines of the call.
 */
export function statementLines(text: string, call: Node, lines: LineIndex): { start: number; end: number } {
  let statement = call;
  for (let parent = parentOf(statement); parent && parent.type !== 'module' && parent.type !== 'block'; parent = parentOf(parent)) statement = parent;
  const whole = !COMPOUND.has(statement.type);
  const from = whole ? Math.min(statement.startIndex, call.startIndex) : call.startIndex;
  const to = whole ? Math.max(statement.endIndex, call.endIndex) : call.endIndex;
  const start = lines.lineStart(lines.row(from));
  const lf = text.indexOf('\n', Math.max(start, to - 1));
  let end = lf === -1 ? text.length : lf;
  if (end > to && text[end - 1] === '\r') end--;
  return { start, end };
}
