/** The review's steps that change what the list shows or where the cursor is, never a decision. Pure. */
import { count } from '../core/count.js';
import type { ReviewState } from './review-state.js';
import { KINDS, NO_FILTERS, entries, filterWords, filtering, searchMatches, shownPhrase, type Entry, type Filters } from './review-view.js';

const at = (s: ReviewState, cursor: string): ReviewState => ({ ...s, cursor, pinned: true, scroll: 0 });

/** `j`/`k`: the next or previous row the list shows (a folded file is one row). */
export function move(s: ReviewState, delta: number): ReviewState {
  const list = entries(s);
  const index = list.findIndex((e) => e.id === s.cursor);
  if (index < 0) return s;
  const target = list[Math.max(0, Math.min(list.length - 1, index + delta))] as Entry;
  return at(s, target.id);
}

export type Jump = 'first' | 'last' | 'next-file' | 'previous-file';

/** `g`/`G`: the first or last row shown; `]`/`[`: the first row of the next or previous file shown. */
export function jump(s: ReviewState, to: Jump): ReviewState {
  const list = entries(s);
  if (list.length === 0) return s;
  if (to === 'first') return at(s, (list[0] as Entry).id);
  if (to === 'last') return at(s, (list[list.length - 1] as Entry).id);
  const files = list.filter((e, i) => i === 0 || (list[i - 1] as Entry).path !== e.path);
  const current = files.findIndex((e) => e.path === list.find((x) => x.id === s.cursor)?.path);
  const target = files[current + (to === 'next-file' ? 1 : -1)];
  if (!target) return { ...s, message: to === 'next-file' ? 'This is the last file shown.' : 'This is the first file shown.' };
  return at(s, target.id);
}

/** `z`: folds the selected file into its row, or unfolds it. */
export function fold(s: ReviewState): ReviewState {
  const path = entries(s).find((e) => e.id === s.cursor)?.path;
  if (!path) return s;
  const folded = new Set(s.folded);
  if (!folded.delete(path)) folded.add(path);
  return { ...s, folded, pinned: true, scroll: 0 };
}

/** `Z`: folds every file, or unfolds them all when every file shown is folded. */
export function foldAll(s: ReviewState): ReviewState {
  const list = entries(s);
  if (list.length === 0) return s;
  const all = list.every((e) => e.folded);
  return { ...s, folded: all ? new Set() : new Set(s.plans.map((p) => p.path)), pinned: true, scroll: 0 };
}

function withFilters(s: ReviewState, filters: Filters): ReviewState {
  const next = { ...s, filters, pinned: true, scroll: 0 };
  if (!filtering(filters)) return { ...next, message: 'No filter: every site is listed.' };
  return { ...next, message: `Filter: ${filterWords(filters, s.search)} (${shownPhrase(next)}); a, d and A act on the shown sites.` };
}

/** `p`, `P`, `m`: only pending, only proposed, only the search's matches; the same key again lifts it. */
export function toggleFilter(s: ReviewState, which: 'pending' | 'proposed' | 'matches'): ReviewState {
  if (which === 'matches' && !s.filters.matches && !s.search?.text) return { ...s, message: 'm lists only the matches of a search: / starts one.' };
  return withFilters(s, { ...s.filters, [which]: !s.filters[which] });
}

/** `t`/`T`: the kind filter, through the kinds the project has, then none. */
export function cycleKind(s: ReviewState, delta: 1 | -1): ReviewState {
  const present = new Set(s.plans.flatMap((p) => p.sites.map((site) => site.kind)));
  const cycle = [null, ...KINDS.filter((k) => present.has(k))];
  const index = cycle.indexOf(s.filters.kind);
  const kind = cycle[(index + delta + cycle.length) % cycle.length] ?? null;
  return withFilters(s, { ...s.filters, kind });
}

/** Esc: clears the search; with none, the filters; with neither, null: Esc quits. */
export function escape(s: ReviewState): ReviewState | null {
  if (s.search) return { ...clearSearch(s), message: 'Search cleared.' };
  if (filtering(s.filters)) return withFilters(s, NO_FILTERS);
  return null;
}

/** `/`: a new search; the prompt takes the keys until Enter or Esc. */
export function startSearch(s: ReviewState): ReviewState {
  return { ...s, search: { text: '', typing: true } };
}

export function editSearch(s: ReviewState, text: (before: string) => string): ReviewState {
  return s.search?.typing ? { ...s, search: { ...s.search, text: text(s.search.text) } } : s;
}

export function clearSearch(s: ReviewState): ReviewState {
  return { ...s, search: null, filters: { ...s.filters, matches: false } };
}

/** Enter in the prompt: the search stays, and the cursor goes to the nearest match from the selected site on. */
export function submitSearch(s: ReviewState): ReviewState {
  if (!s.search?.typing) return s;
  if (!s.search.text) return { ...clearSearch(s), message: 'Search cleared.' };
  return stepSearch({ ...s, search: { ...s.search, typing: false } }, 0);
}

/** Tab / Shift-Tab: the next or previous match (0: the selected site if it matches), unfolding its file. */
export function stepSearch(s: ReviewState, delta: -1 | 0 | 1): ReviewState {
  const text = s.search?.text;
  if (!text) return { ...s, message: 'No search: / starts one.' };
  const { ids, hidden } = searchMatches(s);
  const hiddenNote = hidden > 0 ? ` (${hidden} more hidden by the filter)` : '';
  if (ids.length === 0) return { ...s, message: `Nothing shown matches "${text}"${hiddenNote}.` };
  const order = new Map(s.plans.flatMap((p) => p.sites).map((site, i) => [site.id, i] as const));
  const here = order.get(s.cursor ?? '') ?? -1;
  const position = (id: string) => order.get(id) ?? 0;
  let index: number;
  if (delta === 1) index = ids.findIndex((id) => position(id) > here);
  else if (delta === -1) index = lastIndex(ids, (id) => position(id) < here);
  else index = ids.findIndex((id) => position(id) >= here);
  const wrapped = index < 0;
  if (wrapped) index = delta === -1 ? ids.length - 1 : 0;
  const id = ids[index] as string;
  const path = s.plans.find((p) => p.sites.some((site) => site.id === id))?.path;
  const folded = path && s.folded.has(path) ? new Set([...s.folded].filter((f) => f !== path)) : s.folded;
  const where = `match ${index + 1}/${ids.length}${wrapped && delta !== 0 ? (delta === 1 ? ', from the top' : ', from the bottom') : ''}`;
  const keys = delta === 0 ? ' · Tab/Shift-Tab: next/previous (n still skips)' : '';
  return { ...at(s, id), folded, message: `"${text}": ${count(ids.length, 'match', 'matches')}${hiddenNote} · ${where}${keys}` };
}

function lastIndex<T>(items: readonly T[], test: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (test(items[i] as T)) return i;
  return -1;
}
