/** Text the non-interactive modes print: diffs, site notes, the JSON plan, the summary line. */
import { count } from '../core/count.js';
import { fileDiff } from '../core/patch.js';
import type { Decisions, FilePlan, ScanResult, Site, WriteResult } from '../core/types.js';
import type { Paint } from './color.js';

function paintDiff(diff: string, paint: Paint): string {
  return diff
    .split('\n')
    .map((line) => {
      if (line.startsWith('+++') || line.startsWith('---')) return paint('bold', line);
      if (line.startsWith('@@')) return paint('cyan', line);
      if (line.startsWith('+')) return paint('green', line);
      if (line.startsWith('-')) return paint('red', line);
      return line;
    })
    .join('\n');
}

function siteNote(site: Site, paint: Paint): string[] {
  const where = `${site.path}:${site.line}:${site.column}`;
  if (!site.proposed) return [paint('dim', `  ${where}  ${site.kind}: not proposed: ${site.reason}`)];
  return site.warnings.map((w) => paint('yellow', `  ${where}  warning: ${w}`));
}

/** The `--dry-run` output: per file, its unified diff then notes on its sites; then the skipped files. */
export function dryRunText(result: ScanResult, decisions: Decisions, paint: Paint): string {
  const out: string[] = [];
  for (const plan of result.files) {
    const diff = fileDiff(plan, decisions);
    if (diff) out.push(paintDiff(diff.replace(/\n$/, ''), paint));
    else out.push(paint('bold', `${plan.path}: nothing proposed`));
    if (plan.parseError) out.push(paint('yellow', `  ${plan.path}: ${plan.parseError}; sites inside the broken code are not proposed`));
    for (const site of plan.sites) out.push(...siteNote(site, paint));
    out.push('');
  }
  for (const s of result.skipped) out.push(paint('dim', `skipped ${s.path}: ${s.reason}`));
  return out.length ? `${out.join('\n').replace(/\n+$/, '')}\n` : '';
}

/** The `--check` output: one line per proposed change. */
export function checkText(result: ScanResult): string {
  const lines = result.files.flatMap((f) =>
    f.sites.filter((s) => s.proposed).map((s) => `${s.path}:${s.line}:${s.column}: ${s.kind}: ${s.original.split('\n')[0]} -> ${s.replacement.split('\n')[0]}`),
  );
  return lines.length ? `${lines.join('\n')}\n` : '';
}

function jsonPlan(plan: FilePlan) {
  return {
    path: plan.path,
    parseError: plan.parseError,
    sites: plan.sites.map(({ edit: _edit, ...site }) => site),
    preamble: plan.preamble ? { needed: plan.sites.some((s) => s.proposed), line: plan.preamble.line, endLine: plan.preamble.endLine, text: plan.preamble.text } : null,
  };
}

/** The `--json` document (design.md: version 1). */
export function jsonText(result: ScanResult): string {
  return `${JSON.stringify({ version: 1, root: result.root, files: result.files.map(jsonPlan), skipped: result.skipped, stats: result.stats }, null, 2)}\n`;
}

export function writeResultLine(r: WriteResult, paint: Paint): string {
  if (r.status === 'written') return `${paint('green', 'written')}  ${r.path}`;
  return `${paint('red', r.status)}  ${r.path}: ${r.reason}`;
}

/** The warnings of the changes the decisions accept, one line each, as `--dry-run` shows them under its diffs. */
export function acceptedWarnings(plan: FilePlan, decisions: Decisions, paint: Paint): string[] {
  return plan.sites.filter((s) => s.proposed && decisions.get(s.id)?.type === 'accepted').flatMap((s) => siteNote(s, paint));
}

/**
 * `12 files scanned · 3 with load_state_dict · 5 sites · 4 proposed · 2 written · 0 refused · 1 warning · 84 ms`:
 * `warnings` counts those of the changes shown or written (left out when there are none).
 */
export function summaryLine(result: ScanResult, writes: WriteResult[] | null, ms: number, warnings = 0): string {
  const s = result.stats;
  const parts = [`${count(s.filesScanned, 'file')} scanned`, `${s.candidates} with load_state_dict`, count(s.sites, 'site'), `${s.proposed} proposed`];
  if (writes) {
    parts.push(`${writes.filter((w) => w.status === 'written').length} written`);
    parts.push(`${writes.filter((w) => w.status !== 'written').length} refused`);
  }
  if (warnings > 0) parts.push(count(warnings, 'warning'));
  if (result.skipped.length) parts.push(`${result.skipped.length} skipped`);
  parts.push(`${ms} ms`);
  return parts.join(' · ');
}
