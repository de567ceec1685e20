/**
 * One call site -> one edit: `R.load_state_dict(S, ...)` -> `variables = KeyMapper.from_torch(S)`,
 * or under the nnx mapper `KeyMapper.load_into(R, S, ...)` (the module loaded in place).
 */
import { sourceOf, type Node } from './parser.js';
import type { FoundCall } from './sites.js';
import type { Edit, Mapper } from './types.js';
import { LineIndex, indentOf } from './text.js';
import { parentOf } from './tree-parent.js';

export interface Rewrite {
  edit: Edit;
  warnings: string[];
  /** True when the rewrite assigns the target name (a statement), false when it replaces only the call. */
  assigns: boolean;
  /** `KeyMapper.from_torch(...)`: what the statement assigns, or the whole replacement where the result is used. */
  call: string;
  /** Characters from the end of `edit.text` to just after the state: where `hints=` would go. */
  hintsAt: number;
}

const DROPPED_WHY: Record<string, string> = {
  strict: 'KeyMapper.from_torch has no strict mode (pass target= to check the keys)',
  assign: 'JAX arrays are immutable: nothing is assigned in place',
};

/** The argument that holds the state: the first positional one, or `state_dict=`. */
export function stateArgument(args: Node): Node | null {
  for (const arg of args.namedChildren) {
    if (!arg || arg.type === 'comment' || arg.type === 'list_splat' || arg.type === 'dictionary_splat') continue;
    if (arg.type !== 'keyword_argument') return arg;
  }
  return args.namedChildren.find((a) => a?.type === 'keyword_argument' && a.childForFieldName('name')?.text === 'state_dict') ?? null;
}

function droppedWarning(text: string, arg: Node, positionalIndex: number): string {
  const source = sourceOf(text, arg);
  if (arg.type === 'keyword_argument') {
    const name = arg.childForFieldName('name')?.text ?? '';
    const why = DROPPED_WHY[name] ?? 'KeyMapper.from_torch takes only the state';
    return `\`${source}\` dropped: ${why}`;
  }
  if (positionalIndex === 1) return `positional strict argument \`${source}\` dropped: ${DROPPED_WHY['strict']}`;
  return `argument \`${source}\` dropped: KeyMapper.from_torch takes only the state`;
}

