import { Box, Text } from 'ink';
import { viewport } from './diff-rows.js';
import { reviewKeys } from './keys.js';
import { useStyle } from './theme.js';
import { count } from '../core/count.js';

/** Every key of the review, from the key map. */
export function HelpView({ width, height }: { width: number; height: number }) {
  const style = useStyle();
  const keyWidth = Math.max(...reviewKeys.map((b) => b.keys.length)) + 2;
  const view = viewport(reviewKeys.length, 0, height - 1);
  return (
    <Box flexDirection="column" width={width}>
      <Text {...style('title')}>Keys</Text>
      {reviewKeys.slice(0, view.count).map((b) => (
        <Text key={b.command} wrap="truncate-end">
          <Text {...style('key')}>{`  ${b.keys.padEnd(keyWidth)}`}</Text>
          {b.label}
        </Text>
      ))}
      {view.below > 0 ? <Text {...style('muted')}>{`  ↓ ${count(view.below, 'more key')}: enlarge the terminal to see them`}</Text> : null}
      <Text> </Text>
      <Text wrap="wrap">
        Nothing is written until you choose Write in the summary (w opens it; w again writes). Undo walks back through every decision, across files. An
        edited change keeps its edit when you accept other changes. The KeyMapper preamble goes into a file once any of its
        changes is accepted.
      </Text>
    </Box>
  );
}
