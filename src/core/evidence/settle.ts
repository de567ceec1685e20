/** A site's kind, proposal and reason from its clues; re-settled once the whole project is indexed. */
import type { Clue, Evidence, FilePlan, Site, SiteKind } from '../types.js';
import { decide } from './decide.js';
import { findClasses, type ClassFact, type ImportFact } from './facts.js';
import { ProjectIndex } from './index.js';
import { nameRewrites } from '../naming.js';
import { placeEvidence } from '../notebook/place.js';

export interface Kinded {
  kind: SiteKind;
  evidence: Evidence;
  proposed: boolean;
  reason: string;
}

const NO_STATE: Evidence = { rule: 'no-state', note: 'no state argument can be identified' };

/** `stateless`: the call has no state argument, so it is `unsupported` unless it forwards to torch (`super`). */
export function siteKind(index: ProjectIndex, clues: Clue[], stateless: boolean, receiver: string, include: readonly SiteKind[]): Kinded {
  const verdict = decide(index, clues, receiver);
  const kind: SiteKind = stateless && verdict.kind !== 'super' ? 'unsupported' : verdict.kind;
  const evidence = kind === 'unsupported' ? NO_STATE : verdict.evidence;
  const proposed = kind === 'module' || (include.includes(kind) && kind !== 'super' && kind !== 'unsupported');
  return { kind, evidence, proposed, reason: proposed ? '' : evidence.note };
}

/** A kind's proposal, unless the file keeps any rewrite from being written there (`conflict`: why). */
export function withConflict(kinded: Kinded, conflict: string | null | undefined): Kinded {
  return conflict && kinded.proposed ? { ...kinded, proposed: false, reason: conflict } : kinded;
}

/** A file's classes and imports, as the project index records them. */
export interface FileFacts {
  classes: ClassFact[];
  imports: ImportFact[];
}

/**
 * An index of one file alone: its own classes and imports (what planning a file on its own can know),
 * `facts` where the scanner has read them already, else from `bytes`.
 */
export function fileIndex(path: string, bytes: Buffer, facts?: FileFacts): ProjectIndex {
  const index = new ProjectIndex((p) => (p === path ? bytes : null));
  index.add(path, facts?.classes ?? findClasses(bytes), facts?.imports);
  return index;
}

function sameEvidence(a: Evidence, b: Evidence): boolean {
  const sameClass = a.class?.path === b.class?.path && a.class?.qualname === b.class?.qualname && a.class?.line === b.class?.line;
  return a.rule === b.rule && a.note === b.note && a.path === b.path && a.line === b.line && a.text === b.text && sameClass;
}

/**
 * The plan with its sites' kinds decided against `index` (and so the names of its rewrites, which
 * depend on which are proposed); the same object when nothing changes.
 */
export function settlePlan(plan: FilePlan, index: ProjectIndex, include: readonly SiteKind[]): FilePlan {
  let changed = false;
  const sites = plan.sites.map((site): Site => {
    if (site.kind === 'unsupported') return site;
    const next = withConflict(siteKind(index, site.clues, false, site.receiver, include), site.conflict);
    if (next.kind === site.kind && next.proposed === site.proposed && sameEvidence(next.evidence, site.evidence)) return site;
    changed = true;
    return { ...site, ...next };
  });
  return changed ? placeEvidence({ ...plan, sites: nameRewrites(sites) }) : plan;
}
