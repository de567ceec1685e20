import { describe, expect, it } from 'vitest';
import { applyTextOp, bufferOf, caretPosition, splitAtCaret, type TextBuffer, type TextOp } from '../../src/ui/text-edit.js';

const apply = (buf: TextBuffer, ...ops: TextOp[]) => ops.reduce(applyTextOp, buf);

describe('inline text buffer', () => {
  it('inserts and erases at the caret, normalising pasted line ends', () => {
    let buf = apply(bufferOf('ab'), { type: 'left' }, { type: 'insert', text: 'X\r\nY' });
    expect(buf).toEqual({ text: 'aX\nYb', caret: 4 });
    buf = apply(buf, { type: 'backspace' }, { type: 'backspace' });
    expect(buf).toEqual({ text: 'aXb', caret: 2 });
    expect(apply(buf, { type: 'delete' }).text).toBe('aX');
  });

  it('moves by line, keeping the column where it can', () => {
    const buf = apply(bufferOf('first line\nab\nthird'), { type: 'up' });
    expect(caretPosition(buf)).toMatchObject({ line: 1, column: 2 });
    const up = apply(buf, { type: 'up' }, { type: 'end' });
    expect(caretPosition(up)).toMatchObject({ line: 0, column: 10 });
    const down = apply(up, { type: 'down' });
    expect(caretPosition(down)).toMatchObject({ line: 1, column: 2 });
    expect(apply(down, { type: 'home' }).caret).toBe(11);
    expect(apply(bufferOf('x'), { type: 'up' })).toEqual(bufferOf('x'));
  });

  it('never splits a surrogate pair', () => {
    const buf = apply(bufferOf('a😀'), { type: 'left' });
    expect(buf.caret).toBe(1);
    expect(apply(bufferOf('a😀'), { type: 'backspace' }).text).toBe('a');
  });

  it('cuts the caret line around a whole character, a space standing at the end', () => {
    const buf = apply(bufferOf('a😀b'), { type: 'left' }, { type: 'left' });
    const { lines, line, column } = caretPosition(buf);
    expect(splitAtCaret(lines[line]!, column)).toEqual({ before: 'a', under: '😀', after: 'b' });
    expect(splitAtCaret('ab', 2)).toEqual({ before: 'ab', under: ' ', after: '' });
    expect(splitAtCaret('\tx', 0)).toEqual({ before: '', under: '\t', after: 'x' });
  });
});
