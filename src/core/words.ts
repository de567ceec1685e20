/** Whole words in source text, found with `indexOf` and checked at their ends (a regular expression with look-arounds per search cost more). */
/**
 * A character that can continue a Python name: Unicode's ID_Continue (letters, digits, combining
 * marks, connector punctuation such as `_` and `‿`, the middle dot), which Python's XID_Continue
 * follows (`elsé`, with a combining accent, is a name; so is `class·`).
 */
const IDENT_CHAR = /\p{ID_Continue}/u;

function identCode(cp: number): boolean {
  if (cp < 128) return (cp >= 48 && cp <= 57) || (cp >= 65 && cp <= 90) || (cp >= 97 && cp <= 122) || cp === 95;
  return IDENT_CHAR.test(String.fromCodePoint(cp));
}

/** True when the character starting at `i` can be part of a name. */
export function identAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c < 128 || Number.isNaN(c)) return c < 128 && identCode(c);
  return identCode(text.codePointAt(i) as number);
}

/** True when the character ending just before `i` can be part of a name (a letter outside the BMP is two code units). */
export function identBefore(text: string, i: number): boolean {
  const c = text.charCodeAt(i - 1);
  if (c < 128 || Number.isNaN(c)) return c < 128 && identCode(c);
  const cp = c >= 0xdc00 && c <= 0xdfff && i >= 2 ? (text.codePointAt(i - 2) as number) : c;
  return identCode(cp);
}

/** True when `length` characters at `i` stand as a whole word. */
export const isWordAt = (text: string, i: number, length: number) => !identBefore(text, i) && !identAt(text, i + length);

/** The end of `needle` at `i` as a whole word (with `numbered`, of `needle` and its digits: `word_N`), or -1. */
function wordEndAt(text: string, i: number, needle: string, numbered: boolean): number {
  if (identBefore(text, i)) return -1;
  let end = i + needle.length;
  if (numbered) {
    const digits = end;
    while (end < text.length && text.charCodeAt(end) >= 48 && text.charCodeAt(end) <= 57) end++;
    if (end === digits) return -1;
  }
  return identAt(text, end) ? -1 : end;
}

/**
 * Where in [from, to) `word` stands as a whole word, or with `numbered` where `word_N` does (N one or
 * more digits), as `(?<![\p{L}\p{N}_])word(_\d+)?(?![\p{L}\p{N}_])` finds them: [start, end) each.
 */
export function wordSpans(text: string, word: string, from: number, to: number, numbered = false): Array<[number, number]> {
  const found: Array<[number, number]> = [];
  const needle = numbered ? `${word}_` : word;
  for (let i = text.indexOf(needle, from); i !== -1 && i < to; i = text.indexOf(needle, i + 1)) {
    const end = wordEndAt(text, i, needle, numbered);
    if (end !== -1) found.push([i, end]);
  }
  return found;
}

/**
 * `wordSpans` of one text for many words that share `anchor` (`model_variables`, `ema_variables`,
 * `model_variables_N` share `variables`): the anchor's places are found once, and a word's are
 * those where the word stands around it, rather than a search of the range for each word. A word
 * without the anchor is searched for.
 */
export class AnchoredWords {
  private places: number[] | null = null;

  constructor(
    private readonly text: string,
    private readonly anchor: string,
  ) {}

  spans(word: string, from: number, to: number, numbered = false): Array<[number, number]> {
    const needle = numbered ? `${word}_` : word;
    const k = this.anchor ? needle.indexOf(this.anchor) : -1;
    if (k === -1) return wordSpans(this.text, word, from, to, numbered);
    const places = this.anchorPlaces();
    const found: Array<[number, number]> = [];
    // the first place at or after from + k
    let lo = 0;
    for (let hi = places.length; lo < hi; ) {
      const mid = (lo + hi) >>> 1;
      if ((places[mid] as number) < from + k) lo = mid + 1;
      else hi = mid;
    }
    for (let p = lo; p < places.length && (places[p] as number) - k < to; p++) {
      const i = (places[p] as number) - k;
      if (!this.text.startsWith(needle, i)) continue;
      const end = wordEndAt(this.text, i, needle, numbered);
      if (end !== -1) found.push([i, end]);
    }
    return found;
  }

  private anchorPlaces(): number[] {
    if (this.places) return this.places;
    const places: number[] = [];
    for (let i = this.text.indexOf(this.anchor); i !== -1; i = this.text.indexOf(this.anchor, i + 1)) places.push(i);
    this.places = places;
    return places;
  }
}
