/** web-tree-sitter with the Python grammar, loaded once per process. */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Language, Parser, type Node, type Range, type Tree } from 'web-tree-sitter';
import { lastAtOrBefore } from './text.js';

export type { Node, Parser, Range, Tree };

/** `npm run build` copies the grammar next to the built JS; from source (tests) it comes from node_modules. */
function grammarPath(): string {
  const built = fileURLToPath(new URL('../tree-sitter-python.wasm', import.meta.url));
  return existsSync(built) ? built : createRequire(import.meta.url).resolve('tree-sitter-python/tree-sitter-python.wasm');
}

let parserPromise: Promise<Parser> | null = null;

async function loadParser(): Promise<Parser> {
  await Parser.init();
  const bytes = await readFile(grammarPath());
  const language = await Language.load(new Uint8Array(bytes));
  const parser = new Parser();
  parser.setLanguage(language);
  return parser;
}

export function getParser(): Promise<Parser> {
  parserPromise ??= loadParser();
  return parserPromise;
}

/** Characters handed to the parser per read. */
const CHUNK = 1024;

/** Parses Python source, or only `ranges` of it; the caller must `delete()` the tree when done with it. */
export function parseWith(parser: Parser, text: string, ranges?: Range[]): Tree {
  // Chunks of a bounded size: web-tree-sitter copies each chunk the callback returns into WASM
  // memory, and with included ranges it asks again at every jump between ranges, so a chunk
  // inside a range ends where the range does (tree-sitter reads nothing past it).
  const starts = ranges?.map((r) => r.startIndex);
  const read = (index: number) => {
    let end = index + CHUNK;
    if (ranges && starts) {
      const range = ranges[lastAtOrBefore(starts, index)];
      if (range && index >= range.startIndex && index < range.endIndex) end = Math.min(end, range.endIndex);
    }
    return text.slice(index, end);
  };
  const tree = parser.parse(read, null, ranges ? { includedRanges: ranges } : undefined);
  if (!tree) throw new Error('the Python parser returned no tree');
  return tree;
}

/** `parseWith` once the parser has loaded. */
export async function parsePython(text: string, ranges?: Range[]): Promise<Tree> {
  return parseWith(await getParser(), text, ranges);
}

/** The first syntax error in a tree as `line L, column C`, or null when it parses. */
export function firstSyntaxError(root: Node): { line: number; column: number } | null {
  if (!root.hasError) return null;
  const cursor = root.walk();
  try {
    for (;;) {
      const node = cursor.currentNode;
      if (node.isError || node.isMissing) {
        return { line: node.startPosition.row + 1, column: node.startPosition.column + 1 };
      }
      if (node.hasError && cursor.gotoFirstChild()) continue;
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) return { line: 1, column: 1 };
      }
    }
  } finally {
    cursor.delete();
  }
}

const IDENT_CHAR = /[\p{L}\p{N}_]/u;

/** Where in a text a tree was parsed from (a web-tree-sitter `Range` has these too). */
export interface Span {
  startIndex: number;
  endIndex: number;
}

/**
 * The smallest nodes covering each whole-word occurrence of `word` in the text: finding a handful
 * of known names this way costs far less than walking every node of a large tree. With `included`
 * (a focused tree's included ranges, in order), only the occurrences that start inside them are
 * looked up: no node starts anywhere else, and the rest of the file (about 30 times as much on the
 * bench tree) is not searched.
 */
export function nodesAtWord(root: Node, text: string, word: string, included: readonly Span[] | null = null): Node[] {
  const nodes: Node[] = [];
  // (each search starts after the last occurrence found, as one search of the whole text would)
  let from = 0;
  for (const span of included ?? [{ startIndex: 0, endIndex: text.length }]) {
    const lo = Math.max(from, span.startIndex);
    // the span's text and what a word starting before its end would take: searched alone, a
    // search does not run on through the text after it (a slice of a string is no copy)
    const part = text.slice(lo, Math.min(text.length, span.endIndex + word.length - 1));
    for (let k = part.indexOf(word); k !== -1; k = part.indexOf(word, from - lo)) {
      const i = lo + k;
      from = i + word.length;
      if (IDENT_CHAR.test(text[i - 1] ?? '') || IDENT_CHAR.test(text[i + word.length] ?? '')) continue;
      const node = root.descendantForIndex(i, i + word.length);
      if (node && node.startIndex === i && node.endIndex === i + word.length) nodes.push(node);
    }
  }
  return nodes;
}

/** A node's source in the original (unmasked) text. */
export function sourceOf(text: string, node: Node): string {
  return text.slice(node.startIndex, node.endIndex);
}
