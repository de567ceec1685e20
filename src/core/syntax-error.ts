/**
 * Where Python reports a file's first syntax error: the tokenizer's errors where it stops
 * (`python-tokens.ts`), else tree-sitter's first error node. For planning, the code before a
 * tokenizer error's statement is parsed again on its own, so that its sites stay proposed.
 */
import { firstSyntaxError, parseWith, type Parser, type Tree } from './parser.js';
import { tokenizerError } from './python-tokens.js';
import type { LineIndex } from './text.js';

export interface SyntaxProblem {
  line: number;
  column: number;
  /** Python's message where it is known (tokenizer errors), else null. */
  message: string | null;
}

/** `syntax error at line 6, column 9: '(' was never closed`. */
export function describeSyntaxError(error: SyntaxProblem): string {
  return `syntax error at line ${error.line}, column ${error.column}${error.message ? `: ${error.message}` : ''}`;
}

/**
 * For a file whose parse (`tree`) has an error: Python's first error and the tree to plan from.
 * Where the tokenizer fails (a bracket never closed, say), tree-sitter's recovery is no guide to
 * where: the code before that statement is parsed on its own (its sites stay), and an error there
 * comes first; a string error is reported even so, as CPython does. `tree` is deleted when replaced.
 */
export function locateSyntaxError(parser: Parser, text: string, masked: string, lines: LineIndex, tree: Tree): { tree: Tree; error: SyntaxProblem | null } {
  const token = tokenizerError(text);
  if (!token) {
    const error = firstSyntaxError(tree.rootNode);
    return { tree, error: error && { ...error, message: null } };
  }
  tree.delete();
  const head = parseWith(parser, masked.slice(0, token.statementStart));
  let before = token.kind === 'string' ? null : firstSyntaxError(head.rootNode);
  if (!before && token.kind === 'indent' && !token.message.startsWith('expected an indented block')) {
    // the parser meets the statement's own lines before the badly indented one (`def f()` with no colon)
    const upTo = parseWith(parser, masked.slice(0, lines.lineStart(lines.row(token.offset))));
    before = firstSyntaxError(upTo.rootNode);
    upTo.delete();
  }
  const at = lines.position(token.offset);
  return { tree: head, error: before ? { ...before, message: null } : { line: at.line, column: at.column, message: token.message } };
}

/** The first syntax error of an edited file, or null: the tokenizer's checks run even where tree-sitter is content. */
export function editSyntaxError(parser: Parser, text: string, masked: string, lines: LineIndex): SyntaxProblem | null {
  const tree = parseWith(parser, masked);
  if (!tree.rootNode.hasError && !tokenizerError(text)) {
    tree.delete();
    return null;
  }
  const located = locateSyntaxError(parser, text, masked, lines, tree);
  located.tree.delete();
  return located.error;
}
