import type { Decision, Decisions, FilePlan, Site } from '../core/types.js';
import { comparePaths } from '../core/paths.js';

/** Site status as the list shows it. */
export type SiteStatus = 'pending' | 'accepted' | 'skipped' | 'edited' | 'not proposed';

const bySitePosition = (a: Site, b: Site) => a.line - b.line || a.column - b.column;

/**
 * Plans in the list's order: by path (code points, not locale), sites by position. A plan whose
 * sites are in order already (the planner's are) is kept as it is, so that what the review
 * memoizes on it (the diff of the selected site) survives new files arriving from the scan.
 */
export function sortPlans(plans: readonly FilePlan[]): FilePlan[] {
  return [...plans]
    .filter((plan) => plan.sites.length > 0)
    .sort((a, b) => comparePaths(a.path, b.path))
    .map((plan) =>
      plan.sites.every((site, i) => i === 0 || bySitePosition(plan.sites[i - 1] as Site, site) <= 0)
        ? plan
        : { ...plan, sites: [...plan.sites].sort(bySitePosition) },
    );
}

export function allSites(plans: readonly FilePlan[]): Site[] {
  return plans.flatMap((plan) => plan.sites);
}

export function findSite(plans: readonly FilePlan[], id: string | null): { site: Site; plan: FilePlan } | null {
  for (const plan of plans) {
    const site = plan.sites.find((s) => s.id === id);
    if (site) return { site, plan };
  }
  return null;
}

export function statusOf(site: Site, decision: Decision | undefined): SiteStatus {
  if (decision) return decision.type;
  return site.proposed ? 'pending' : 'not proposed';
}

/** Whether `y` can turn the site into a change: it has a rewrite and is not a `super()` forward. */
export function canAccept(site: Site): boolean {
  return site.kind !== 'super' && site.replacement !== site.original;
}

/** Whether the site still waits for the reviewer: proposed and undecided. */
export function isOpen(site: Site, decisions: Decisions): boolean {
  return site.proposed && !decisions.has(site.id);
}

/** The next open site after `fromId` among those `listed`, wrapping around; null when none is left. */
export function nextOpen(plans: readonly FilePlan[], decisions: Decisions, fromId: string | null, listed: (site: Site) => boolean = () => true): string | null {
  const sites = allSites(plans);
  const start = sites.findIndex((s) => s.id === fromId);
  for (let step = 1; step <= sites.length; step++) {
    const site = sites[(start + step + sites.length) % sites.length];
    if (site && isOpen(site, decisions) && listed(site)) return site.id;
  }
  return null;
}

/** The first site to show: the first proposed one, else the first one. */
export function firstSite(plans: readonly FilePlan[]): string | null {
  const sites = allSites(plans);
  return (sites.find((s) => s.proposed) ?? sites[0])?.id ?? null;
}

/** `change 3/17 · file 2/9` as numbers. */
export function positionOf(plans: readonly FilePlan[], id: string | null) {
  const sites = allSites(plans);
  const fileIndex = plans.findIndex((plan) => plan.sites.some((s) => s.id === id));
  return {
    change: sites.findIndex((s) => s.id === id) + 1,
    changes: sites.length,
    file: fileIndex + 1,
    files: plans.length,
  };
}

/** A change is a site that is, or may become, rewritten: accepted, edited, or pending and proposed. */
function isChange(site: Site, decisions: Decisions): boolean {
  const decision = decisions.get(site.id);
  return decision ? decision.type !== 'skipped' : site.proposed;
}

/** The site the preamble hunk is shown with: the file's first change; with none left, its first proposed site. */
export function preambleSiteOf(plan: FilePlan, decisions: Decisions): string | null {
  return (plan.sites.find((s) => isChange(s, decisions)) ?? plan.sites.find((s) => s.proposed))?.id ?? null;
}

export interface DecisionCounts {
  accepted: number;
  edited: number;
  skipped: number;
  pending: number;
}

export function countDecisions(sites: readonly Site[], decisions: Decisions): DecisionCounts {
  const counts: DecisionCounts = { accepted: 0, edited: 0, skipped: 0, pending: 0 };
  for (const site of sites) {
    const decision = decisions.get(site.id);
    if (decision) counts[decision.type]++;
    else if (site.proposed) counts.pending++;
  }
  return counts;
}