/** True when the argument list ends with a comma before its `)` (a "magic" trailing comma). */
function hasTrailingComma(text: string, args: Node, items: Node[]): boolean {
  const last = items.filter((n) => n.type !== 'comment').at(-1);
  return Boolean(last && text.slice(last.endIndex, args.endIndex - 1).replace(/#[^\n]*/g, '').includes(','));
}

/**
 * The new argument list: as written when the state is the only argument; else the text up to the
 * state is kept verbatim (so comments and line breaks before it survive), the state's source text
 * follows, comments after it are carried over, and every other argument is dropped (a trailing
 * comma stays where the call had one).
 */
function newArguments(text: string, args: Node, state: Node, lines: LineIndex): { text: string; stateEnd: number } {
  const items = args.namedChildren.filter((n): n is Node => n !== null);
  if (state.type !== 'keyword_argument' && items.every((n) => n === state || n.type === 'comment')) return { text: sourceOf(text, args), stateEnd: state.endIndex - args.startIndex };
  const stateValue = state.type === 'keyword_argument' ? (state.childForFieldName('value') ?? state) : state;
  const before = items.slice(0, items.indexOf(state));
  const droppedBefore = before.some((n) => n.type !== 'comment');
  const multiline = lines.row(args.startIndex) !== lines.row(args.endIndex);
  const close = args.endIndex - 1;
  const closeRow = lines.row(close);
  const closeOnOwnLine = multiline && text.slice(lines.lineStart(closeRow), close).trim() === '';
  const stateIndent = indentOf(text.slice(lines.lineStart(lines.row(state.startIndex))));

  let out = droppedBefore
    ? (multiline ? `(\n${stateIndent}` : '(')
    : text.slice(args.startIndex, state.startIndex);
  out += sourceOf(text, stateValue);
  const stateEnd = out.length;
  if (closeOnOwnLine && hasTrailingComma(text, args, items)) out += ',';
  const comments = trailingComments(text, items.slice(items.indexOf(state) + 1), lines.row(state.endIndex), closeRow, lines);
  let lastRow = lines.row(state.endIndex);
  for (const { row, body } of comments) {
    out += row === lastRow ? `  ${body}` : `\n${indentOf(text.slice(lines.lineStart(row)))}${body}`;
    lastRow = row;
  }
  if (closeOnOwnLine) out += `\n${indentOf(text.slice(lines.lineStart(closeRow)))}`;
  else if (comments.length > 0) out += `\n${stateIndent}`;
  return { text: `${out})`, stateEnd };
}

/**
 * Comments after the state, in order: the parser's comment nodes, plus comment-only lines that no
 * argument covers (long comment runs are blanked before parsing, so they have no nodes).
 */
function trailingComments(text: string, after: Node[], stateRow: number, closeRow: number, lines: LineIndex): { row: number; body: string }[] {
  const found = after.filter((n) => n.type === 'comment').map((n) => ({ row: lines.row(n.startIndex), body: sourceOf(text, n) }));
  const covered = new Set(found.map((c) => c.row));
  for (const n of after) for (let r = lines.row(n.startIndex); r <= lines.row(n.endIndex); r++) covered.add(r);
  for (let row = stateRow + 1; row < closeRow; row++) {
    if (covered.has(row)) continue;
    const line = text.slice(lines.lineStart(row), lines.lineStart(row + 1)).replace(/\r?\n$/, '');
    if (/^[ \t]*#/.test(line)) found.push({ row, body: line.trim() });
  }
  return found.sort((a, b) => a.row - b.row);
}

/**
 * `(R, S, strict=...)` for load_into: the argument list as written with the receiver put first,
 * where nothing is dropped; else the state alone (comments kept) and `strict=` after it. A
 * positional strict becomes `strict=`; `assign=` is dropped with a warning.
 */
function loadIntoArguments(text: string, found: FoundCall, state: Node, lines: LineIndex, warnings: string[]): { text: string; stateEnd: number } {
  const receiver = sourceOf(text, found.receiver);
  const args = found.args;
  const items = args.namedChildren.filter((n): n is Node => n !== null && n.type !== 'comment');
  let strict: string | null = null;
  let verbatim = true;
  items.forEach((arg, i) => {
    if (arg === state) return;
    const name = arg.type === 'keyword_argument' ? arg.childForFieldName('name')?.text : null;
    if (name === 'strict' || (name === null && i === 1)) {
      strict = sourceOf(text, name ? (arg.childForFieldName('value') ?? arg) : arg);
      if (!name) verbatim = false;
    } else {
      verbatim = false;
      warnings.push(name === 'assign' ? `\`${sourceOf(text, arg)}\` dropped: KeyMapper.load_into always sets the module's variables (in their own dtype)` : `argument \`${sourceOf(text, arg)}\` dropped: KeyMapper.load_into takes the state, strict= and hints=`);
    }
  });
  if (verbatim) {
    const written = sourceOf(text, args);
    const open = /^\((\r?\n)([ \t]*)/.exec(written);
    const head = open ? `(${open[1]}${open[2]}${receiver},` : `(${receiver}, `;
    const rest = open ? written.slice(1) : written.slice(1).replace(/^[ \t]+/, '');
    const shift = head.length - (written.length - rest.length);
    return { text: head + rest, stateEnd: state.endIndex - args.startIndex + shift };
  }
  const kept = newArguments(text, args, state, lines);
  const strictText = strict === null ? '' : `, strict=${strict}`;
  const withStrict = kept.text.slice(0, kept.stateEnd) + strictText + kept.text.slice(kept.stateEnd);
  const multiline = withStrict.startsWith('(\n') || withStrict.startsWith('(\r\n');
  const head = multiline ? `(${/^\((\r?\n[ \t]*)/.exec(withStrict)?.[1] ?? ''}${receiver},` : `(${receiver}, `;
  return { text: head + withStrict.slice(1), stateEnd: head.length - 1 + kept.stateEnd };
}

function isStatement(call: Node): boolean {
  const parent = parentOf(call);
  return parent?.type === 'expression_statement' && parent.namedChildCount === 1;
}

/** The edit and warnings for a site; null when no state argument can be identified. */
export function rewriteCall(text: string, found: FoundCall, targetName: string, lines: LineIndex, mapper: Mapper = 'flax'): Rewrite | null {
  const state = stateArgument(found.args);
  if (!state) return null;
  const warnings: string[] = [];
  if (mapper === 'nnx') {
    // the module is loaded in place and torch's (missing, unexpected) returned: the code around stays
    const args = loadIntoArguments(text, found, state, lines, warnings);
    const call = `KeyMapper.load_into${args.text}`;
    return { edit: { start: found.call.startIndex, end: found.call.endIndex, text: call }, warnings, assigns: false, call, hintsAt: call.length - 'KeyMapper.load_into'.length - args.stateEnd };
  }
  let positional = 0;
  for (const arg of found.args.namedChildren) {
    if (!arg || arg.type === 'comment') continue;
    if (arg !== state) warnings.push(droppedWarning(text, arg, positional));
    if (arg.type !== 'keyword_argument') positional++;
  }
  if (found.receiver.type === 'call' || found.receiver.descendantsOfType('call').length > 0) {
    warnings.push(`the receiver \`${sourceOf(text, found.receiver)}\` is no longer evaluated: move any side effect it has`);
  }
  const args = newArguments(text, found.args, state, lines);
  const call = `KeyMapper.from_torch${args.text}`;
  const statement = isStatement(found.call);
  if (!statement) {
    warnings.push('the result is used: torch returns (missing_keys, unexpected_keys), KeyMapper.from_torch returns the variables');
  }
  return {
    edit: {
      start: found.call.startIndex,
      end: found.call.endIndex,
      text: statement ? `${targetName} = ${call}` : call,
    },
    warnings,
    assigns: statement,
    call,
    hintsAt: args.text.length - args.stateEnd,
  };
}
