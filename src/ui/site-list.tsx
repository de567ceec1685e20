import { Box, Text } from 'ink';
import { cutStart } from '../core/columns.js';
import type { Decisions, FilePlan, Site } from '../core/types.js';
import { viewport } from './diff-rows.js';
import { countDecisions, statusOf, type SiteStatus } from './review-order.js';
import { Shown } from './shown.js';
import { useStyle, type Role } from './theme.js';

export type ListRow =
  | { kind: 'file'; path: string; note: string }
  | { kind: 'site'; site: Site; status: SiteStatus; selected: boolean }
  | { kind: 'fold'; path: string; count: number };

/** Sites listed per file before the rest fold into one row (they are still reviewed, counted and decided). */
export const SITES_SHOWN_PER_FILE = 20;

const ICONS: Record<SiteStatus, string> = { pending: '·', accepted: '✔', skipped: '✘', edited: '✎', 'not proposed': '–' };
const ROLES: Record<SiteStatus, Role> = { pending: 'pending', accepted: 'accepted', skipped: 'skipped', edited: 'edited', 'not proposed': 'muted' };

/**
 * The list's rows: a header per file, then its sites in order; past `SITES_SHOWN_PER_FILE` the rest of
 * a file's sites fold into one row, unfolded as far as the selected site when it lies beyond. Pure.
 */
export function listRows(plans: readonly FilePlan[], decisions: Decisions, cursor: string | null): ListRow[] {
  return plans.flatMap((plan): ListRow[] => {
    const c = countDecisions(plan.sites, decisions);
    const decided = c.accepted + c.edited + c.skipped;
    const note = `${plan.sites.length} site${plan.sites.length === 1 ? '' : 's'} · ${decided} decided`;
    const shown = Math.max(SITES_SHOWN_PER_FILE, plan.sites.findIndex((s) => s.id === cursor) + 1);
    const folded = plan.sites.length - shown;
    return [
      { kind: 'file', path: plan.path, note },
      ...plan.sites.slice(0, shown).map((site): ListRow => ({ kind: 'site', site, status: statusOf(site, decisions.get(site.id)), selected: site.id === cursor })),
      ...(folded > 0 ? [{ kind: 'fold', path: plan.path, count: folded } as const] : []),
    ];
  });
}

/** The sites grouped by file, scrolled to keep the selection in view, with markers where rows are cut. */
export function SiteList({ rows, height, width }: { rows: ListRow[]; height: number; width: number }) {
  const style = useStyle();
  const selected = rows.findIndex((r) => r.kind === 'site' && r.selected);
  const view = viewport(rows.length, selected - Math.floor((height - 2) / 2), height);
  const shown = rows.slice(view.start, view.start + view.count);
  return (
    <Box flexDirection="column" width={width} height={height}>
      {view.above > 0 ? <Text {...style('muted')}>{`  ↑ ${view.above} more`}</Text> : null}
      {shown.map((row) =>
        row.kind === 'file' ? (
          <Text key={`file:${row.path}`} wrap="truncate-end">
            <Text {...style('title')}>
              <Shown text={cutStart(row.path, Math.max(12, width - 2 - row.note.length))} />
            </Text>
            <Text {...style('muted')}>{`  ${row.note}`}</Text>
          </Text>
        ) : row.kind === 'fold' ? (
          <Text key={`fold:${row.path}`} wrap="truncate-end" {...style('muted')}>{`   … ${row.count} more site${row.count === 1 ? '' : 's'} in this file`}</Text>
        ) : (
          <SiteRow key={row.site.id} row={row} />
        ),
      )}
      {view.below > 0 ? <Text {...style('muted')}>{`  ↓ ${view.below} more`}</Text> : null}
    </Box>
  );
}

function SiteRow({ row }: { row: Extract<ListRow, { kind: 'site' }> }) {
  const style = useStyle();
  const { site, status, selected } = row;
  const where = `${site.line}:${site.column}`.padEnd(8);
  const what = site.proposed ? firstLine(site.original) : `${firstLine(site.original)}  (${site.reason})`;
  const dim = !site.proposed && status === 'not proposed';
  return (
    <Text wrap="truncate-end" {...(selected ? style('selected') : dim ? style('muted') : {})}>
      {selected ? ' ▸ ' : '   '}
      {where}
      <Text {...style(ROLES[status])}>{`${ICONS[status]} ${status.padEnd(13)}`}</Text>
      {`${site.kind.padEnd(11)} `}
      <Shown text={what} />
    </Text>
  );
}

function firstLine(text: string): string {
  const [first = '', ...rest] = text.split(/\r?\n/);
  return rest.length > 0 ? `${first} …` : first;
}
