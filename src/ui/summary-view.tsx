import { Box, Text } from 'ink';
import { cutStart, padShown, shownWidth } from '../core/columns.js';
import { count } from '../core/count.js';
import { preambleIncluded } from '../core/plan.js';
import type { Decisions, FilePlan, Skipped } from '../core/types.js';
import { viewport } from './diff-rows.js';
import { Menu } from './menu.js';
import { countDecisions } from './review-order.js';
import { Shown } from './shown.js';
import { useStyle } from './theme.js';
import { wrapWords } from './wrap-words.js';

/** One file in the summary: its path, what happens to it, and a warning under it. */
export interface SummaryEntry {
  path: string;
  status: string;
  warning?: string;
}

/** Files that are written, left as they are, or were not scanned; in that order on screen. */
export interface SummaryGroup {
  title: string;
  tone: 'file' | 'muted';
  entries: SummaryEntry[];
}

export interface Summary {
  headline: string;
  groups: SummaryGroup[];
  /** How many files will be written. */
  files: number;
  checkingGit: boolean;
}

/** What will be written, file by file, the files written first; plus the headline and how many files change. Pure. */
export function summaryOf(plans: readonly FilePlan[], decisions: Decisions, gitModified: ReadonlySet<string> | null, skipped: readonly Skipped[]): Summary {
  const written: SummaryEntry[] = [];
  const left: SummaryEntry[] = [];
  const total = countDecisions(plans.flatMap((p) => p.sites), decisions);
  for (const plan of plans) {
    const c = countDecisions(plan.sites, decisions);
    const changes = c.accepted + c.edited;
    const parts = [changes > 0 ? `${count(changes, 'change')}${c.edited ? ` (${c.edited} edited)` : ''}` : 'nothing to write'];
    if (c.skipped) parts.push(`${c.skipped} skipped`);
    if (c.pending) parts.push(`${c.pending} pending (left as is)`);
    if (changes === 0) {
      left.push({ path: plan.path, status: parts.join(' · ') });
      continue;
    }
    parts.push(preambleIncluded(plan, decisions) ? 'KeyMapper preamble added' : plan.preamble ? 'no preamble' : 'KeyMapper already present');
    const warning = gitModified?.has(plan.path) ? '⚠ git reports it as modified: its uncommitted changes stay, these edits go on top' : undefined;
    written.push({ path: plan.path, status: parts.join(' · '), ...(warning ? { warning } : {}) });
  }
  const groups: SummaryGroup[] = [
    { title: `Will be written (${count(written.length, 'file')}):`, tone: 'file' as const, entries: written },
    { title: `Left as they are (${count(left.length, 'file')}):`, tone: 'muted' as const, entries: left },
    { title: `Not scanned (${count(skipped.length, 'file')}):`, tone: 'muted' as const, entries: skipped.map((s) => ({ path: s.path, status: `not scanned: ${s.reason}` })) },
  ].filter((g) => g.entries.length > 0);
  const decided = total.accepted + total.edited;
  const headline =
    written.length === 0
      ? 'Nothing accepted: no file will be written.'
      : `${count(decided, 'change')} in ${count(written.length, 'file')} will be written` +
        (total.pending ? `; ${count(total.pending, 'pending change')} will not.` : '.');
  return { headline, groups, files: written.length, checkingGit: gitModified === null };
}

export type SummaryLine = { tone: 'file' | 'warning' | 'muted' | 'heading'; text: string };

/** Paths are cut from the left to this many columns at the least before a status goes on a line of its own. */
const MIN_PATH = 16;

/**
 * The summary's list as lines at a width: a heading per group, then per file its path, cut from the
 * left where it must (never its status), padded to its group's column, and its status; where even
 * so the status does not fit beside the path, it goes on the lines under it. Pure.
 */
export function summaryLines(summary: Summary, width: number): SummaryLine[] {
  const lines: SummaryLine[] = [];
  for (const group of summary.groups) {
    // Each group has its own column: a long reason among the files not scanned does not cut the paths written.
    const longestPath = Math.max(0, ...group.entries.map((e) => shownWidth(e.path)));
    const longestStatus = Math.max(0, ...group.entries.map((e) => shownWidth(e.status)));
    const column = Math.min(longestPath, Math.max(MIN_PATH, width - 2 - longestStatus));
    lines.push({ tone: 'heading', text: group.title });
    for (const entry of group.entries) {
      const path = cutStart(entry.path, column);
      // One line when the status fits beside the path and the cut keeps the file's name whole.
      const name = entry.path.slice(entry.path.lastIndexOf('/') + 1);
      if (column + 2 + shownWidth(entry.status) <= width && path.endsWith(path === entry.path ? entry.path : `/${name}`)) {
        lines.push({ tone: group.tone, text: `${padShown(path, column)}  ${entry.status}` });
      } else {
        lines.push({ tone: group.tone, text: cutStart(entry.path, width) });
        for (const line of wrapWords(entry.status, width - 4)) lines.push({ tone: group.tone, text: `    ${line}` });
      }
      if (entry.warning) for (const line of wrapWords(entry.warning, width - 2)) lines.push({ tone: 'warning', text: `  ${line}` });
    }
  }
  return lines;
}

/** The summary's headline as lines at a width: never cut. */
export function headlineLines(summary: Summary, width: number): string[] {
  return wrapWords(`Summary · ${summary.headline}`, width);
}

/** Lines for the per-file list on a summary of `height` lines (the headline, the git line and the menu take the rest). */
export function summaryListHeight(height: number, headline: number): number {
  return Math.max(3, height - 5 - headline);
}

interface Props {
  summary: Summary;
  lines: SummaryLine[];
  scroll: number;
  height: number;
  width: number;
  /** The menu's rows and which is highlighted. */
  menu: readonly string[];
  selected: number;
  /** A filter is on in the review: the summary says it counts every site all the same. */
  filtered?: boolean;
}

/** The summary before writing: the files written first, what changes in each, git warnings, then write / back / quit. */
export function SummaryView({ summary, lines, scroll, height, width, menu, selected, filtered = false }: Props) {
  const style = useStyle();
  const headline = headlineLines(summary, width);
  const view = viewport(lines.length, scroll, summaryListHeight(height, headline.length));
  const tone = { file: {}, warning: style('warning'), muted: style('muted'), heading: style('title') };
  return (
    <Box flexDirection="column" width={width}>
      {headline.map((line, i) => (
        <Text key={`headline${i}`} {...style('title')}>
          {line}
        </Text>
      ))}
      <Text wrap="truncate-end" {...style('muted')}>
        {summary.checkingGit ? 'asking git about uncommitted changes…' : filtered ? "The review's filter only hides rows: every site counts here." : ' '}
      </Text>
      {view.above > 0 ? <Text {...style('muted')}>{`  ↑ ${view.above} more`}</Text> : null}
      {lines.slice(view.start, view.start + view.count).map((line, i) => (
        <Text key={view.start + i} wrap="truncate-end" {...tone[line.tone]}>
          <Shown text={line.text} />
        </Text>
      ))}
      {view.below > 0 ? <Text {...style('muted')}>{`  ↓ ${view.below} more (PgDn)`}</Text> : null}
      <Text> </Text>
      <Menu items={menu} selected={selected} />
    </Box>
  );
}
