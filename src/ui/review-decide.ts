import type { Decision, Site } from '../core/types.js';
import type { ReviewState } from './review-state.js';
import { allSites, canAccept, findSite, isOpen, nextOpen } from './review-order.js';
import { entries, filterWords, filtering, shownTest } from './review-view.js';
import { count } from '../core/count.js';

export const SUPER_MESSAGE = 'super().load_state_dict(...) forwards to torch: it is never rewritten.';

/**
 * Why `y`, `n` or `e` cannot act on the selection, if they cannot: the filters show nothing, or the
 * selection is a folded file's row (its sites are not on screen).
 */
export function notOnASite(s: ReviewState): string | null {
  const list = entries(s);
  const entry = list.find((e) => e.id === s.cursor);
  if (list.length === 0) return `The filter (${filterWords(s.filters, s.search)}) hides every site: Esc clears it.`;
  if (entry?.folded) return `${entry.path} is folded: z unfolds it; a and d decide its shown sites.`;
  return null;
}

/** `y`/`n` on the selected site, or the outcome of an edit (which is recorded on the site it was made on). */
export function decideOne(s: ReviewState, what: 'accept' | 'skip' | Decision): ReviewState {
  const site = findSite(s.plans, s.cursor)?.site;
  if (!site) return s;
  const refused = typeof what === 'string' ? notOnASite(s) : null;
  if (refused) return { ...s, message: refused };
  const current = s.decisions.get(site.id);
  if (what === 'skip') return record(s, [[site.id, { type: 'skipped' }]]);
  if (what !== 'accept') return record(s, [[site.id, what]]);
  if (site.kind === 'super') return { ...s, message: SUPER_MESSAGE };
  // Accepting an edited change keeps the edit.
  if (current?.type === 'edited') return record(s, [[site.id, current]]);
  if (!canAccept(site)) return { ...s, message: 'No rewrite to accept here: press e to write one.' };
  return record(s, [[site.id, { type: 'accepted' }]]);
}

/** Under a filter, what a bulk key says it acted on. */
function underFilter(s: ReviewState): string {
  return filtering(s.filters) ? ' shown; hidden ones stay as they were' : '';
}

/** `a`: accept the open sites of the selected file from the selection on (under a filter, its shown ones); decided ones (edits) stay. */
export function acceptRestOfFile(s: ReviewState): ReviewState {
  const rest = restOfFile(s).filter((site) => isOpen(site, s.decisions) && canAccept(site));
  if (rest.length === 0) return { ...s, message: `Nothing left to accept in this file${filtering(s.filters) ? ' among the shown sites' : ''}.` };
  return said(record(s, rest.map((site) => [site.id, { type: 'accepted' }])), `Accepted ${count(rest.length, 'change')}${underFilter(s)}.`, s);
}

/** `d`: skip the open sites of the selected file from the selection on (under a filter, its shown ones). */
export function skipRestOfFile(s: ReviewState): ReviewState {
  const rest = restOfFile(s).filter((site) => isOpen(site, s.decisions));
  if (rest.length === 0) return { ...s, message: `Nothing left to skip in this file${filtering(s.filters) ? ' among the shown sites' : ''}.` };
  return said(record(s, rest.map((site) => [site.id, { type: 'skipped' }])), `Skipped ${count(rest.length, 'change')}${underFilter(s)}.`, s);
}

/** `A`: accept every open site in every file, or under a filter every shown one (while scanning: those found so far, and it says so). */
export function acceptAll(s: ReviewState): ReviewState {
  const shown = shownTest(s);
  const open = s.plans.flatMap((plan) => plan.sites.filter((site) => shown(plan, site) && isOpen(site, s.decisions) && canAccept(site)));
  if (open.length === 0) {
    const filter = filtering(s.filters) ? ' among the shown sites' : '';
    return { ...s, message: s.scan.status === 'running' ? `Nothing left to accept${filter} so far; the scan is still running.` : `Nothing left to accept${filter}.` };
  }
  const next = record(s, open.map((site) => [site.id, { type: 'accepted' }]));
  const accepted = `Accepted ${count(open.length, 'change')}`;
  if (s.scan.status === 'running') {
    const filter = filtering(s.filters) ? ' among those shown; hidden ones stay as they were;' : ':';
    return { ...next, message: `${accepted} found so far${filter} the scan goes on, and later ones stay pending.` };
  }
  const words = `${accepted}${underFilter(s)}`;
  return { ...next, message: next.screen === 'summary' ? `${words}. ${CHOOSE_WRITE}` : next.message ? `${words}. ${next.message}` : `${words}.` };
}

/** A bulk step's own words, unless moving on had something to say (the summary, nothing left in view). */
function said(next: ReviewState, message: string, before: ReviewState): ReviewState {
  if (next.message && next.message !== before.message) return next.screen === 'summary' ? next : { ...next, message: `${message} ${next.message}` };
  return { ...next, message };
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
  const next = { ...s, decisions, history: s.history.slice(0, -1), cursor: step.cursor, screen: 'review' as const, scroll: 0 };
  const n = step.changes.length;
  const shown = shownTest(next);
  const byId = new Map(s.plans.flatMap((plan) => plan.sites.map((site) => [site.id, { plan, site }] as const)));
  const hidden = step.changes.filter(({ id }) => {
    const found = byId.get(id);
    return found && !shown(found.plan, found.site);
  }).length;
  const note = hidden > 0 ? ` (${hidden} of them hidden by the filter)` : '';
  return { ...next, message: n === 1 ? `Undone.${hidden ? ' It is hidden by the filter.' : ''}` : `Undone: ${n} decisions${note}.` };
}

/** The selected file's sites from the selection on that the filters show. */
function restOfFile(s: ReviewState): Site[] {
  const found = findSite(s.plans, s.cursor);
  if (!found || entries(s).length === 0) return [];
  const shown = shownTest(s);
  const sites = found.plan.sites;
  return sites.slice(sites.indexOf(found.site)).filter((site) => shown(found.plan, site));
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

/** After a decision: the next open site the list shows; the summary once none is left anywhere. */
function advance(state: ReviewState, decided: boolean): ReviewState {
  const s = { ...state, pinned: true };
  const listed = new Set(entries({ ...s, folded: new Set() }).filter((e) => !s.folded.has(e.path)).map((e) => e.id));
  const open = nextOpen(s.plans, s.decisions, s.cursor, (site) => listed.has(site.id));
  if (open) return { ...s, cursor: open, scroll: 0 };
  const elsewhere = allSites(s.plans).filter((site) => isOpen(site, s.decisions)).length;
  if (elsewhere > 0) {
    const where = filtering(s.filters) ? 'hidden (Esc clears the filter)' : 'in folded files (Z unfolds them)';
    return { ...s, message: `None pending is shown; ${elsewhere} ${where}.` };
  }
  if (s.scan.status === 'done') {
    // Deciding a site again (Enter held down) stays here: only the last new decision opens the summary.
    return decided ? openSummary(s, `Every change is decided. ${CHOOSE_WRITE}`) : { ...s, message: 'Every change is decided: w opens the summary.' };
  }
  const sites = allSites(s.plans).filter((site) => listed.has(site.id));
  const after = sites[sites.findIndex((site) => site.id === s.cursor) + 1];
  return { ...s, cursor: after?.id ?? s.cursor, scroll: 0 };
}

function sameDecision(a: Decision | undefined, b: Decision): boolean {
  if (!a || a.type !== b.type) return false;
  return a.type !== 'edited' || (b.type === 'edited' && a.text === b.text);
}
