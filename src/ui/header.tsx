import { Box, Text } from 'ink';
import { cutStart, displayWidth } from '../core/columns.js';
import { visible } from '../core/visible.js';
import type { ReviewState } from './review-state.js';
import { countDecisions, findSite, positionOf } from './review-order.js';
import { Shown } from './shown.js';
import { Spinner } from './spinner.js';
import { useStyle } from './theme.js';
import { count } from '../core/count.js';

/** Two lines: where the reviewer is and how far along, then the scan's state. */
export function Header({ state, width, animate }: { state: ReviewState; width: number; animate: boolean }) {
  const style = useStyle();
  const { plans, decisions, scan } = state;
  const pos = positionOf(plans, state.cursor);
  const counts = countDecisions(plans.flatMap((p) => p.sites), decisions);
  const path = findSite(plans, state.cursor)?.plan.path ?? '';
  const skipped = scan.skipped.length > 0 ? ` · ${count(scan.skipped.length, 'file')} skipped (listed in the summary)` : '';
  const where = pos.changes > 0 ? `change ${pos.change}/${pos.changes} · file ${pos.file}/${pos.files}` : 'switcheroo-migrate';
  const long = [`✔ ${counts.accepted} accepted`, `✎ ${counts.edited} edited`, `✘ ${counts.skipped} skipped`, `· ${counts.pending} pending`];
  // On a narrow terminal the counts keep their signs and lose their words, rather than be cut.
  const tally = displayWidth(`${where}  ${long.join('  ')}`) <= width ? long : [`✔ ${counts.accepted}`, `✎ ${counts.edited}`, `✘ ${counts.skipped}`, `· ${counts.pending} pending`];
  // The path takes what is left of the line, cut from the left: its file name stays.
  const room = width - displayWidth(`${where}  ${tally.join('  ')}  `);
  const shownPath = path && room >= 8 ? cutStart(path, room) : '';
  // the mapper and why, or only its name, where the line has room: never cut
  const scanned = `scanned ${count(scan.filesScanned, 'file')} · ${count(scan.sites, 'site')} in ${count(plans.length, 'file')}${skipped}`;
  const mapper = [scan.mapper ? ` · mapper ${scan.mapper.name}: ${scan.mapper.why}` : '', scan.mapper ? ` · mapper ${scan.mapper.name}` : ''].find((m) => displayWidth(visible(scanned + m)) <= width) ?? '';
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate-end">
        <Text {...style('title')}>{where}</Text>
        {'  '}
        <Text {...style('accepted')}>{tally[0]}</Text>
        {'  '}
        <Text {...style('edited')}>{tally[1]}</Text>
        {'  '}
        <Text {...style('skipped')}>{tally[2]}</Text>
        {'  '}
        <Text>{tally[3]}</Text>
        {shownPath ? (
          <Text {...style('muted')}>
            {'  '}
            <Shown text={shownPath} />
          </Text>
        ) : null}
      </Text>
      {scan.status === 'running' ? (
        <Text wrap="truncate-end">
          <Spinner animate={animate} />
          {` scanning · ${count(scan.filesScanned, 'file')} read · ${count(scan.sites, 'site')} · ${scan.candidates} mentioning load_state_dict · q/Esc cancels`}
        </Text>
      ) : (
        <Text wrap="truncate-end" {...style('muted')}>
          {scanned}
          {mapper ? <Shown text={mapper} /> : null}
        </Text>
      )}
    </Box>
  );
}
