/** The project index's offsets in a file: lines by binary search, and character offsets from the line's start outside ASCII. */
import { describe, expect, it } from 'vitest';
import { ProjectIndex } from '../src/core/evidence/index.js';

/** Every byte offset of `bytes`, as decoding the bytes before it counts characters and newlines. */
function expected(bytes: Buffer) {
  return Array.from({ length: bytes.length + 1 }, (_, o) => {
    const before = bytes.subarray(0, o).toString('utf8');
    return { char: before.length, line: before.split('\n').length };
  });
}

describe('ProjectIndex offsets', () => {
  const files: Record<string, Buffer> = {
    ascii: Buffer.from('import torch\n\nclass Net:\n    pass\n'),
    accents: Buffer.from('# Modèle — référence\nclass Net:  # «jetons»\n    x = "模型😀"\r\n\nclass B: pass'),
    broken: Buffer.concat([Buffer.from('a\n'), Buffer.from([0xe6, 0xa8]), Buffer.from('\nb'), Buffer.from([0xff]), Buffer.from('é\n\n')]),
  };
  for (const [name, bytes] of Object.entries(files)) {
    it(`${name}: every byte offset's line and character offset, as decoding the bytes before it says`, () => {
      const index = new ProjectIndex(() => bytes);
      const got = Array.from({ length: bytes.length + 1 }, (_, o) => ({ char: index.charOffset('f.py', o), line: index.lineOf('f.py', o) }));
      expect(got).toEqual(expected(bytes));
    });
  }

  it('a file read again after its bytes were let go is decoded again, not taken from the old text', () => {
    let version = Buffer.from('é = 1\nclass A: pass\n');
    const index = new ProjectIndex(() => version);
    expect(index.textOf('a.py')).toBe('é = 1\nclass A: pass\n');
    // more files than the index keeps bytes for: a.py's bytes go, and the file has changed since
    for (let i = 0; i < 70; i++) index.bytesOf(`f${i}.py`);
    version = Buffer.from('xyz\nclass A: pass\n');
    expect(index.textOf('a.py')).toBe('xyz\nclass A: pass\n');
    expect(index.charOffset('a.py', 4)).toBe(4);
  });
});
