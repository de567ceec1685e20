/** The review's steps that change what the list shows or where the cursor is, never a decision. Pure. */
import { count } from '../core/count.js';
import { SITE_KINDS } from '../core/types.js';
import type { ReviewState } from './review-state.js';
import { NO_FILTERS, entries, filterWords, filtering, searchMatches, shownPhrase, type Entry, type Filters } from './review-view.js';

/** The reducer's actions that change what the list shows, or where the cursor is on it. */
export type BrowseAction =
  | { type: 'move'; delta: number }
  | { type: 'jump'; to: Jump }
  | { type: 'fold' | 'fold-all' | 'escape' }
  | { type: 'filter'; filter: 'pending' | 'proposed' | 'matches' }
  | { type: 'filter-kind'; delta: 1 | -1 }
  | { type: 'search-start' | 'search-submit' | 'search-clear' | 'search-erase' }
  | { type: 'search-type'; text: string }
  | { type: 'search-step'; delta: 1 | -1 };

/** Every BrowseAction type (the compiler checks that none is missing). */
const TYPES: Record<BrowseAction['type'], true> = {
  move: true, jump: true, fold: true, 'fold-all': true, escape: true, filter: true, 'filter-kind': true,
  'search-start': true, 'search-submit': true, 'search-clear': true, 'search-erase': true, 'search-type': true, 'search-step': true,
};

export function isBrowse(action: { type: string }): action is BrowseAction {
  return Object.hasOwn(TYPES, action.type);
}

/** One browse step; null for Esc with nothing to clear (then it quits). */
export function browse(s: ReviewState, action: BrowseAction): ReviewState | null {
  switch (action.type) {
    case 'move':
      return move(s, action.delta);
    case 'jump':
      return jump(s, action.to);
    case 'fold':
      return fold(s);
    case 'fold-all':
      return foldAll(s);
    case 'filter':
      return toggleFilter(s, action.filter);
    case 'filter-kind':
      return cycleKind(s, action.delta);
    case 'escape':
      return escape(s);
    case 'search-start':
      return { ...s, search: { text: '', typing: true } };
    case 'search-type':
      return editSearch(s, (text) => text + action.text);
    case 'search-erase':
      return editSearch(s, (text) => [...text].slice(0, -1).join(''));
    case 'search-submit':
      return submitSearch(s);
    case 'search-clear':
      return { ...clearSearch(s), message: 'Search cleared.' };
    case 'search-step':
      return stepSearch(s, action.delta);
  }
}

const at = (s: ReviewState, cursor: string): ReviewState => ({ ...s, cursor, pinned: true, scroll: 0 });

/** `j`/`k`: the next or previous row the list shows (a folded file is one row). */
function move(s: ReviewState, delta: number): ReviewState {
  const list = entries(s);
  const index = list.findIndex((e) => e.id === s.cursor);
  if (index < 0) return s;
  const target = list[Math.max(0, Math.min(list.length - 1, index + delta))] as Entry;
  return at(s, target.id);
}

export type Jump = 'first' | 'last' | 'next-file' | 'previous-file';

/** `g`/`G`: the first or last row shown; `]`/`[`: the first row of the next or previous file shown. */
function jump(s: ReviewState, to: Jump): ReviewState {
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
function fold(s: ReviewState): ReviewState {
  const path = entries(s).find((e) => e.id === s.cursor)?.path;
  if (!path) return s;
  const folded = new Set(s.folded);
  if (!folded.delete(path)) folded.add(path);
  return { ...s, folded, pinned: true, scroll: 0 };
}

/** `Z`: folds every file, or unfolds them all when every file shown is folded. */
function foldAll(s: ReviewState): ReviewState {
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
function toggleFilter(s: ReviewState, which: 'pending' | 'proposed' | 'matches'): ReviewState {
  if (which === 'matches' && !s.filters.matches && !s.search?.text) return { ...s, message: 'm lists only the matches of a search: / starts one.' };
  return withFilters(s, { ...s.filters, [which]: !s.filters[which] });
}

/** `t`/`T`: the kind filter, through the kinds the project has, then none. */
function cycleKind(s: ReviewState, delta: 1 | -1): ReviewState {
  const present = new Set(s.plans.flatMap((p) => p.sites.map((site) => site.kind)));
  const cycle = [null, ...SITE_KINDS.filter((k) => present.has(k))];
  const index = cycle.indexOf(s.filters.kind);
  const kind = cycle[(index + delta + cycle.length) % cycle.length] ?? null;
  return withFilters(s, { ...s.filters, kind });
}

/** Esc: clears the search; with none, the filters; with neither, null: Esc quits. */
function escape(s: ReviewState): ReviewState | null {
  if (s.search) return { ...clearSearch(s), message: 'Search cleared.' };
  if (filtering(s.filters)) return withFilters(s, NO_FILTERS);
  return null;
}

/** Typing in the search prompt, while it is open. */
function editSearch(s: ReviewState, text: (before: string) => string): ReviewState {
  return s.search?.typing ? { ...s, search: { ...s.search, text: text(s.search.text) } } : s;
}

function clearSearch(s: ReviewState): ReviewState {
  return { ...s, search: null, filters: { ...s.filters, matches: false } };
}

/** Enter in the prompt: the search stays, and the cursor goes to the nearest match from the selected site on. */
function submitSearch(s: ReviewState): ReviewState {
  if (!s.search?.typing) return s;
  if (!s.search.text) return { ...clearSearch(s), message: 'Search cleared.' };
  return stepSearch({ ...s, search: { ...s.search, typing: false } }, 0);
}

/** Tab / Shift-Tab: the next or previous match (0: the selected site if it matches), unfolding its file. */
function stepSearch(s: ReviewState, delta: -1 | 0 | 1): ReviewState {
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
