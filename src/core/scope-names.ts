/**
 * Which names a scope already uses, for naming its rewrites. A function or class is read from the
 * tree, once the tree holds every statement of it that writes the name (a focused tree that lacks
 * one notes it in `Coverage`, and the planner parses again with it); the module from its bindings,
 * where a statement the focused parse skipped that may bind the name counts as using it.
 */
import { bindingOffsets } from './binding-words.js';
import { moduleBindings } from './bindings.js';
import type { Coverage } from './evidence/tree.js';
import type { Node } from './parser.js';
import { PRIVATE_PREFIX, preambleNames } from './preamble-source.js';
import { BUILTINS, KEYWORDS } from './python-names.js';
import type { ScanOptions } from './types.js';
import { AnchoredWords } from './words.js';
import { parentOf } from './tree-parent.js';

export interface ScopeLookup {
  /** Whether `name` (`x`, or `self.x`) is already used in a scope, or may not be assigned at all. */
  usedIn(scope: Node | null): (name: string) => boolean;
  /** The numbers `n` for which a scope already uses `own_n`. */
  numbersIn(scope: Node | null): (own: string) => number[];
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The class a method belongs to, where `self.x` is set and read; else the function itself. */
function selfScope(scope: Node): Node {
  for (let n = parentOf(scope); n; n = parentOf(n)) {
    if (n.type === 'class_definition') return n;
    if (n.type === 'function_definition') return scope;
  }
  return scope;
}

/** The identifier the tree holds exactly at [at, end), or null. */
function identifierAt(root: Node, at: number, end: number): Node | null {
  const node = root.descendantForIndex(at, end);
  return node && node.type === 'identifier' && node.startIndex === at && node.endIndex === end ? node : null;
}

/** True when an identifier is a name its scope reads or binds: not an attribute's or a keyword argument's (`x.name`, `f(name=1)`). */
function isName(node: Node): boolean {
  const parent = parentOf(node);
  if (parent?.type === 'attribute' && parent.childForFieldName('attribute')?.startIndex === node.startIndex) return false;
  return !(parent?.type === 'keyword_argument' && parent.childForFieldName('name')?.startIndex === node.startIndex);
}

/** True when an identifier is the attribute of `self.<it>`. */
function isSelfAttribute(node: Node): boolean {
  const parent = parentOf(node);
  return parent?.type === 'attribute' && parent.childForFieldName('attribute')?.startIndex === node.startIndex && parent.childForFieldName('object')?.text === 'self';
}

/**
 * The words of a function or class (nested scopes included) that it reads or binds as names (or,
 * `self`, its `self.<attribute>`s): `word`, or with `numbered` each `word_N`. Found in the text and
 * asked of the tree, rather than listing every identifier of the scope. Each place the word is
 * written, to the end the lexer gives the scope (a focused tree may end it early), is asked of
 * `coverage` first: the tree then holds every use of it, and what the tree says of the name is what
 * the whole file's would.
 */
function wordsIn(text: string, found: AnchoredWords, root: Node, scope: Node, word: string, self: boolean, coverage: Coverage | undefined, numbered = false): Set<string> {
  const seenTo = coverage ? (coverage.definitionEnd(scope.startIndex) ?? scope.endIndex) : -1;
  const words = new Set<string>();
  for (const [at, end] of found.spans(word, scope.startIndex, Math.max(seenTo, scope.endIndex), numbered)) {
    if (at < seenTo) coverage?.seen(at);
    if (at >= scope.endIndex) continue;
    const node = identifierAt(root, at, end);
    if (node && (self ? isSelfAttribute(node) : isName(node))) words.add(text.slice(at, end));
  }
  return words;
}

/** `f` with each argument's answer kept. */
function remembered<T>(f: (key: string) => T): (key: string) => T {
  const answers = new Map<string, T>();
  return (key) => {
    if (!answers.has(key)) answers.set(key, f(key));
    return answers.get(key) as T;
  };
}

/**
 * `anchor`: what the names asked about share (naming.ts `nameAnchor`: `variables` in
 * `model_variables`), found once in the text.
 */
export function scopeNames(text: string, root: Node, imports: readonly Node[], mapper: ScanOptions['mapper'], anchor: string, coverage?: Coverage): ScopeLookup {
  const found = new AnchoredWords(text, anchor);
  const reserved = preambleNames(mapper);
  const forbidden = (name: string) => KEYWORDS.has(name) || BUILTINS.has(name) || reserved.has(name) || name.startsWith(PRIVATE_PREFIX);
  // module-level answers search the whole text: each is found once per file, not once per site asking
  const moduleUses = remembered((name: string): boolean => {
    const offsets = bindingOffsets(text, [name]).get(name) ?? [];
    for (const at of offsets) {
      const node = root.descendantForIndex(at, at + name.length);
      // outside what the focused parse read: it may bind the name
      if (!node || node.id === root.id || node.type === 'ERROR') return true;
    }
    return (moduleBindings(root, imports, new Map([[name, offsets]])).get(name) ?? []).length > 0;
  });
  /** At module level `self.x` is an attribute of some object named `self`: found in the text. */
  const inText = remembered((name: string) => new RegExp(`(?<![\\p{L}\\p{N}_.])${escape(name)}(?![\\p{L}\\p{N}_])`, 'u').test(text));
  const moduleNumbered = remembered((stem: string) => [...text.matchAll(new RegExp(`(?<![\\p{L}\\p{N}_])${escape(stem)}_\\d+(?![\\p{L}\\p{N}_])`, 'gu'))].map((m) => m[0]));
  return {
    usedIn: (scope) => (name) => {
      if (name.startsWith('self.')) {
        const attr = name.slice(5);
        return scope ? wordsIn(text, found, root, selfScope(scope), attr, true, coverage).size > 0 : inText(name);
      }
      if (forbidden(name)) return true;
      return scope ? wordsIn(text, found, root, scope, name, false, coverage).size > 0 : moduleUses(name);
    },
    numbersIn: (scope) => (own) => {
      const self = own.startsWith('self.');
      const stem = self ? own.slice(5) : own;
      const pattern = new RegExp(`^${escape(stem)}_(\\d+)$`);
      const words = scope ? [...wordsIn(text, found, root, self ? selfScope(scope) : scope, stem, self, coverage, true)] : moduleNumbered(stem);
      return words.flatMap((w) => {
        const m = pattern.exec(w);
        return m ? [Number(m[1])] : [];
      });
    },
  };
}
