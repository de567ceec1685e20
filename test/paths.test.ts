/** Path checks shared by scanning and writing. */
import { describe, expect, it } from 'vitest';
import { isInside } from '../src/core/paths.js';

describe('isInside', () => {
  it.each([
    ['/p/root', '/p/root', true],
    ['/p/root', '/p/root/a.py', true],
    ['/p/root', '/p/root/..x.py', true],
    ['/p/root', '/p/root/sub/..hidden/a.py', true],
    ['/p/root', '/p/root/../other.py', false],
    ['/p/root', '/p/rootless/a.py', false],
    ['/p/root', '/p', false],
    ['/p/root', '/elsewhere/a.py', false],
  ])('%s contains %s: %s', (root, path, inside) => {
    expect(isInside(root, path)).toBe(inside);
  });
});
