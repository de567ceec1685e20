/**
 * What the review's list shows: the filters, the search and the folded files. A filter hides rows,
 * never decisions; a fold only hides a file's rows behind its header. Pure.
 */
import type { Decisions, FilePlan, Site, SiteKind } from '../core/types.js';
import { count } from '../core/count.js';

/** The list's filters: each hides the sites it does not let through. */
export interface Filters {
  /** Only sites that wait for a decision (proposed, undecided). */
  pending: boolean;
  /** Only proposed sites, decided or not. */
  proposed: boolean;
  kind: SiteKind | null;
  /** Only the search's matches. */
  matches: boolean;
}

export const NO_FILTERS: Filters = { pending: false, proposed: false, kind: null, matches: false };

/** The `/` search: its text, and whether the prompt is still taking keys. */
export interface Search {
  text: string;
  typing: boolean;
}

/** The part of the review's state the list is made from. */
export interface ListState {
  plans: readonly FilePlan[];
  decisions: Decisions;
  cursor: string | null;
  filters: Filters;
  search: Search | null;
  folded: ReadonlySet<string>;
}

type SiteTest = (plan: FilePlan, site: Site) => boolean;

export function filtering(filters: Filters): boolean {
  return filters.pending || filters.proposed || filters.kind !== null || filters.matches;
}

/**
 * What the search reads of a site: its path, its receiver and its statement as the file has it, one
 * per line (a pattern never spans two), and the same lowercased; kept per site, since plans never change.
 */
const haystacks = new WeakMap<Site, { text: string; lower: string }>();

function haystack(plan: FilePlan, site: Site): { text: string; lower: string } {
  let found = haystacks.get(site);
  if (!found) {
    const source = plan.text ? plan.text.slice(site.lines.start, site.lines.end) : site.original;
    const text = `${plan.path}\n${site.receiver}\n${source}`;
    found = { text, lower: text.toLowerCase() };
    haystacks.set(site, found);
  }
  return found;
}

/** Plain text, smart case: a pattern with a capital letter matches case and all; null for no pattern. */
export function matcher(text: string | undefined): SiteTest | null {
  if (!text) return null;
  if (text !== text.toLowerCase()) return (plan, site) => haystack(plan, site).text.includes(text);
  return (plan, site) => haystack(plan, site).lower.includes(text);
}

/** Whether the filters let a site through. */
export function shownTest({ filters, search, decisions }: Pick<ListState, 'filters' | 'search' | 'decisions'>): SiteTest {
  const matches = filters.matches ? matcher(search?.text) : null;
  return (plan, site) =>
    (!filters.pending || (site.proposed && !decisions.has(site.id))) &&
    (!filters.proposed || site.proposed) &&
    (filters.kind === null || site.kind === filters.kind) &&
    (matches === null || matches(plan, site));
}

/** A row the cursor can be on: a site, or a folded file's header (which stands for its first shown site). */
export interface Entry {
  id: string;
  path: string;
  folded: boolean;
}

/** The rows the cursor moves over, top to bottom. */
export function entries(state: ListState): Entry[] {
  const shown = shownTest(state);
  const out: Entry[] = [];
  for (const plan of state.plans) {
    const folded = state.folded.has(plan.path);
    for (const site of plan.sites) {
      if (!shown(plan, site)) continue;
      out.push({ id: site.id, path: plan.path, folded });
      if (folded) break;
    }
  }
  return out;
}

/**
 * The cursor on a row the list shows: where filters hide its site, the nearest row after it (else
 * before it); inside a folded file, that file's row. Unchanged when the list shows nothing.
 */
export function settledCursor(state: ListState): string | null {
  const list = entries(state);
  if (list.length === 0 || list.some((e) => e.id === state.cursor)) return state.cursor;
  const order = new Map<string, number>();
  let path: string | null = null;
  for (const plan of state.plans) {
    for (const site of plan.sites) {
      order.set(site.id, order.size);
      if (site.id === state.cursor) path = plan.path;
    }
  }
  const own = list.find((e) => e.folded && e.path === path);
  if (own) return own.id;
  const at = order.get(state.cursor ?? '') ?? -1;
  return (list.find((e) => (order.get(e.id) ?? 0) > at) ?? list[list.length - 1])?.id ?? state.cursor;
}

/** The shown sites the search matches, in list order (folded files included), with where the cursor is among them. */
export function searchMatches(state: ListState): { ids: string[]; hidden: number } {
  const match = matcher(state.search?.text);
  if (!match) return { ids: [], hidden: 0 };
  const shown = shownTest(state);
  const ids: string[] = [];
  let hidden = 0;
  for (const plan of state.plans) {
    for (const site of plan.sites) {
      if (!match(plan, site)) continue;
      if (shown(plan, site)) ids.push(site.id);
      else hidden++;
    }
  }
  return { ids, hidden };
}

/** `pending · kind non-module · matches of "unet"`: the filters in force, in words. */
export function filterWords(filters: Filters, search: Search | null): string {
  const words = [
    filters.pending ? 'pending' : '',
    filters.proposed ? 'proposed' : '',
    filters.kind ? `kind ${filters.kind}` : '',
    filters.matches && search?.text ? `matches of "${search.text}"` : '',
  ];
  return words.filter(Boolean).join(' · ');
}

/** How many sites and files the filters show, of all. */
export function shownCounts(state: ListState): { sites: number; files: number; allSites: number; allFiles: number } {
  const shown = shownTest(state);
  let sites = 0;
  let files = 0;
  let allSites = 0;
  for (const plan of state.plans) {
    const before = sites;
    for (const site of plan.sites) if (shown(plan, site)) sites++;
    if (sites > before) files++;
    allSites += plan.sites.length;
  }
  return { sites, files, allSites, allFiles: state.plans.length };
}

/** `120 of 438 sites shown`: what the filters leave, for messages. */
export function shownPhrase(state: ListState): string {
  const c = shownCounts(state);
  return `${c.sites} of ${count(c.allSites, 'site')} shown`;
}
