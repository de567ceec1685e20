import { Box, Text } from 'ink';
import type { WriteResult, WriteStatus } from '../core/types.js';
import type { ReviewState } from './review-state.js';
import { Shown } from './shown.js';
import { Spinner } from './spinner.js';
import { useStyle, type Role } from './theme.js';
import { count } from '../core/count.js';

const LABELS: Record<WriteStatus, { icon: string; role: Role }> = {
  written: { icon: '✔ written', role: 'accepted' },
  unchanged: { icon: '= unchanged', role: 'muted' },
  refused: { icon: '✘ refused', role: 'error' },
  error: { icon: '✘ error', role: 'error' },
};

/** `3 written · 1 refused · 0 errors`. */
export function countsLine(results: readonly WriteResult[]): string {
  const n = (status: WriteStatus) => results.filter((r) => r.status === status).length;
  const parts = [`${n('written')} written`, `${n('refused')} refused`, `${n('error')} error${n('error') === 1 ? '' : 's'}`];
  if (n('unchanged')) parts.splice(1, 0, `${n('unchanged')} unchanged`);
  return parts.join(' · ');
}

/** Writing in progress, then the end of the run: each file's result and the counts. */
export function WriteView({ state, total, height, width, animate }: { state: ReviewState; total: number; height: number; width: number; animate: boolean }) {
  const style = useStyle();
  const { results } = state;
  const shown = results.slice(-Math.max(1, height - 3));
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
          <Text {...style(LABELS[r.status].role)}>{`  ${LABELS[r.status].icon.padEnd(12)}`}</Text>
          <Shown text={r.path} />
          {r.reason ? (
            <Text {...style('muted')}>
              <Shown text={`: ${r.reason}`} />
            </Text>
          ) : null}
        </Text>
      ))}
      {state.screen === 'done' && results.length > 0 ? <Text {...style('title')}>{countsLine(results)}</Text> : null}
    </Box>
  );
}
