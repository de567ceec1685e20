import { describe, expect, it } from 'vitest';
import { parsePython, type Node } from '../src/core/parser.js';
import { parentOf } from '../src/core/tree-parent.js';

function all(node: Node): Node[] {
  return [node, ...node.children.flatMap((c) => (c ? all(c) : []))];
}

describe('parentOf', () => {
  it("answers what node.parent does, for every node of two trees, each tree's own", async () => {
    const one = await parsePython('class A:\n    def f(self, x):\n        return [y for y in x if y]\n');
    const two = await parsePython('import os\nclass A:\n    def f(self, x):\n        return [y for y in x if y]\n');
    try {
      let asked = 0;
      for (const tree of [one, two, one]) {
        for (const node of all(tree.rootNode)) {
          const want = node.parent;
          const got = parentOf(node);
          expect(got?.id ?? null, `${node.type} at ${node.startIndex}`).toBe(want?.id ?? null);
          expect(got?.tree ?? null).toBe(want?.tree ?? null);
          expect(got?.startIndex ?? -1).toBe(want?.startIndex ?? -1);
          asked++;
        }
      }
      expect(asked).toBeGreaterThan(60);
      // asked again: the same object, not a new one from the tree
      const leaf = all(one.rootNode).at(-1) as Node;
      expect(parentOf(leaf)).toBe(parentOf(leaf));
      expect(parentOf(null)).toBeNull();
    } finally {
      one.delete();
      two.delete();
    }
  });
});
