/** The hunks built from edits (src/core/hunks.ts): numbered as diff -u numbers them, and they apply. */
import { applyPatch } from 'diff';
import { describe, expect, it } from 'vitest';
import { editHunks, hunkText, type TaggedEdit } from '../src/core/hunks.js';
import { applyEdits } from '../src/core/plan.js';
import { rng } from './helpers/fuzz.js';

const patch = (text: string, edits: TaggedEdit[], context: number) =>
  `--- a/f.py\n+++ b/f.py\n${editHunks(text, edits, context).flatMap(hunkText).join('\n')}\n`;
const edit = (start: number, end: number, text: string, tag = 'site'): TaggedEdit => ({ start, end, text, tag });

describe('hunks from edits', () => {
  it('puts an inserted block where it was inserted, whole, even where blank lines could line up inside it', () => {
    const text = 'import torch\n\nfrom m import Net\n\nmodel = Net()\n';
    const at = text.indexOf('\nmodel') + 1;
    const hunks = editHunks(text, [edit(at, at, 'import re\n\n\nclass KeyMapper:\n    pass\n\n\n', 'preamble')], 0);
    expect(hunks.map((h) => hunkText(h)[0])).toEqual(['@@ -4,0 +5,7 @@']);
    expect(hunks[0]?.tags).toEqual(['preamble']);
  });

  it("slides a block only inserted down past lines equal to its first, as diff places it: the file's blank lines stay before it", () => {
    const text = 'import a\n\n\nx = 1\n';
    const at = text.indexOf('\n') + 1;
    const [hunk] = editHunks(text, [edit(at, at, '\n\nclass K:\n    pass\n', 'preamble')], 0);
    expect(hunkText(hunk!)).toEqual(['@@ -3,0 +4,4 @@', '+class K:', '+    pass', '+', '+']);
  });

  it('shows a change on adjacent lines as one block, each line tagged with what changed it', () => {
    const text = 'a.load(x)\nb.load(y)\nc = 1\n';
    const hunks = editHunks(text, [edit(0, 9, 'A = f(x)', 'a'), edit(10, 19, 'B = f(y)', 'b')], 1);
    expect(hunkText(hunks[0]!)).toEqual(['@@ -1,3 +1,3 @@', '-a.load(x)', '-b.load(y)', '+A = f(x)', '+B = f(y)', ' c = 1']);
    expect(hunks[0]?.lines.map((l) => l.tags.join())).toEqual(['a', 'b', 'a', 'b', '']);
  });

  it('keeps lines of a region that did not change as context, and merges changes closer than twice the context', () => {
    const text = 'f(\n    # keep\n    x, strict=False)\nq\nr\ns\ng(y)\n';
    const first = edit(0, text.indexOf('\nq'), 'v = F(\n    # keep\n    x)');
    const second = edit(text.indexOf('g(y)'), text.indexOf('g(y)') + 4, 'w = G(y)');
    expect(editHunks(text, [first, second], 0).map(hunkText)).toEqual([
      ['@@ -1,1 +1,1 @@', '-f(', '+v = F('],
      ['@@ -3,1 +3,1 @@', '-    x, strict=False)', '+    x)'],
      ['@@ -7,1 +7,1 @@', '-g(y)', '+w = G(y)'],
    ]);
    expect(hunkText(editHunks(text, [first, second], 1)[0]!)).toEqual(['@@ -1,4 +1,4 @@', '-f(', '+v = F(', '     # keep', '-    x, strict=False)', '+    x)', ' q']);
    expect(editHunks(text, [first, second], 1)).toHaveLength(2);
    expect(editHunks(text, [first, second], 2)).toHaveLength(1);
  });

  it('marks a last line without a line break, on either side', () => {
    const text = 'a\nmodel.load(sd)';
    const lines = hunkText(editHunks(text, [edit(2, text.length, 'v = F(sd)')], 3)[0]!);
    expect(lines).toEqual(['@@ -1,2 +1,2 @@', ' a', '-model.load(sd)', '\\ No newline at end of file', '+v = F(sd)', '\\ No newline at end of file']);
    // text appended after such a line: the line gets its break, the new last line has none
    const appended = hunkText(editHunks('a', [edit(1, 1, '\nb')], 0)[0]!);
    expect(appended).toEqual(['@@ -1,1 +1,2 @@', '-a', '\\ No newline at end of file', '+a', '+b', '\\ No newline at end of file']);
  });

  it('removes whole lines, and keeps a CRLF line end on each line', () => {
    expect(hunkText(editHunks('a\nb\nc\n', [edit(2, 4, '')], 0)[0]!)).toEqual(['@@ -2,1 +1,0 @@', '-b']);
    expect(hunkText(editHunks('a\r\nb\r\n', [edit(3, 4, 'B')], 0)[0]!)).toEqual(['@@ -2,1 +2,1 @@', '-b\r', '+B\r']);
  });

  it('applies: 2,000 random texts and edits, patched with the diff package, give what the edits give', () => {
    const r = rng(15);
    const words = ['', '', 'x = 1', '    y', 'import a', '#', 'z\r'];
    for (let n = 0; n < 2000; n++) {
      const lines = Array.from({ length: Math.floor(r() * 12) }, () => words[Math.floor(r() * words.length)]);
      const text = lines.join('\n') + (r() < 0.7 ? '\n' : '');
      const edits: TaggedEdit[] = [];
      let at = 0;
      while (at <= text.length && edits.length < 4) {
        const start = at + Math.floor(r() * 6);
        if (start > text.length) break;
        const end = Math.min(text.length, start + Math.floor(r() * 5));
        const inserted = [...Array(Math.floor(r() * 3))].map(() => words[Math.floor(r() * words.length)]).join('\n') + (r() < 0.5 ? '\n' : '');
        edits.push(edit(start, end, inserted, `e${edits.length}`));
        at = end + 1;
      }
      const expected = applyEdits(text, edits);
      for (const context of [0, 1, 3]) {
        const diff = patch(text, edits, context);
        const applied = expected === text ? text : applyPatch(text, diff, { autoConvertLineEndings: false });
        expect(applied, `${JSON.stringify(text)} ${JSON.stringify(edits)} context ${context}\n${diff}`).toBe(expected);
      }
    }
  });
});
