import type { WriteResult, WriteStatus } from './types.js';

/** `3 written · 1 refused · 0 errors`, and `· 2 not written` when a run stopped before some files. Shared by --yes and the review. */
export function writeCounts(results: readonly WriteResult[]): string {
  const n = (status: WriteStatus) => results.filter((r) => r.status === status).length;
  const parts = [`${n('written')} written`, `${n('refused')} refused`, `${n('error')} error${n('error') === 1 ? '' : 's'}`];
  if (n('not-written')) parts.push(`${n('not-written')} not written`);
  return parts.join(' · ');
}
