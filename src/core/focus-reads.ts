/**
 * What the receiver evidence will read next, guessed from a binding's text: the focused parse keeps
 * those statements up front, so that the evidence seldom asks for more (`Coverage`, then a second
 * parse). A guess only: a wrong one costs a parse, never a wrong plan.
 */
import { RETURNS_SELF } from './evidence/known.js';

/** A name the evidence follows: a plain name in its scope, `self.<name>` in the class, or what the method `self.<name>()` returns. */
export type Read = { type: 'name' | 'attribute' | 'method'; name: string };

const KEYWORDS = new Set(['None', 'True', 'False', 'and', 'or', 'not', 'in', 'is', 'if', 'else', 'lambda', 'for', 'await', 'yield']);
/** A dotted chain, and whether it is called: `copy.deepcopy(`, `self.model`, `net`. */
const CHAIN = /(?<![\p{L}\p{N}_.])([\p{L}_][\p{L}\p{N}_]*)((?:\s*\.\s*[\p{L}_][\p{L}\p{N}_]*)*)(\s*\()?(\s*=(?!=))?/gu;

/** The offset of the statement's first `=` that assigns (not `==`, `<=`, `>=`, `!=`, `=>` or a keyword argument's), outside brackets; -1 if none. */
function assignmentAt(line: string): number {
  let depth = 0;
  for (let k = 0; k < line.length; k++) {
    const c = line[k];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === '#') return -1;
    else if (c === '"' || c === "'") return -1; // a string before any `=`: not worth reading
    else if (c === '=' && depth === 0 && line[k + 1] !== '=' && !'=<>!:'.includes(line[k - 1] ?? '')) return k;
  }
  return -1;
}

/**
 * The value a binding at `at` (an offset in `line`, the statement's text) gives its target: the
 * right side of an assignment, the iterable of a `for`, the items of a `with`; null when `at` is
 * not a target there.
 */
export function boundValue(line: string, at: number): string | null {
  const eq = assignmentAt(line);
  if (eq > at) return line.slice(eq + 1);
  if (!/^\s*(?:async\s+)?(?:for|with)\s/.test(line)) return null;
  const loop = /^\s*(?:async\s+)?for\s([^\n]*?)\sin\s([^\n]*)/.exec(line);
  if (loop && at < (loop[1]?.length ?? 0) + line.indexOf(loop[1] ?? '')) return loop[2] ?? null;
  const items = /^\s*(?:async\s+)?with\s([^\n]*)/.exec(line);
  if (items && at > line.indexOf(' as ')) return items[1] ?? null;
  return null;
}

/** What reading `value` (a bound value's text) leads the evidence to: the names, `self` attributes and methods it may follow. */
export function readsOf(value: string, self: string | undefined): Read[] {
  const reads: Read[] = [];
  for (const m of value.matchAll(CHAIN)) {
    const [, root = '', rest = '', call, keyword] = m;
    if (keyword || KEYWORDS.has(root)) continue;
    const attrs = rest.split('.').map((a) => a.trim()).filter(Boolean);
    const last = attrs[attrs.length - 1] ?? root;
    if (root === self && attrs[0]) {
      if (call && attrs.length === 1) reads.push({ type: 'method', name: attrs[0] });
      else if (!call || RETURNS_SELF.has(last)) reads.push({ type: 'attribute', name: attrs[0] });
      continue;
    }
    // a call says what it makes by its name (a class or factory), unless it hands on its object
    // (`net.to(dev)`); the arguments a call hands on (`copy.deepcopy(net)`) are chains of their own
    if (!call || (attrs.length > 0 && RETURNS_SELF.has(last))) reads.push({ type: 'name', name: root });
  }
  return reads;
}
