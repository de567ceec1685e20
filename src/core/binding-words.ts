/**
 * Where a name may be bound, found in the text alone: a cheap over-approximation (assigned,
 * defined, imported, a loop or `as` target, declared global...) that the parse then decides. The
 * focused parse keeps the statements it finds, and the binding analysis looks only there, so the
 * two agree whatever the parse covers.
 */
import { BUILTINS } from './python-names.js';

const WORD_CHAR = /[\p{L}\p{N}_]/u;
const BINDS_AFTER = /^[ \t]*(?:=(?!=)|:=|[-+*/%&|^@]=|\/\/=|\*\*=|>>=|<<=)/;
const BINDS_BEFORE = /(?:^|[^\p{L}\p{N}_.])(?:def|class|as|global|nonlocal|del|for|import|type)[ \t]+$/u;
const LINE_START_TARGET = /^[ \t]*[,:]/;
/**
 * Also a binding for a rare name, though not for a builtin, which annotations and calls mention
 * everywhere: `a, np = ...`, `for a, np in`, `from m import (a, np)`. (So `a, len = ...` is missed.)
 */
const LOOSE_AFTER = /^[ \t]*[,)\]:]/;
const LOOSE_BEFORE = /[,(*[][ \t]*$/;

/**
 * For a builtin, an assignment needs spaces around its `=` and must not follow `:`, so that
 * `type=None` in a call and `a: str = None` in a signature are not taken for bindings.
 */
const STRICT_ASSIGN = /^(?:[ \t]+=(?!=)|[ \t]*(?::=|[-+*/%&|^@]=|\/\/=|\*\*=|>>=|<<=))/;

function mayBind(text: string, i: number, length: number, loose: boolean): boolean {
  if (text.charCodeAt(i - 1) === 46 /* . */) return false;
  // the common case, settled without slicing: `len(`, `np.zeros`, `xs[0]` bind nothing, unless a
  // keyword before the name does (`def len(`, `import numpy.linalg`)
  let j = i + length;
  while (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9) j++;
  const next = text.charCodeAt(j);
  const prev = text.charCodeAt(i - 1);
  if ((next === 40 || next === 46 || next === 91) && prev !== 32 && prev !== 9) return false;
  const lineStart = text.lastIndexOf('\n', i - 1) + 1;
  const before = text.slice(Math.max(lineStart, i - 16), i);
  if (before.endsWith('.')) return false;
  const after = text.slice(i + length, i + length + 4);
  if (BINDS_BEFORE.test(before)) return true;
  if (loose ? BINDS_AFTER.test(after) : STRICT_ASSIGN.test(after) && !/(?::|->)[ \t]*$/.test(before)) return true;
  if (/^[ \t]*$/.test(text.slice(lineStart, i)) && LINE_START_TARGET.test(after)) return true;
  return loose && (LOOSE_AFTER.test(after) || LOOSE_BEFORE.test(before));
}

/** Whether an offset lies in one of `regions` (sorted [start, end) pairs), asked of offsets in increasing order. */
function regionFilter(regions: ReadonlyArray<readonly [number, number]>): (offset: number) => boolean {
  let r = 0;
  return (offset) => {
    while (r < regions.length && (regions[r] as readonly [number, number])[1] <= offset) r++;
    return r < regions.length && (regions[r] as readonly [number, number])[0] <= offset;
  };
}

/**
 * For each of `names`, the offsets of its whole-word occurrences that may bind it (one pass over the
 * text, or over `regions` of it, sorted [start, end) pairs: where the module's own bindings can be).
 */
export function bindingOffsets(text: string, names: readonly string[], regions: ReadonlyArray<readonly [number, number]> = [[0, text.length]]): Map<string, number[]> {
  const out = new Map<string, number[]>(names.map((n) => [n, []]));
  if (names.length === 0) return out;
  const found = (name: string, i: number) => {
    if (WORD_CHAR.test(text[i - 1] ?? '') || WORD_CHAR.test(text[i + name.length] ?? '')) return;
    if (mayBind(text, i, name.length, !BUILTINS.has(name))) out.get(name)?.push(i);
  };
  // one regular expression for the ASCII names (\b is ASCII's word boundary, so a non-ASCII
  // letter next to a match is checked after), a search for each other one
  const ascii = [...new Set(names)].filter((n) => /^[A-Za-z0-9_]+$/.test(n));
  const words = ascii.length > 0 ? new RegExp(`\\b(?:${ascii.join('|')})\\b`, 'g') : null;
  // Each region searched on its own (cut out, so that a search never runs on past the region's end
  // to the next hit, wherever that is: quadratic in a file of many definitions and few hits). The
  // regions begin and end at line starts, so a word is never cut in two.
  if (words) {
    for (const [start, end] of regions) {
      const part = start === 0 && end === text.length ? text : text.slice(start, end);
      words.lastIndex = 0;
      for (let m = words.exec(part); m; m = words.exec(part)) found(m[0], start + m.index);
    }
  }
  for (const name of names.filter((n) => !ascii.includes(n))) {
    const inRegions = regionFilter(regions);
    for (let i = text.indexOf(name); i !== -1; i = text.indexOf(name, i + name.length)) if (inRegions(i)) found(name, i);
  }
  for (const offsets of out.values()) offsets.sort((a, b) => a - b);
  return out;
}
