import { Box, Text } from 'ink';
import type { Decisions, FilePlan, Site } from '../core/types.js';
import { viewport } from './diff-rows.js';
import { countDecisions, statusOf, type SiteStatus } from './review-order.js';
import { useStyle, type Role } from './theme.js';

export type ListRow = { kind: 'file'; path: string; note: string } | { kind: 'site'; site: Site; status: SiteStatus; selected: boolean };

const ICONS: Record<SiteStatus, string> = { pending: '·', accepted: '✔', skipped: '✘', edited: '✎', 'not proposed': '–' };
const ROLES: Record<SiteStatus, Role> = { pending: 'pending', accepted: 'accepted', skipped: 'skipped', edited: 'edited', 'not proposed': 'muted' };

/** The list's rows: a header per file, then its sites in order. Pure. */
export function listRows(plans: readonly FilePlan[], decisions: Decisions, cursor: string | null): ListRow[] {
  return plans.flatMap((plan): ListRow[] => {
    const c = countDecisions(plan.sites, decisions);
    const decided = c.accepted + c.edited + c.skipped;
    const note = `${plan.sites.length} site${plan.sites.length === 1 ? '' : 's'} · ${decided} decided`;
    return [
      { kind: 'file', path: plan.path, note },
      ...plan.sites.map((site): ListRow => ({ kind: 'site', site, status: statusOf(site, decisions.get(site.id)), selected: site.id === cursor })),
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
            <Text {...style('title')}>{row.path}</Text>
            <Text {...style('muted')}>{`  ${row.note}`}</Text>
          </Text>
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
      {`${site.kind.padEnd(11)} ${what}`}
    </Text>
  );
}

function firstLine(text: string): string {
  const [first = '', ...rest] = text.split(/\r?\n/);
  return rest.length > 0 ? `${first} …` : first;
}
