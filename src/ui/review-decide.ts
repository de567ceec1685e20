import type { Decision, Site } from '../core/types.js';
import type { ReviewState } from './review-state.js';
import { allSites, canAccept, findSite, isOpen, nextOpen } from './review-order.js';
import { count } from '../core/count.js';

export const SUPER_MESSAGE = 'super().load_state_dict(...) forwards to torch: it is never rewritten.';

/** `y`/`n` on the selected site, or the outcome of an edit. */
export function decideOne(s: ReviewState, what: 'accept' | 'skip' | Decision): ReviewState {
  const site = findSite(s.plans, s.cursor)?.site;
  if (!site) return s;
  const current = s.decisions.get(site.id);
  if (what === 'skip') return record(s, [[site.id, { type: 'skipped' }]]);
  if (what !== 'accept') return record(s, [[site.id, what]]);
  if (site.kind === 'super') return { ...s, message: SUPER_MESSAGE };
  // Accepting an edited change keeps the edit.
  if (current?.type === 'edited') return record(s, [[site.id, current]]);
  if (!canAccept(site)) return { ...s, message: 'No rewrite to accept here: press e to write one.' };
  return record(s, [[site.id, { type: 'accepted' }]]);
}

/** `a`: accept the open sites of the selected file from the selection on; decided ones (edits) stay. */
export function acceptRestOfFile(s: ReviewState): ReviewState {
  const rest = restOfFile(s).filter((site) => isOpen(site, s.decisions) && canAccept(site));
  if (rest.length === 0) return { ...s, message: 'Nothing left to accept in this file.' };
  return record(s, rest.map((site) => [site.id, { type: 'accepted' }]));
}

/** `d`: skip the open sites of the selected file from the selection on. */
export function skipRestOfFile(s: ReviewState): ReviewState {
  const rest = restOfFile(s).filter((site) => isOpen(site, s.decisions));
  if (rest.length === 0) return { ...s, message: 'Nothing left to skip in this file.' };
  return record(s, rest.map((site) => [site.id, { type: 'skipped' }]));
}

/** `A`: accept every open site in every file (while scanning: in every file found so far, and it says so). */
export function acceptAll(s: ReviewState): ReviewState {
  const open = allSites(s.plans).filter((site) => isOpen(site, s.decisions) && canAccept(site));
  if (open.length === 0) return { ...s, message: s.scan.status === 'running' ? 'Nothing left to accept so far; the scan is still running.' : 'Nothing left to accept.' };
  const next = record(s, open.map((site) => [site.id, { type: 'accepted' }]));
  const accepted = `Accepted ${count(open.length, 'change')}`;
  if (s.scan.status === 'running') return { ...next, message: `${accepted} found so far: the scan goes on, and later ones stay pending.` };
  return { ...next, message: next.screen === 'summary' ? `${accepted}. ${CHOOSE_WRITE}` : `${accepted}.` };
}

const CHOOSE_WRITE = 'w: choose Write · Enter: back to the review';

/** Opens the summary without the reviewer asking: on "Back to the review", not armed (see ReviewState.writeArmed). */
export function openSummary(s: ReviewState, message: string): ReviewState {
  return { ...s, screen: 'summary', scroll: 0, gitModified: null, writeRequested: false, menu: 1, writeArmed: false, message };
}

/** `u`: take back the last decision step, wherever it was, and select its site again. */
export function undo(s: ReviewState): ReviewState {
  const step = s.history[s.history.length - 1];
  if (!step) return { ...s, message: 'Nothing to undo.' };
  const decisions = new Map(s.decisions);
  for (const { id, before } of step.changes) {
    if (before) decisions.set(id, before);
    else decisions.delete(id);
  }
  const count = step.changes.length;
  return {
    ...s,
    decisions,
    history: s.history.slice(0, -1),
    cursor: step.cursor,
    screen: 'review',
    scroll: 0,
    message: count === 1 ? 'Undone.' : `Undone: ${count} decisions.`,
  };
}

function restOfFile(s: ReviewState): Site[] {
  const found = findSite(s.plans, s.cursor);
  if (!found) return [];
  const sites = found.plan.sites;
  return sites.slice(sites.indexOf(found.site));
}

/**
 * Applies decisions as one undo step, then moves to the next open site. When that step decided the
 * last open site of a finished scan, the summary opens (by itself: see openSummary).
 */
function record(s: ReviewState, entries: Array<[string, Decision]>): ReviewState {
  const changed = entries.filter(([id, decision]) => !sameDecision(s.decisions.get(id), decision));
  let next = s;
  if (changed.length > 0 && s.cursor) {
    const decisions = new Map(s.decisions);
    for (const [id, decision] of changed) decisions.set(id, decision);
    const step = { changes: changed.map(([id]) => ({ id, before: s.decisions.get(id) })), cursor: s.cursor };
    next = { ...s, decisions, history: [...s.history, step] };
  }
  return advance(next, next !== s);
}

function advance(state: ReviewState, decided: boolean): ReviewState {
  const s = { ...state, pinned: true };
  const open = nextOpen(s.plans, s.decisions, s.cursor);
  if (open) return { ...s, cursor: open, scroll: 0 };
  if (s.scan.status === 'done') {
    // Deciding a site again (Enter held down) stays here: only the last new decision opens the summary.
    return decided ? openSummary(s, `Every change is decided. ${CHOOSE_WRITE}`) : { ...s, message: 'Every change is decided: w opens the summary.' };
  }
  const sites = allSites(s.plans);
  const after = sites[sites.findIndex((site) => site.id === s.cursor) + 1];
  return { ...s, cursor: after?.id ?? s.cursor, scroll: 0 };
}

function sameDecision(a: Decision | undefined, b: Decision): boolean {
  if (!a || a.type !== b.type) return false;
  return a.type !== 'edited' || (b.type === 'edited' && a.text === b.text);
}
