import { Box, Text } from 'ink';
import { cutStart } from '../core/columns.js';
import type { Site } from '../core/types.js';
import { viewport } from './diff-rows.js';
import { countDecisions, statusOf, type SiteStatus } from './review-order.js';
import { filtering, matcher, shownTest, type ListState } from './review-view.js';
import { Shown } from './shown.js';
import { useStyle, type Role } from './theme.js';

export type ListRow =
  | { kind: 'file'; path: string; note: string; folded: boolean; selected: boolean }
  | { kind: 'site'; site: Site; status: SiteStatus; selected: boolean; match: boolean }
  | { kind: 'fold'; path: string; count: number };

/** Sites listed per file before the rest fold into one row (they are still reviewed, counted and decided). */
export const SITES_SHOWN_PER_FILE = 20;

const ICONS: Record<SiteStatus, string> = { pending: '·', accepted: '✔', skipped: '✘', edited: '✎', 'not proposed': '–' };
const ROLES: Record<SiteStatus, Role> = { pending: 'pending', accepted: 'accepted', skipped: 'skipped', edited: 'edited', 'not proposed': 'muted' };

/**
 * The list's rows: a header per file, then its sites the filters show, in order (a folded file is its
 * header alone); past `SITES_SHOWN_PER_FILE` the rest of a file's sites fold into one row, unfolded as
 * far as the selected site when it lies beyond. A file the filters empty is left out. Pure.
 */
export function listRows(state: ListState): ListRow[] {
  const { decisions, cursor } = state;
  const shown = shownTest(state);
  const match = matcher(state.search?.text);
  const filtered = filtering(state.filters);
  return state.plans.flatMap((plan): ListRow[] => {
    const sites = plan.sites.filter((site) => shown(plan, site));
    if (sites.length === 0) return [];
    const c = countDecisions(plan.sites, decisions);
    const decided = c.accepted + c.edited + c.skipped;
    const folded = state.folded.has(plan.path);
    const note = [`${plan.sites.length} site${plan.sites.length === 1 ? '' : 's'}`, `${decided} decided`, filtered ? `${sites.length} shown` : '', folded ? 'folded (z)' : ''];
    const file: ListRow = { kind: 'file', path: plan.path, note: note.filter(Boolean).join(' · '), folded, selected: folded && sites[0]?.id === cursor };
    if (folded) return [file];
    const shownCount = Math.max(SITES_SHOWN_PER_FILE, sites.findIndex((s) => s.id === cursor) + 1);
    const rest = sites.length - shownCount;
    return [
      file,
      ...sites.slice(0, shownCount).map((site): ListRow => ({ kind: 'site', site, status: statusOf(site, decisions.get(site.id)), selected: site.id === cursor, match: match?.(plan, site) ?? false })),
      ...(rest > 0 ? [{ kind: 'fold', path: plan.path, count: rest } as const] : []),
    ];
  });
}

/** The sites grouped by file, scrolled to keep the selection in view, with markers where rows are cut. */
export function SiteList({ rows, height, width }: { rows: ListRow[]; height: number; width: number }) {
  const style = useStyle();
  const selected = rows.findIndex((r) => r.kind !== 'fold' && r.selected);
  const view = viewport(rows.length, selected - Math.floor((height - 2) / 2), height);
  const shown = rows.slice(view.start, view.start + view.count);
  return (
    <Box flexDirection="column" width={width} height={height}>
      {view.above > 0 ? <Text {...style('muted')}>{`  ↑ ${view.above} more`}</Text> : null}
      {shown.map((row) =>
        row.kind === 'file' ? (
          <Text key={`file:${row.path}`} wrap="truncate-end">
            <Text {...style(row.selected ? 'selected' : 'title')}>
              {row.folded ? (row.selected ? '▸ ' : '+ ') : ''}
              <Shown text={cutStart(row.path, Math.max(12, width - 2 - (row.folded ? 2 : 0) - row.note.length))} />
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
  const { site, status, selected, match } = row;
  const where = `${site.line}:${site.column}`.padEnd(8);
  const what = site.proposed ? firstLine(site.original) : `${firstLine(site.original)}  (${site.reason})`;
  const dim = !site.proposed && status === 'not proposed';
  return (
    <Text wrap="truncate-end" {...(selected ? style('selected') : dim ? style('muted') : {})}>
      {`${selected ? ' ▸' : '  '}${match ? '*' : ' '}`}
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
