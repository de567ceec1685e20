/** One call site -> one edit: `R.load_state_dict(S, ...)` -> `variables = KeyMapper.from_torch(S)`. */
import type { Node } from './parser.js';
import type { FoundCall } from './sites.js';
import type { Edit } from './types.js';
import { LineIndex, indentOf } from './text.js';

export interface Rewrite {
  edit: Edit;
  warnings: string[];
}

const DROPPED_WHY: Record<string, string> = {
  strict: 'KeyMapper.from_torch has no strict mode (pass target= to check the keys)',
  assign: 'JAX arrays are immutable: nothing is assigned in place',
};

/** The argument that holds the state: the first positional one, or `state_dict=`. */
function stateArgument(args: Node): Node | null {
  for (const arg of args.namedChildren) {
    if (!arg || arg.type === 'comment' || arg.type === 'list_splat' || arg.type === 'dictionary_splat') continue;
    if (arg.type !== 'keyword_argument') return arg;
  }
  return args.namedChildren.find((a) => a?.type === 'keyword_argument' && a.childForFieldName('name')?.text === 'state_dict') ?? null;
}

function droppedWarning(arg: Node, positionalIndex: number): string {
  if (arg.type === 'keyword_argument') {
    const name = arg.childForFieldName('name')?.text ?? '';
    const why = DROPPED_WHY[name] ?? 'KeyMapper.from_torch takes only the state';
    return `\`${arg.text}\` dropped: ${why}`;
  }
  if (positionalIndex === 1) return `positional strict argument \`${arg.text}\` dropped: ${DROPPED_WHY['strict']}`;
  return `argument \`${arg.text}\` dropped: KeyMapper.from_torch takes only the state`;
}

/**
 * The new argument list: the text up to the state is kept verbatim (so comments and line breaks
 * before it survive), the state's source text follows, comments after it are carried over, and
 * every other argument is dropped.
 */
function newArguments(text: string, args: Node, state: Node, lines: LineIndex): string {
  const items = args.namedChildren.filter((n): n is Node => n !== null);
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
  out += stateValue.text;
  if (closeOnOwnLine) out += ',';
  let lastRow = lines.row(state.endIndex);
  for (const comment of items.slice(items.indexOf(state) + 1).filter((n) => n.type === 'comment')) {
    const row = lines.row(comment.startIndex);
    out += row === lastRow ? `  ${comment.text}` : `\n${indentOf(text.slice(lines.lineStart(row)))}${comment.text}`;
    lastRow = row;
  }
  if (closeOnOwnLine) out += `\n${indentOf(text.slice(lines.lineStart(closeRow)))}`;
  else if (items.slice(items.indexOf(state) + 1).some((n) => n.type === 'comment')) out += `\n${stateIndent}`;
  return `${out})`;
}

function isStatement(call: Node): boolean {
  const parent = call.parent;
  return parent?.type === 'expression_statement' && parent.namedChildCount === 1;
}

/** The edit and warnings for a site; null when no state argument can be identified. */
export function rewriteCall(text: string, found: FoundCall, targetName: string, lines: LineIndex): Rewrite | null {
  const state = stateArgument(found.args);
  if (!state) return null;
  const warnings: string[] = [];
  let positional = 0;
  for (const arg of found.args.namedChildren) {
    if (!arg || arg.type === 'comment') continue;
    if (arg !== state) warnings.push(droppedWarning(arg, positional));
    if (arg.type !== 'keyword_argument') positional++;
  }
  if (found.receiver.type === 'call' || found.receiver.descendantsOfType('call').length > 0) {
    warnings.push(`the receiver \`${found.receiver.text}\` is no longer evaluated: move any side effect it has`);
  }
  const call = `KeyMapper.from_torch${newArguments(text, found.args, state, lines)}`;
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
  };
}
