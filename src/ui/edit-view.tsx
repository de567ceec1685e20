import { Box, Text } from 'ink';
import { shownPieces } from '../core/columns.js';
import type { Site } from '../core/types.js';
import type { EditState } from './review-state.js';
import { viewport } from './diff-rows.js';
import { Menu } from './menu.js';
import { Pieces, Shown } from './shown.js';
import { caretPosition, splitAtCaret } from './text-edit.js';
import { useStyle } from './theme.js';
import { count } from '../core/count.js';

interface Props {
  edit: EditState;
  site: Site;
  editorName: string | null;
  width: number;
  height: number;
  /** The edit-again / discard menu's rows (after a failed check) and which is highlighted. */
  menu: readonly string[];
  selected: number;
}

/** The edit screen: the inline editor, or word that the external editor has it, the parse check, its failure. */
export function EditView({ edit, site, editorName, width, height, menu, selected }: Props) {
  const style = useStyle();
  const original = edit.original.split('\n');
  const last = edit.firstLine + original.length - 1;
  const where = `${site.path} ${last > edit.firstLine ? `lines ${edit.firstLine}-${last}` : `line ${edit.firstLine}`}`;
  const originalView = viewport(original.length, 0, Math.max(2, Math.floor(height / 3)));
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate-end" {...style('title')}>
        <Shown text={`Editing ${where}`} />
      </Text>
      <Text {...style('muted')}>Original:</Text>
      {original.slice(0, originalView.count).map((line, i) => (
        <Text key={i} wrap="truncate-end" {...style('del')}>
          {'  '}
          <Shown text={line} />
        </Text>
      ))}
      {originalView.below > 0 ? <Text {...style('muted')}>{`  ↓ ${count(originalView.below, 'more line')}`}</Text> : null}
      <Text> </Text>
      {edit.phase === 'editing' && edit.inline ? <InlineEditor edit={edit} height={height - originalView.count - 5} /> : null}
      {edit.phase === 'editing' && !edit.inline ? (
        <Text>
          <Shown text={`Waiting for ${editorName ?? 'the editor'} to exit…`} />
        </Text>
      ) : null}
      {edit.phase === 'checking' ? <Text>Checking that the file still parses with the edit…</Text> : null}
      {edit.phase === 'failed' ? (
        <Box flexDirection="column">
          <Text wrap="wrap" {...style('error')}>
            <Shown text={`✘ ${edit.error ?? ''}`} />
          </Text>
          <Menu items={menu} selected={selected} />
        </Box>
      ) : null}
    </Box>
  );
}

function InlineEditor({ edit, height }: { edit: EditState; height: number }) {
  const style = useStyle();
  const { lines, line, column } = caretPosition(edit.buffer);
  const rows = Math.max(3, height);
  const view = viewport(lines.length, line - Math.floor(rows / 2), rows);
  return (
    <Box flexDirection="column">
      <Text {...style('muted')}>Replacement (Enter: new line · Ctrl-S: save · Esc: cancel):</Text>
      {view.above > 0 ? <Text {...style('muted')}>{`  ↑ ${count(view.above, 'more line')}`}</Text> : null}
      {lines.slice(view.start, view.start + view.count).map((text, index) => {
        const i = view.start + index;
        return i === line ? (
          <CaretLine key={i} text={text} caret={column} />
        ) : (
          <Text key={i} wrap="truncate-end">
            {'  '}
            <Shown text={text} />
          </Text>
        );
      })}
      {view.below > 0 ? <Text {...style('muted')}>{`  ↓ ${count(view.below, 'more line')}`}</Text> : null}
    </Box>
  );
}

/** The caret's line, the character under the caret in inverse; tab stops run on across the three parts. */
function CaretLine({ text, caret }: { text: string; caret: number }) {
  const split = splitAtCaret(text, caret);
  const before = shownPieces(split.before);
  const at = shownPieces(split.under, before.end);
  const after = shownPieces(split.after, at.end);
  return (
    <Text wrap="truncate-end">
      {'  '}
      <Pieces pieces={before.pieces} />
      <Text inverse>
        <Pieces pieces={at.pieces} />
      </Text>
      <Pieces pieces={after.pieces} />
    </Text>
  );
}
