/**
 * Hints from source, per site: when a site's receiver is an instance of a project model class (its
 * evidence names the class), that class is read for what the state dict cannot tell, and the rewrite
 * becomes `KeyMapper.from_torch(state, hints={...})`. Settled like kinds: as files are read, and once
 * more against the whole project; each time the previous hints are taken out first.
 */
import type { ClassFact } from '../evidence/facts.js';
import type { ProjectIndex, Target } from '../evidence/index.js';
import { parseWith, type Parser } from '../parser.js';
import type { Evidence, FilePlan, Mapper, Site, SiteHint } from '../types.js';
import { placeHints } from '../notebook/place.js';
import { readClass, type ClassSource } from './class-source.js';
import { chooseHints } from './choose.js';
import { toExpr } from './expr.js';
import { bindCall, type Reader, type Thunk } from './values.js';
import { walkClass, type Walk } from './walk.js';
import { planText } from '../plan-text.js';
import { ownCopy } from '../text.js';

/** Classes read per site at most (a bound for very large model zoos). */
const BUDGET = 64;
/** A one-line `hints={...}` stays on its line up to this width (black's). */
const MAX_LINE = 88;

const sources = new WeakMap<ProjectIndex, Map<string, ClassSource | null>>();

function readerFor(index: ProjectIndex, parser: Parser): Reader {
  let cache = sources.get(index);
  if (!cache) sources.set(index, (cache = new Map()));
  const known = cache;
  const targets = new Map<string, Target>();
  const classes = new Map<string, (Target & { type: 'class' }) | null>();
  return {
    index,
    read(path: string, fact: ClassFact) {
      const key = `${path}\0${fact.qualname}\0${fact.offset}`;
      if (!known.has(key)) known.set(key, readClass(index, parser, path, fact));
      return known.get(key) ?? null;
    },
    resolve(path: string, dotted: string) {
      const key = `${path}\0${dotted}`;
      let target = targets.get(key);
      if (!target) targets.set(key, (target = index.resolve(path, dotted)));
      return target;
    },
    resolveClass(path: string, dotted: string) {
      const key = `${path}\0${dotted}`;
      if (!classes.has(key)) classes.set(key, index.resolveClass(path, dotted));
      return classes.get(key) ?? null;
    },
  };
}

/** The literal arguments of the call that built the model, when its evidence is `model = Net(...)` on one line. */
function rootBinding(parser: Parser, evidence: Evidence, src: ClassSource, name: string): Map<string, Thunk> {
  const text = evidence.text;
  if (evidence.rule !== 'assignment' || !text || text.endsWith('...')) return new Map();
  const tree = parseWith(parser, text);
  try {
    const assignment = tree.rootNode.hasError ? null : tree.rootNode.namedChildren[0]?.namedChildren[0];
    const call = assignment?.type === 'assignment' ? toExpr(assignment.childForFieldName('right'), text, evidence.line ?? 1) : null;
    const fn = call?.type === 'call' ? call.fn : null;
    const last = fn?.type === 'name' ? fn.name : fn?.type === 'attr' ? fn.attr : null;
    return call?.type === 'call' && last === name ? bindCall(call, null, src, evidence.path) : new Map();
  } finally {
    tree.delete();
  }
}

/** The hints a site's model class gives, and warnings for what its source cannot say. */
export function siteHints(index: ProjectIndex, parser: Parser, site: Site, mapper: Mapper = 'flax'): { hints: SiteHint[]; warnings: string[] } {
  const cls = site.evidence.class;
  const fact = cls && site.kind === 'module' && site.hintsAt !== undefined ? index.classAt(cls.path, cls.qualname) : null;
  if (!cls || !fact) return { hints: [], warnings: [] };
  const w: Walk = { r: readerFor(index, parser), found: [], stack: new Set(), budget: BUDGET };
  walkClass(w, cls.path, fact, [], (src) => rootBinding(parser, site.evidence, src, fact.name), 0);
  return chooseHints(w.found, mapper);
}

/** A Python string literal for a module path or a hint value. */
function pyString(value: string): string {
  const body = value.replace(/[\\']/g, (c) => `\\${c}`).replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return `'${body}'`;
}

/** `, hints={...}` on the line, or one entry per line when the line would grow past MAX_LINE. */
function hintsArgument(hints: SiteHint[], lineBefore: string, lineAfter: string, eol: string): string {
  const entries = hints.map((h) => `${pyString(h.module)}: ${pyString(h.value)}`);
  const one = `, hints={${entries.join(', ')}}`;
  if (lineBefore.length + one.length + lineAfter.length <= MAX_LINE) return one;
  const indent = /^[ \t]*/.exec(lineBefore)?.[0] ?? '';
  const step = indent.includes('\t') ? '\t' : '    ';
  return `, hints={${eol}${entries.map((e) => `${indent}${step}${e},`).join(eol)}${eol}${indent}}`;
}

/** The site without the hints a previous settling put in. */
function withoutHints(site: Site): Site {
  const { hints: _hints, hinted, ...rest } = site;
  if (!hinted) return site;
  const at = site.replacement.length - (site.hintsAt as number);
  const replacement = site.replacement.slice(0, at - hinted.text.length) + site.replacement.slice(at);
  return { ...rest, replacement, edit: { ...site.edit, text: replacement }, warnings: site.warnings.filter((w) => !hinted.warnings.includes(w)) };
}

/** `source`: the plan's text (read again, once, when the plan let go of it). */
function withSiteHints(plan: FilePlan, site: Site, hints: SiteHint[], warnings: string[], source: () => string): Site {
  const base = withoutHints(site);
  if (hints.length === 0 && warnings.length === 0) return base;
  const at = base.replacement.length - (base.hintsAt as number);
  const file = source();
  // (copied: a plan that let go of its text must not keep it through a slice)
  const before = ownCopy(file.slice(file.lastIndexOf('\n', site.edit.start - 1) + 1, site.edit.start)) + base.replacement.slice(0, at);
  const after = base.replacement.slice(at).split(/\r?\n/)[0] as string;
  const text = hints.length > 0 ? hintsArgument(hints, before.slice(before.lastIndexOf('\n') + 1), after, plan.eol) : '';
  const replacement = base.replacement.slice(0, at) + text + base.replacement.slice(at);
  return {
    ...base,
    replacement,
    edit: { ...base.edit, text: replacement },
    warnings: [...base.warnings, ...warnings],
    ...(hints.length > 0 ? { hints } : {}),
    hinted: { text, warnings },
  };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** The plan with every site's hints settled against `index`; the same object when nothing changes. */
export function settleHints(plan: FilePlan, index: ProjectIndex, parser: Parser, mapper: Mapper = 'flax'): FilePlan {
  let changed = false;
  let text: string | undefined;
  const source = () => (text ??= planText(plan));
  const sites = plan.sites.map((site) => {
    const { hints, warnings } = placeHints(plan, siteHints(index, parser, site, mapper));
    if (same(site.hints, hints.length > 0 ? hints : null) && same(site.hinted?.warnings ?? [], warnings)) return site;
    changed = true;
    return withSiteHints(plan, site, hints, warnings, source);
  });
  return changed ? { ...plan, sites } : plan;
}
