/**
 * A node's parent, asked of the tree once per node: web-tree-sitter's `node.parent` calls into the
 * WASM and makes a new object every time, and the planner walks up from the same places again and
 * again (the clues' scopes, roles and checks: over 100 ms of the bench tree's plan). Kept per tree,
 * so a tree's answers go with it.
 */
import type { Node, Tree } from './parser.js';

const parents = new WeakMap<Tree, Map<number, Node | null>>();

export function parentOf(node: Node | null | undefined): Node | null {
  if (!node) return null;
  let known = parents.get(node.tree);
  if (!known) {
    known = new Map();
    parents.set(node.tree, known);
  }
  let parent = known.get(node.id);
  if (parent === undefined) {
    parent = node.parent;
    known.set(node.id, parent);
  }
  return parent;
}
