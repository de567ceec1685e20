import { Text } from 'ink';
import { shownPieces } from '../core/columns.js';
import type { Piece } from '../core/visible.js';
import { useStyle } from './theme.js';

/**
 * Text from the project (paths, source, receivers, reasons, messages that quote them) inside a
 * `<Text>`: control characters drawn as highlighted escapes, never emitted; tabs as spaces to the next
 * stop from `column`. Every piece of project text the review draws goes through here.
 */
export function Shown({ text, column = 0 }: { text: string; column?: number }) {
  return <Pieces pieces={shownPieces(text, column).pieces} />;
}

/** Pieces from `shownPieces`, the marks highlighted. */
export function Pieces({ pieces }: { pieces: readonly Piece[] }) {
  const style = useStyle();
  return (
    <>
      {pieces.map((piece, i) =>
        piece.mark ? (
          <Text key={i} {...style('control')}>
            {piece.text}
          </Text>
        ) : (
          piece.text
        ),
      )}
    </>
  );
}
