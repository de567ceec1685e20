import { Box, Text } from 'ink';
import { cutStart, shownPieces, shownWidth } from '../core/columns.js';
import type { DiffLine } from '../core/patch.js';
import type { Site } from '../core/types.js';
import { viewport, type DiffRow } from './diff-rows.js';
import type { SiteStatus } from './review-order.js';
import { Pieces, Shown } from './shown.js';
import { useStyle } from './theme.js';
import { count } from '../core/count.js';

interface Props {
  site: Site;
  status: SiteStatus;
  rows: DiffRow[];
  /** Rows kept on top (the notes before the first hunk); the rest scroll. */
  pinned: number;
  /** The first of the scrolling rows shown. */
  top: number;
  context: number;
  /** Lines for the rows, the title line not counted. */
  height: number;
  width: number;
}

/** The selected change as a unified diff with line numbers and word highlights; scrolls, marking what is cut. */
export function DiffView({ site, status, rows, pinned, top, context, height, width }: Props) {
  const style = useStyle();
  const fixed = rows.slice(0, pinned);
  const scrolled = rows.slice(pinned);
  const view = viewport(scrolled.length, top, height - fixed.length);
  // The path is cut from the left before the status and the context are: they say what the keys do.
  const rest = `:${site.line}:${site.column} · ${site.receiver} · ${site.kind} · ${status} · context ${context}`;
  const title = `${cutStart(site.path, Math.max(12, width - 4 - shownWidth(rest)))}${rest}`;
  return (
    <Box flexDirection="column" width={width} height={height + 1}>
      <Text wrap="truncate-end" {...style('title')}>
        {'── '}
        <Shown text={title} />
        {` ${'─'.repeat(Math.max(0, width - shownWidth(title) - 4))}`}
      </Text>
      {fixed.map((row, i) => (
        <Row key={`pinned${i}`} row={row} />
      ))}
      {view.above > 0 ? <Text {...style('muted')}>{`  ↑ ${count(view.above, 'more line')} above`}</Text> : null}
      {scrolled.slice(view.start, view.start + view.count).map((row, i) => (
        <Row key={view.start + i} row={row} />
      ))}
      {view.below > 0 ? <Text {...style('muted')}>{`  ↓ ${count(view.below, 'more line')} below (PgDn/space)`}</Text> : null}
    </Box>
  );
}

function Row({ row }: { row: DiffRow }) {
  const style = useStyle();
  if (row.kind === 'hunk') return <Text wrap="truncate-end" {...style('hunk')}>{row.text}</Text>;
  if (row.kind === 'note') {
    return (
      <Text wrap="truncate-end" {...style(row.tone === 'warning' ? 'warning' : 'muted')}>
        <Shown text={row.text} />
      </Text>
    );
  }
  return <Line line={row.line} gutter={row.gutter} />;
}

const SIGNS = { add: '+', del: '-', context: ' ' } as const;

function Line({ line, gutter }: { line: DiffLine; gutter: number }) {
  const style = useStyle();
  const number = (n: number | null) => (n === null ? ' '.repeat(gutter) : String(n).padStart(gutter));
  const role = line.kind === 'add' ? 'add' : line.kind === 'del' ? 'del' : null;
  const word = line.kind === 'add' ? 'add-word' : 'del-word';
  // One source line in several segments: each goes on from the column where the previous one ended (tab stops).
  let column = 0;
  const segments = line.segments.map((segment) => {
    const shown = shownPieces(segment.text, column);
    column = shown.end;
    return { changed: segment.changed, pieces: shown.pieces };
  });
  return (
    <Text wrap="truncate-end">
      <Text {...style('line-number')}>{`${number(line.oldLine)} ${number(line.newLine)} `}</Text>
      <Text {...(role ? style(role) : {})}>
        {`${SIGNS[line.kind]} `}
        {segments.map((segment, i) => (
          <Text key={i} {...(segment.changed && role ? style(word) : {})}>
            <Pieces pieces={segment.pieces} />
          </Text>
        ))}
      </Text>
    </Text>
  );
}
