import { Box, Text } from 'ink';
import SelectInput from 'ink-select-input';
import type { Site } from '../core/types.js';
import type { EditState } from './review-state.js';
import { caretPosition } from './text-edit.js';
import { useStyle } from './theme.js';

export type EditChoice = 'again' | 'discard';

interface Props {
  edit: EditState;
  site: Site;
  editorName: string | null;
  width: number;
  onChoice: (choice: EditChoice) => void;
}

/** The edit screen: the inline editor, or word that the external editor has it, the parse check, its failure. */
export function EditView({ edit, site, editorName, width, onChoice }: Props) {
  const style = useStyle();
  const where = `${site.path}:${site.line}:${site.column}`;
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate-end" {...style('title')}>{`Editing the replacement for ${where}`}</Text>
      <Text {...style('muted')}>Original:</Text>
      {site.original.split(/\r?\n/).map((line, i) => (
        <Text key={i} wrap="truncate-end" {...style('del')}>{`  ${line}`}</Text>
      ))}
      <Text> </Text>
      {edit.phase === 'editing' && edit.inline ? <InlineEditor edit={edit} /> : null}
      {edit.phase === 'editing' && !edit.inline ? <Text>{`Waiting for ${editorName ?? 'the editor'} to exit…`}</Text> : null}
      {edit.phase === 'checking' ? <Text>Checking that the file still parses with the edit…</Text> : null}
      {edit.phase === 'failed' ? (
        <Box flexDirection="column">
          <Text wrap="wrap" {...style('error')}>{`✘ ${edit.error ?? ''}`}</Text>
          <SelectInput<EditChoice>
            items={[
              { label: 'Edit again', value: 'again' },
              { label: 'Discard the edit', value: 'discard' },
            ]}
            onSelect={(item) => onChoice(item.value)}
          />
        </Box>
      ) : null}
    </Box>
  );
}

function InlineEditor({ edit }: { edit: EditState }) {
  const style = useStyle();
  const { lines, line, column } = caretPosition(edit.buffer);
  return (
    <Box flexDirection="column">
      <Text {...style('muted')}>Replacement (Enter: new line · Ctrl-S: save · Esc: cancel):</Text>
      {lines.map((text, i) =>
        i === line ? (
          <Text key={i} wrap="truncate-end">
            {'  '}
            {text.slice(0, column)}
            <Text inverse>{text[column] ?? ' '}</Text>
            {text.slice(column + 1)}
          </Text>
        ) : (
          <Text key={i} wrap="truncate-end">{`  ${text}`}</Text>
        ),
      )}
    </Box>
  );
}
