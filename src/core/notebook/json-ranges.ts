/**
 * A strict JSON parser (RFC 8259) that keeps where each value lies in the text, so that a notebook
 * can be written back by replacing only the values that change: its indent, key order, escapes and
 * final newline stay as its writer left them.
 */

export type JsonValue =
  | { type: 'object'; start: number; end: number; entries: { key: string; value: JsonValue }[] }
  | { type: 'array'; start: number; end: number; items: JsonValue[] }
  | { type: 'string'; start: number; end: number; value: string }
  | { type: 'number' | 'literal'; start: number; end: number; value: number | boolean | null };

export class JsonError extends Error {}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** Parses `text` as one JSON value; throws JsonError with the line where it is not JSON. */
export function parseJsonRanges(text: string): JsonValue {
  let i = 0;
  const fail = (what: string): never => {
    const line = text.slice(0, i).split('\n').length;
    throw new JsonError(`${what} at line ${line}`);
  };
  const skip = () => {
    while (WS.has(text.charCodeAt(i))) i++;
  };
  const string = (): string => {
    i++;
    let out = '';
    let from = i;
    for (;;) {
      const c = text.charCodeAt(i);
      if (Number.isNaN(c)) fail('unterminated string');
      if (c === 0x22) break;
      if (c < 0x20) fail('control character in a string');
      if (c === 0x5c) {
        out += text.slice(from, i);
        const e = text[i + 1];
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e !== undefined && e in simple) {
          out += simple[e];
          i += 2;
        } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
        } else {
          fail('bad escape in a string');
        }
        from = i;
        continue;
      }
      i++;
    }
    out += text.slice(from, i);
    i++;
    return out;
  };
  const value = (depth: number): JsonValue => {
    if (depth > 200) fail('nesting too deep');
    skip();
    const start = i;
    const c = text[i];
    if (c === '{') {
      i++;
      const entries: { key: string; value: JsonValue }[] = [];
      skip();
      if (text[i] === '}') return { type: 'object', start, end: ++i, entries };
      for (;;) {
        skip();
        if (text[i] !== '"') fail('expected a key');
        const key = string();
        skip();
        if (text[i++] !== ':') fail('expected ":"');
        entries.push({ key, value: value(depth + 1) });
        skip();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === '}') return { type: 'object', start, end: ++i, entries };
        fail('expected "," or "}"');
      }
    }
    if (c === '[') {
      i++;
      const items: JsonValue[] = [];
      skip();
      if (text[i] === ']') return { type: 'array', start, end: ++i, items };
      for (;;) {
        items.push(value(depth + 1));
        skip();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === ']') return { type: 'array', start, end: ++i, items };
        fail('expected "," or "]"');
      }
    }
    if (c === '"') {
      const parsed = string();
      return { type: 'string', start, end: i, value: parsed };
    }
    for (const [word, literal] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return { type: 'literal', start, end: i, value: literal };
      }
    }
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (m) {
      i += m[0].length;
      return { type: 'number', start, end: i, value: Number(m[0]) };
    }
    return fail('unexpected character');
  };
  const root = value(0);
  skip();
  if (i < text.length) fail('text after the JSON value');
  return root;
}

/** The value of `key` in an object value, or undefined. */
export function field(value: JsonValue | undefined, key: string): JsonValue | undefined {
  return value?.type === 'object' ? value.entries.find((e) => e.key === key)?.value : undefined;
}

/**
 * A string as JSON writes it: as JSON.stringify does (which escapes what Python's json.dumps
 * escapes, in the same lowercase `\u00XX` form), and with every non-ASCII character as `\uXXXX`
 * when the notebook was written with `ensure_ascii`.
 */
export function jsonString(value: string, ensureAscii: boolean): string {
  const json = JSON.stringify(value);
  return ensureAscii ? json.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : json;
}
