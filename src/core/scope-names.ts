/**
 * Which names a scope already uses, for naming its rewrites. A function or class is read from the
 * tree, once the tree holds every statement of it that writes the name (a focused tree that lacks
 * one notes it in `Coverage`, and the planner parses again with it); the module from its bindings,
 * where a statement the focused parse skipped that may bind the name counts as using it.
 */
import { bindingOffsets } from './binding-words.js';
import { moduleBindings } from './bindings.js';
import { namesIn, type ScopeNames } from './naming.js';
import type { Coverage } from './evidence/tree.js';
import type { Node } from './parser.js';
import { PRIVATE_PREFIX, preambleNames } from './preamble-source.js';
import { BUILTINS, KEYWORDS } from './python-names.js';
import type { ScanOptions } from './types.js';

export interface ScopeLookup {
  /** Whether `name` (`x`, or `self.x`) is already used in a scope, or may not be assigned at all. */
  usedIn(scope: Node | null): (name: string) => boolean;
  /** The numbers `n` for which a scope already uses `own_n`. */
  numbersIn(scope: Node | null): (own: string) => number[];
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The class a method belongs to, where `self.x` is set and read; else the function itself. */
function selfScope(scope: Node): Node {
  for (let n = scope.parent; n; n = n.parent) {
    if (n.type === 'class_definition') return n;
    if (n.type === 'function_definition') return scope;
  }
  return scope;
}

/**
 * Asks `coverage` for each statement of a function or class (to the end the lexer gives it: a
 * focused tree may end it early) where `word` (or `word_N`, `numbered`) is written: the tree then
 * holds every use of it, and what the tree says of the name is what the whole file's would.
 */
function needWord(text: string, node: Node, word: string, coverage: Coverage | undefined, numbered = false): void {
  if (!coverage) return;
  const end = coverage.definitionEnd(node.startIndex) ?? node.endIndex;
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}_])${escape(word)}${numbered ? '_\\d+' : ''}(?![\\p{L}\\p{N}_])`, 'gu');
  pattern.lastIndex = node.startIndex;
  for (let m = pattern.exec(text); m && m.index < end; m = pattern.exec(text)) coverage.seen(m.index);
}

/** `f` with each argument's answer kept. */
function remembered<T>(f: (key: string) => T): (key: string) => T {
  const answers = new Map<string, T>();
  return (key) => {
    if (!answers.has(key)) answers.set(key, f(key));
    return answers.get(key) as T;
  };
}

export function scopeNames(text: string, root: Node, imports: readonly Node[], mapper: ScanOptions['mapper'], coverage?: Coverage): ScopeLookup {
  const reserved = preambleNames(mapper);
  const forbidden = (name: string) => KEYWORDS.has(name) || BUILTINS.has(name) || reserved.has(name) || name.startsWith(PRIVATE_PREFIX);
  const cache = new Map<number, ScopeNames>();
  const namesOf = (node: Node) => {
    let found = cache.get(node.id);
    if (!found) cache.set(node.id, (found = namesIn(text, node)));
    return found;
  };
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
        if (scope) needWord(text, selfScope(scope), attr, coverage);
        return scope ? namesOf(selfScope(scope)).selfAttributes.has(attr) : inText(name);
      }
      if (forbidden(name)) return true;
      if (scope) needWord(text, scope, name, coverage);
      return scope ? namesOf(scope).names.has(name) : moduleUses(name);
    },
    numbersIn: (scope) => (own) => {
      const self = own.startsWith('self.');
      const stem = self ? own.slice(5) : own;
      const pattern = new RegExp(`^${escape(stem)}_(\\d+)$`);
      if (scope) needWord(text, self ? selfScope(scope) : scope, stem, coverage, true);
      const words = scope
        ? [...(self ? namesOf(selfScope(scope)).selfAttributes : namesOf(scope).names)]
        : moduleNumbered(stem);
      return words.flatMap((w) => {
        const m = pattern.exec(w);
        return m ? [Number(m[1])] : [];
      });
    },
  };
}
