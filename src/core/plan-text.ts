/**
 * A plan's file text, which a scan that printed no diff and wrote nothing let go of (see
 * `ScanOptions.keepText`): read again, and checked against the hash of what was planned.
 */
import { readFileSync } from 'node:fs';
import { decode, sha256 } from './text.js';
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
  return { ...structuredClone({ ...rest, text: null }), preamble, ...(helper ? { helper } : {}) };
}
