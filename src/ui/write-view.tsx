import { Box, Text } from 'ink';
import { cutStart, shownWidth } from '../core/columns.js';
import type { WriteStatus } from '../core/types.js';
import { writeCounts } from '../core/write-counts.js';
import type { ReviewState } from './review-state.js';
import { Shown } from './shown.js';
import { Spinner } from './spinner.js';
import { useStyle, type Role } from './theme.js';
import { count } from '../core/count.js';

const LABELS: Record<WriteStatus, { icon: string; role: Role }> = {
  written: { icon: '✔ written', role: 'accepted' },
  refused: { icon: '✘ refused', role: 'error' },
  error: { icon: '✘ error', role: 'error' },
  'not-written': { icon: '– not written', role: 'warning' },
};

/** Writing in progress, then the end of the run: each file's result and the counts. */
export function WriteView({ state, total, height, width, animate }: { state: ReviewState; total: number; height: number; width: number; animate: boolean }) {
  const style = useStyle();
  const { results } = state;
  // While writing, the latest files; at the end, every file: the last screen says exactly what was and was not written.
  const shown = state.screen === 'done' ? results : results.slice(-Math.max(1, height - 3));
  return (
    <Box flexDirection="column" width={width}>
      {state.screen === 'writing' ? (
        <Text>
          <Spinner animate={animate} />
          {` Writing: ${results.length}/${count(total, 'file')} done…`}
        </Text>
      ) : (
        <Text {...style(state.exitCode === 0 ? 'title' : 'error')}>
          <Shown text={state.outcome} />
        </Text>
      )}
      {shown.length < results.length ? <Text {...style('muted')}>{`  … ${count(results.length - shown.length, 'earlier file')}`}</Text> : null}
      {shown.map((r) => (
        <Text key={r.path} wrap="truncate-end">
          <Text {...style(LABELS[r.status].role)}>{`  ${LABELS[r.status].icon.padEnd(14)}`}</Text>
          <Shown text={cutStart(r.path, Math.max(16, width - 16 - (r.reason ? shownWidth(r.reason) + 2 : 0)))} />
          {r.reason ? (
            <Text {...style('muted')}>
              <Shown text={`: ${r.reason}`} />
            </Text>
          ) : null}
        </Text>
      ))}
      {state.screen === 'done' && results.length > 0 ? <Text {...style('title')}>{writeCounts(results)}</Text> : null}
    </Box>
  );
}
