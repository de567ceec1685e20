import { Box, Text } from 'ink';
import { viewport } from './diff-rows.js';
import { reviewKeys } from './keys.js';
import { useStyle } from './theme.js';
import { wrapWords } from './wrap-words.js';

const ABOUT =
  'Nothing is written until you choose Write in the summary (w opens it; w again writes). Undo walks back through every decision, across files. ' +
  'An edited change keeps its edit when you accept other changes. e edits the statement\'s whole lines as they will be written: Enter starts a line indented as the one above, ' +
  'Backspace and Delete erase back and forward, Ctrl-S saves, Esc cancels. ' +
  '/ searches paths, receivers and source lines as plain text (a capital letter makes it match case): Enter goes to the nearest match, Tab and Shift-Tab to the next and previous; n still skips. ' +
  'A filter hides rows, never decisions: the header says what is shown, and a, d and A then act on the shown sites only, each as one step that u takes back. A folded file is one row: a and d decide its shown sites. ' +
  'The KeyMapper preamble goes into a file once one of its changes that calls KeyMapper is accepted.';

export type HelpRow = { kind: 'key'; keys: string; label: string } | { kind: 'text' | 'heading'; text: string };

/** The help's rows at a width: every key of the review from the key map, under its group's heading, then what to know. Pure. */
export function helpRows(width: number): HelpRow[] {
  const groups = [...new Set(reviewKeys.map((b) => b.group ?? ''))];
  return [
    ...groups.flatMap((group): HelpRow[] => [
      { kind: 'heading', text: group },
      ...reviewKeys.filter((b) => (b.group ?? '') === group).map((b): HelpRow => ({ kind: 'key', keys: b.keys, label: b.label })),
    ]),
    { kind: 'text', text: '' },
    ...wrapWords(ABOUT, Math.max(10, width)).map((text): HelpRow => ({ kind: 'text', text })),
  ];
}

/** Every key of the review, then what to know; scrolls when the terminal is short (`top`: the first row shown). */
export function HelpView({ rows, top, width, height }: { rows: HelpRow[]; top: number; width: number; height: number }) {
  const style = useStyle();
  const keyWidth = Math.max(...reviewKeys.map((b) => b.keys.length)) + 2;
  // the title takes a line
  const view = viewport(rows.length, top, height - 1);
  return (
    <Box flexDirection="column" width={width}>
      <Text {...style('title')}>Keys</Text>
      {view.above > 0 ? <Text {...style('muted')}>{`  ↑ ${view.above} more (PgUp)`}</Text> : null}
      {rows.slice(view.start, view.start + view.count).map((row, i) =>
        row.kind === 'key' ? (
          <Text key={i} wrap="truncate-end">
            <Text {...style('key')}>{`  ${row.keys.padEnd(keyWidth)}`}</Text>
            {row.label}
          </Text>
        ) : (
          <Text key={i} wrap="truncate-end" {...(row.kind === 'heading' ? style('title') : {})}>
            {row.text || ' '}
          </Text>
        ),
      )}
      {view.below > 0 ? <Text {...style('muted')}>{`  ↓ ${view.below} more (PgDn/space)`}</Text> : null}
    </Box>
  );
}
