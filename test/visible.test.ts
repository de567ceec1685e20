import { describe, expect, it } from 'vitest';
import stringWidth from 'string-width';
import { cutEnd, cutStart, displayWidth, padShown, shownPieces, shownWidth } from '../src/core/columns.js';
import { controlWarnings } from '../src/core/control-warning.js';
import { LineIndex } from '../src/core/text.js';
import { escapeJsonControls, fitPieces, hasControls, visible, visiblePieces } from '../src/core/visible.js';

/** Every character a terminal or a bidi algorithm would act on, by class. */
const C0 = Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).filter((c) => c !== '\t');
const C1 = Array.from({ length: 32 }, (_, i) => String.fromCharCode(0x80 + i));
const BIDI = ['\u061c', '\u200e', '\u200f', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069'];
const ALL = [...C0, '\u007f', ...C1, ...BIDI, '\u2028', '\u2029'];
/** What must never be in shown text. */
const RAW = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

describe('visible', () => {
  it('shows every C0 control but tab, DEL, every C1 control and every bidi control as an escape', () => {
    for (const c of ALL) {
      const shown = visible(`a${c}b`);
      expect(shown, `U+${c.charCodeAt(0).toString(16)}`).not.toMatch(RAW);
      expect(shown).toMatch(/^a\\(x[0-9a-f]{2}|u[0-9a-f]{4}|n|r)b$/);
      expect(hasControls(c)).toBe(true);
    }
    expect(visible('\u001b]0;PWNED\u0007w\u001b[2J.pt')).toBe('\\x1b]0;PWNED\\x07w\\x1b[2J.pt');
    expect(visible('b\u001b[7mX.py')).toBe('b\\x1b[7mX.py');
    expect(visible('\u009b31m \u007f \u0000')).toBe('\\x9b31m \\x7f \\x00');
    expect(visible('x = 1 # \u202e } \u2066if admin\u2069')).toBe('x = 1 # \\u202e } \\u2066if admin\\u2069');
    expect(visible('a\nb\r\n')).toBe('a\\nb\\r\\n');
  });

  it('leaves tabs, printable text and other Unicode alone', () => {
    for (const text of ['\tx = 1', 'naïve → 模型 😀', '\u00a0\u00ff\u2027\u202f\u2065', 'print("\\x1b")']) {
      expect(visible(text)).toBe(text);
      expect(hasControls(text)).toBe(false);
    }
  });

  it('marks the escapes and only them', () => {
    expect(visiblePieces('ab\u001b[2Jc\u202e')).toEqual([
      { text: 'ab', mark: false },
      { text: '\\x1b', mark: true },
      { text: '[2Jc', mark: false },
      { text: '\\u202e', mark: true },
    ]);
    expect(visiblePieces('')).toEqual([]);
    expect(visiblePieces('\u0007\u0007')).toEqual([{ text: '\\x07', mark: true }, { text: '\\x07', mark: true }]);
  });

  it('escapes in JSON what JSON.stringify leaves raw, to the same document', () => {
    const value = { s: 'a\u001b\u007f\u009b\u202e\u2028\u2066 模型', n: 1 };
    const json = escapeJsonControls(JSON.stringify(value, null, 2));
    expect(json.replaceAll('\n', '')).not.toMatch(RAW); // the only raw LFs are the layout's
    expect(json).toContain('\\u009b');
    expect(JSON.parse(json)).toEqual(value);
  });
});

describe('columns', () => {
  it('displayWidth is string-width\'s width, for ASCII (counted) and other text (measured once, then remembered)', () => {
    const samples = ['', 'src/models/unet.py', '~!@#$%^&*()_+{}|:"<>?`-=[]\\;\',./ ', '2 changes · 1 skipped', '模型.py', 'é', 'e\u0301', '😀', '👩‍👩‍👧', '1\ufe0f\u20e3', '\u00ad', 'x\u200b'];
    for (const text of [...samples, ...samples]) expect(displayWidth(text), JSON.stringify(text)).toBe(stringWidth(text));
  });

  it('counts wide characters as 2 columns and marks as what they show', () => {
    expect(displayWidth('模型')).toBe(4);
    expect(displayWidth('😀')).toBe(2);
    expect(displayWidth('é')).toBe(1);
    expect(shownWidth('a\u001bb')).toBe(6); // a \x1b b
    expect(shownWidth('模\u202e')).toBe(8);
  });

  it('expands tabs to the next stop of 4, counted from where the text starts and across pieces', () => {
    expect(shownPieces('\tx').pieces).toEqual([{ text: '    x', mark: false }]);
    expect(shownPieces('ab\tc').pieces[0]?.text).toBe('ab  c');
    expect(shownPieces('模\tc').pieces[0]?.text).toBe('模  c');
    expect(shownPieces('\tc', 3)).toEqual({ pieces: [{ text: ' c', mark: false }], end: 5 });
    expect(shownPieces('\u001b\tc').pieces).toEqual([{ text: '\\x1b', mark: true }, { text: '    c', mark: false }]);
    expect(shownPieces('a\tb\tc').end).toBe(9);
  });

  it('pads to a width as shown', () => {
    expect(padShown('模.py', 8)).toBe('模.py   ');
    expect(padShown('a\u001b', 8)).toBe('a\u001b   ');
    expect(padShown('a\tb', 8)).toBe('a\tb   ');
  });

  it('cuts to surely fit without a width table (non-ASCII as 2), never splitting a character or a mark', () => {
    const pieces = visiblePieces('模型\u001bab');
    expect(fitPieces(pieces, 3)).toEqual([{ text: '模', mark: false }]);
    expect(fitPieces(pieces, 7)).toEqual([{ text: '模型', mark: false }]);
    expect(fitPieces(pieces, 8)).toEqual([{ text: '模型', mark: false }, { text: '\\x1b', mark: true }]);
    expect(fitPieces(pieces, 99)).toEqual(pieces);
    expect(fitPieces(visiblePieces('😀x'), 1)).toEqual([]);
    for (const text of ['模型\u001bab', 'é👩‍👩‍👧x\u202e', 'plain ascii line']) {
      for (let width = 0; width < 20; width++) {
        expect(displayWidth(fitPieces(visiblePieces(text), width).map((p) => p.text).join(''))).toBeLessThanOrEqual(width);
      }
    }
  });
});

describe('cutting a path from the left', () => {
  it('keeps its end whole, measured as shown: wide characters 2 columns, a control character its escape', () => {
    expect(cutStart('src/models/unet.py', 40)).toBe('src/models/unet.py');
    expect(cutStart('src/models/unet.py', 12)).toBe('…els/unet.py');
    expect(shownWidth(cutStart('模型/模型/模型.py', 9))).toBeLessThanOrEqual(9);
    expect(cutStart('模型/模型/模型.py', 9)).toBe('…/模型.py');
    // ESC shows as \x1b, 4 columns: never half an escape
    expect(cutStart('a/b\u001bc.py', 10)).toBe('…b\u001bc.py');
    expect(cutStart('a/b\u001bc.py', 9)).toBe('…\u001bc.py');
    expect(cutStart('a/b\u001bc.py', 7)).toBe('…c.py');
  });

  it('cutEnd keeps the start whole, measured as shown (a search\'s text)', () => {
    expect(cutEnd('self.unet', 20)).toBe('self.unet');
    expect(cutEnd('self.unet', 6)).toBe('self.…');
    expect(cutEnd('模型模型', 5)).toBe('模型…');
    expect(cutEnd('a\u001bbc', 5)).toBe('a…'); // never half an escape
    expect(cutEnd('a\u001bbc', 6)).toBe('a\u001b…');
  });
});

describe('control warnings', () => {
  const warn = (text: string, line = 2) => {
    const lines = new LineIndex(text);
    return controlWarnings(text, lines, lines.lineStart(line - 1) + 4, lines.lineStart(line - 1) + 6);
  };

  it('names each control on the lines of a site with its line:column, bidi controls apart', () => {
    expect(warn('import x\n    m.load_state_dict(f("\u001b]0;T\u0007"))\n')).toEqual([
      expect.stringMatching(/^control characters at 2:26 \(U\+001B ESC\), 2:31 \(U\+0007 BEL\), shown as escapes like \\x1b: a terminal /),
    ]);
    const [bidi] = warn('a\nm.load_state_dict(sd)  # \u202e } \u2066x\n');
    expect(bidi).toMatch(/^bidirectional control characters at 2:26 \(U\+202E RLO\), 2:30 \(U\+2066 LRI\): .*Trojan Source, CVE-2021-42574/);
    expect(warn('a\n\u001b m.load_state_dict(sd) \u202e\n')).toHaveLength(2);
  });

  it('ignores line endings, tabs, and controls on other lines; lists five and counts the rest', () => {
    expect(warn('\u001b\r\n\tm.load_state_dict(sd)\r\n\u001b\r\n')).toEqual([]);
    expect(warn('a\nm.load_state_dict(sd)\rx = 1\n')).toEqual([expect.stringMatching(/^control character at 2:22 \(U\+000D CR\)/)]);
    expect(warn(`a\nm.load_state_dict(sd) # ${'\u0007'.repeat(8)}\n`)[0]).toMatch(/2:29 \(U\+0007 BEL\) and 3 more, /);
  });

  it('counts columns in characters, as sites do', () => {
    expect(warn('a\nm.load_state_dict("模😀\u001b")\n')[0]).toMatch(/^control character at 2:22 /);
  });
});
