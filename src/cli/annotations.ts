/**
 * `--output-format github`: what `--check` finds, as GitHub Actions workflow commands, which the
 * runner turns into annotations on the pull request's diff. One `::warning` line per proposed site,
 * per skipped file and per file with a syntax error (its broken code went unchecked).
 */
import type { ScanResult, Site } from '../core/types.js';
import { visible } from '../core/visible.js';
import { firstLine } from './report.js';

/** A message: `%`, CR and LF would end or garble the command (the escapes of actions/toolkit's command.ts). */
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A property value: also `:` and `,`, which separate the command's properties. */
function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/**
 * One workflow command. Project text goes through `visible` first: annotations are shown to the
 * reviewers of the pull request, where a raw bidi control or escape sequence would mislead them.
 */
function command(properties: Record<string, string | number>, lines: string[]): string {
  const props = Object.entries(properties)
    .map(([key, value]) => `${key}=${escapeProperty(typeof value === 'number' ? String(value) : visible(value))}`)
    .join(',');
  return `::warning ${props}::${escapeData(lines.map(visible).join('\n'))}`;
}


function siteMessage(site: Site): string[] {
  const more = (text: string) => (text.includes('\n') ? ' ...' : '');
  return [
    `\`${firstLine(site.original)}\`${more(site.original)} -> \`${firstLine(site.replacement)}\`${more(site.replacement)}`,
    site.evidence.note,
    ...site.warnings.map((w) => `warning: ${w}`),
  ];
}

/**
 * The annotations, one per line. `prefix` leads every path: the root's place in the repository
 * (`src/` when the root is the repository's `src` folder), as Actions reads paths from the repository's root.
 */
export function githubText(result: ScanResult, prefix: string): string {
  const out: string[] = [];
  const file = (path: string) => `${prefix}${path}`;
  for (const plan of result.files) {
    if (plan.parseError) out.push(command({ file: file(plan.path), title: 'switcheroo-migrate (syntax error)' }, [`${plan.parseError}; sites inside the broken code are not checked`]));
    for (const site of plan.sites.filter((s) => s.proposed)) {
      const where = { file: file(site.path), line: site.line, col: site.column, endLine: site.endLine, endColumn: site.endColumn };
      out.push(command({ ...where, title: `switcheroo-migrate (${site.kind})` }, siteMessage(site)));
    }
  }
  for (const s of result.skipped) out.push(command({ file: file(s.path), title: 'switcheroo-migrate (skipped)' }, [s.reason]));
  return out.length ? `${out.join('\n')}\n` : '';
}
