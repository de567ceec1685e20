import { Box, Text } from 'ink';
import type { ReviewState } from './review-state.js';
import { countDecisions, findSite, positionOf } from './review-order.js';
import { Shown } from './shown.js';
import { Spinner } from './spinner.js';
import { useStyle } from './theme.js';

/** Two lines: where the reviewer is and how far along, then the scan's state. */
export function Header({ state, width, animate }: { state: ReviewState; width: number; animate: boolean }) {
  const style = useStyle();
  const { plans, decisions, scan } = state;
  const pos = positionOf(plans, state.cursor);
  const counts = countDecisions(plans.flatMap((p) => p.sites), decisions);
  const path = findSite(plans, state.cursor)?.plan.path ?? '';
  const skipped = scan.skipped.length > 0 ? ` · ${scan.skipped.length} files skipped (listed in the summary)` : '';
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate-end">
        <Text {...style('title')}>{pos.changes > 0 ? `change ${pos.change}/${pos.changes} · file ${pos.file}/${pos.files}` : 'switcheroo-migrate'}</Text>
        {'  '}
        <Text {...style('accepted')}>✔ {counts.accepted} accepted</Text>
        {'  '}
        <Text {...style('edited')}>✎ {counts.edited} edited</Text>
        {'  '}
        <Text {...style('skipped')}>✘ {counts.skipped} skipped</Text>
        {'  '}
        <Text>· {counts.pending} pending</Text>
        {path ? (
          <Text {...style('muted')}>
            {'  '}
            <Shown text={path} />
          </Text>
        ) : null}
      </Text>
      {scan.status === 'running' ? (
        <Text wrap="truncate-end">
          <Spinner animate={animate} />
          {` scanning · ${scan.filesScanned} files read · ${scan.sites} sites · ${scan.candidates} mentioning load_state_dict · q/Esc cancels`}
        </Text>
      ) : (
        <Text wrap="truncate-end" {...style('muted')}>
          {`scanned ${scan.filesScanned} files · ${scan.sites} sites in ${plans.length} files${skipped}`}
        </Text>
      )}
    </Box>
  );
}
