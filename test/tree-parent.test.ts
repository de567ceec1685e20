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

  it('answers for a new tree, not from one deleted before it (a node id is a WASM address, used again)', async () => {
    const texts = ['def f(a, b):\n    return g(a)[b] + h(b)\n', 'x = [y for y in z]\nclass C:\n    w = f(x)\n', 'import os\nif a:\n    b = (c, d)\n'];
    let asked = 0;
    for (let round = 0; round < 6; round++) {
      const tree = await parsePython(texts[round % texts.length] as string);
      try {
        for (const node of all(tree.rootNode)) {
          expect(parentOf(node)?.startIndex ?? -1, `${node.type} at ${node.startIndex}`).toBe(node.parent?.startIndex ?? -1);
          expect(parentOf(node)?.type ?? null).toBe(node.parent?.type ?? null);
          asked++;
        }
      } finally {
        tree.delete();
      }
    }
    expect(asked).toBeGreaterThan(100);
  });
});
