/** Finding `X.load_state_dict(...)` calls in a parse tree, with the clues to what their receivers are. */
import { receiverClues, type ClueContext } from './evidence/clues.js';
import type { Coverage } from './evidence/tree.js';
import { nodesAtWord, type Node, type Span } from './parser.js';
import { stateArgument } from './rewrite.js';
import type { LineIndex } from './text.js';
import type { Clue } from './types.js';
import { parentOf } from './tree-parent.js';

export interface FoundCall {
  call: Node;
  receiver: Node;
  args: Node;
  /** The argument holding the state; null when none can be identified (the site is `unsupported`). */
  state: Node | null;
  /** Where to look for the receiver's kind, strongest first (settled by `evidence/decide.ts`). */
  clues: Clue[];
}

function hasErrorAncestor(node: Node): boolean {
  for (let n: Node | null = node; n; n = parentOf(n)) if (n.isError) return true;
  return false;
}

/**
 * Every call whose function is an attribute named `load_state_dict`, outside broken code, in source
 * order. `coverage` is given when the tree holds only part of the file: the clues then note there
 * every statement they read that the tree lacks (and the caller parses again).
 */
export function findCalls(root: Node, text: string, path: string, lines: LineIndex, coverage?: Coverage, included: readonly Span[] | null = null): FoundCall[] {
  const found: FoundCall[] = [];
  const ctx: ClueContext = { text, path, lines, root, ...(coverage ? { coverage } : {}) };
  for (const name of nodesAtWord(root, text, 'load_state_dict', included)) {
    const fn = parentOf(name);
    if (fn?.type !== 'attribute' || fn.childForFieldName('attribute')?.startIndex !== name.startIndex) continue;
    const call = parentOf(fn);
    if (call?.type !== 'call' || call.childForFieldName('function')?.startIndex !== fn.startIndex) continue;
    const receiver = fn.childForFieldName('object');
    const args = call.childForFieldName('arguments');
    if (!receiver || args?.type !== 'argument_list') continue;
    if (call.hasError || hasErrorAncestor(call)) continue;
    const state = stateArgument(args);
    found.push({ call, receiver, args, state, clues: receiverClues(ctx, call, receiver, state) });
  }
  return found;
}
