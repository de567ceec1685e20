import { describe, expect, it } from 'vitest';
import { nameAnchor } from '../src/core/naming.js';
import { AnchoredWords, wordSpans } from '../src/core/words.js';

/** A small deterministic generator (tests must not depend on Math.random). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const PIECES = ['variables', 'model', '_', 'model_variables', 'ema', 'self.', ' ', '\n', '(', ')', '1', '2', '_variables', 'variables_', 'é', 'x', '·', '=', ',', '\u{1d4b3}'];

function text(next: () => number, length: number): string {
  let out = '';
  // (a blank between pieces half the time: whole words are found often enough to compare)
  while (out.length < length) out += (next() < 0.5 ? ' ' : '') + PIECES[Math.floor(next() * PIECES.length)];
  return out;
}

describe('AnchoredWords', () => {
  it('finds the same spans as wordSpans for words with and without the anchor, numbered or not', () => {
    const next = random(17);
    const words = ['variables', 'model_variables', 'ema_variables', 'variables_variables', 'model', 'x_variables', 'é_variables'];
    let compared = 0;
    let nonEmpty = 0;
    for (let round = 0; round < 300; round++) {
      const t = text(next, 200 + Math.floor(next() * 400));
      const anchored = new AnchoredWords(t, 'variables');
      for (let ask = 0; ask < 8; ask++) {
        const word = words[Math.floor(next() * words.length)] as string;
        const from = Math.floor(next() * t.length);
        const to = from + Math.floor(next() * (t.length + 20 - from));
        const numbered = next() < 0.4;
        const want = wordSpans(t, word, from, to, numbered);
        expect(anchored.spans(word, from, to, numbered), `${JSON.stringify(word)} ${from}-${to} ${numbered}`).toEqual(want);
        compared++;
        if (want.length > 0) nonEmpty++;
      }
    }
    expect(compared).toBe(2400);
    // the comparison means something only where words are found
    expect(nonEmpty).toBeGreaterThan(200);
  });

  it('takes a word that straddles the range start only where wordSpans does', () => {
    const t = 'a = model_variables + model_variables_2';
    const anchored = new AnchoredWords(t, 'variables');
    // from inside the first name: its anchor lies after `from`, the word itself before it
    expect(anchored.spans('model_variables', 6, t.length)).toEqual(wordSpans(t, 'model_variables', 6, t.length));
    expect(anchored.spans('model_variables', 6, t.length)).toEqual([]);
    expect(anchored.spans('model_variables', 0, t.length, true)).toEqual([[22, 39]]);
  });

  it('names the anchor of a target name and of a template', () => {
    expect(nameAnchor('variables')).toBe('variables');
    expect(nameAnchor('{name}_params')).toBe('_params');
    expect(nameAnchor('p_{name}_state')).toBe('_state');
    expect(nameAnchor('{name}')).toBe('');
  });
});
