/**
 * A node's parent, asked of the tree once per node: web-tree-sitter's `node.parent` calls into the
 * WASM and makes a new object every time, and the planner walks up from the same places again and
 * again (the clues' scopes, roles and checks: about 70 ms of the bench tree's plan). The answers are
 * kept for one tree at a time, the last one asked about (planning reads one file's tree at a time):
 * kept per tree for as long as each tree lived, they held every node asked about until a full
 * collection, and raised the 4x bench tree's peak by 30 MB.
 */
import type { Node, Tree } from './parser.js';

let tree: Tree | null = null;
let known = new Map<number, Node | null>();

export function parentOf(node: Node | null | undefined): Node | null {
  if (!node) return null;
  if (node.tree !== tree) {
    tree = node.tree;
    known = new Map();
  }
  let parent = known.get(node.id);
  if (parent === undefined) {
    parent = node.parent;
    known.set(node.id, parent);
  }
  return parent;
}
