/**
 * A plan's file text, which a scan that printed no diff and wrote nothing let go of (see
 * `ScanOptions.keepText`): read again, and checked against the hash of what was planned.
 */
import { readFileSync } from 'node:fs';
import { decode, ownCopy, sha256 } from './text.js';
import type { FilePlan } from './types.js';

/** The file no longer has the bytes its plan was made from (read again for its text, or just before a write's rename). */
export class ChangedSinceScan extends Error {
  constructor(path: string) {
    super(`${path}: changed on disk since the scan`);
    this.name = 'ChangedSinceScan';
  }
}

/** The plan's text; read again when it was let go (throws `ChangedSinceScan` when the bytes are not those planned). */
export function planText(plan: FilePlan): string {
  if (plan.text !== null) return plan.text;
  const bytes = readFileSync(plan.absPath);
  if (sha256(bytes) !== plan.hash) throw new ChangedSinceScan(plan.path);
  return decode(bytes).text;
}

/**
 * The plan without its text, and without any string that still points into it (V8 keeps a whole
 * string alive for each slice cut from it: a site's receiver would hold its file's text): a copy.
 * The preamble stays as it is, shared by every plan (`placePreamble` copies what it cuts).
 */
export function withoutText(plan: FilePlan): FilePlan {
  if (plan.notebook || plan.text === null) return plan;
  const { preamble, helper, ...rest } = plan;
  return { ...detached({ ...rest, text: null }, new Map()), preamble, ...(helper ? { helper } : {}) };
}

/**
 * V8 makes a slice or a concatenation only of 13 characters or more (`SlicedString::kMinLength`,
 * `ConsString::kMinLength`): a shorter string is a copy of its own and holds nothing else alive.
 */
const SHORTEST_SLICE = 13;

/**
 * A copy of a plan's data (plain objects, arrays, strings, numbers) in which no string is a slice
 * of another: strings of 13 characters or more are copied, each once however often the plan names
 * it (its path in every clue), the shorter ones kept as they are (`type`, a rule's name: shared by
 * every plan). Objects are spread from the originals, so they keep their shapes with their fields
 * in place. structuredClone did the same but copied every string each time it occurred and made
 * objects with their fields out of line: plans cost a third more (`withoutText` runs on every plan
 * that `--json` and `--check` keep to the end).
 */
function detached<T>(value: T, copies: Map<string, string>): T {
  if (typeof value === 'string') {
    if (value.length < SHORTEST_SLICE) return value;
    let copy = copies.get(value);
    if (copy === undefined) copies.set((copy = ownCopy(value)), copy);
    return copy as T;
  }
  if (Array.isArray(value)) return value.map((item: unknown) => detached(item, copies)) as T;
  if (value === null || typeof value !== 'object') return value;
  const copy = { ...value } as Record<string, unknown>;
  for (const key of Object.keys(copy)) copy[key] = detached(copy[key], copies);
  return copy as T;
}
