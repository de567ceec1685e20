import { Box, Text } from 'ink';
import { padShown, shownWidth } from '../core/columns.js';
import { helperToWrite, preambleIncluded } from '../core/plan.js';
import type { Decisions, FilePlan, Skipped } from '../core/types.js';
import { viewport } from './diff-rows.js';
import { Menu } from './menu.js';
import { countDecisions } from './review-order.js';
import { Shown } from './shown.js';
import { useStyle } from './theme.js';

export type SummaryRow = { tone: 'file' | 'warning' | 'muted'; text: string };

/** What will be written, file by file; plus the headline and how many files change. Pure. */
export function summaryOf(plans: readonly FilePlan[], decisions: Decisions, gitModified: ReadonlySet<string> | null, skipped: readonly Skipped[]) {
  const rows: SummaryRow[] = [];
  const width = Math.max(0, ...plans.map((p) => shownWidth(p.path))) + 2;
  let files = 0;
  const total = countDecisions(plans.flatMap((p) => p.sites), decisions);
  const helper = helperToWrite(plans, decisions);
  if (helper) {
    const users = plans.filter((p) => p.helper?.path === helper.path && preambleIncluded(p, decisions)).length;
    rows.push({ tone: 'file', text: `${padShown(helper.path, width)}new file: the shared KeyMapper, imported by ${users} file${users === 1 ? '' : 's'}` });
  }
  for (const plan of plans) {
    const c = countDecisions(plan.sites, decisions);
    const changes = c.accepted + c.edited;
    const parts = [changes > 0 ? `${changes} change${changes === 1 ? '' : 's'}${c.edited ? ` (${c.edited} edited)` : ''}` : 'nothing to write'];
    if (c.skipped) parts.push(`${c.skipped} skipped`);
    if (c.pending) parts.push(`${c.pending} pending (left as is)`);
    if (changes > 0) {
      files++;
      const added = plan.helper ? `KeyMapper imported from ${plan.helper.path}` : 'KeyMapper preamble added';
      parts.push(preambleIncluded(plan, decisions) ? added : plan.preamble ? 'no preamble' : 'KeyMapper already present');
    }
    rows.push({ tone: changes > 0 ? 'file' : 'muted', text: `${padShown(plan.path, width)}${parts.join(' · ')}` });
    if (changes > 0 && gitModified?.has(plan.path)) {
      rows.push({ tone: 'warning', text: `  ⚠ git reports ${plan.path} as modified: its uncommitted changes stay, these edits go on top` });
    }
  }
  for (const s of skipped) rows.push({ tone: 'muted', text: `${padShown(s.path, width)}not scanned: ${s.reason}` });
  const written = total.accepted + total.edited;
  const headline =
    files === 0
      ? 'Nothing accepted: no file will be written.'
      : `${written} change${written === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'} will be written` +
        (total.pending ? `; ${total.pending} pending change${total.pending === 1 ? '' : 's'} will not.` : '.');
  return { rows, headline, files, checkingGit: gitModified === null };
}

/** Lines for the per-file rows on a summary of `height` lines (the headline and the menu take the rest). */
export function summaryListHeight(height: number): number {
  return Math.max(3, height - 6);
}

interface Props {
  summary: ReturnType<typeof summaryOf>;
  scroll: number;
  height: number;
  width: number;
  /** The menu's rows and which is highlighted. */
  menu: readonly string[];
  selected: number;
}

/** The summary before writing: per file what changes, git warnings, then write / back / quit. */
export function SummaryView({ summary, scroll, height, width, menu, selected }: Props) {
  const style = useStyle();
  const listHeight = summaryListHeight(height);
  const view = viewport(summary.rows.length, scroll, listHeight);
  const tone = { file: {}, warning: style('warning'), muted: style('muted') };
  return (
    <Box flexDirection="column" width={width}>
      <Text {...style('title')} wrap="truncate-end">{`Summary · ${summary.headline}`}</Text>
      <Text {...style('muted')}>{summary.checkingGit ? 'asking git about uncommitted changes…' : ' '}</Text>
      {view.above > 0 ? <Text {...style('muted')}>{`  ↑ ${view.above} more`}</Text> : null}
      {summary.rows.slice(view.start, view.start + view.count).map((row, i) => (
        <Text key={view.start + i} wrap="truncate-end" {...tone[row.tone]}>
          <Shown text={row.text} />
        </Text>
      ))}
      {view.below > 0 ? <Text {...style('muted')}>{`  ↓ ${view.below} more (PgDn)`}</Text> : null}
      <Text> </Text>
      <Menu items={menu} selected={selected} />
    </Box>
  );
}
