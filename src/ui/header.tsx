import { Box, Text } from 'ink';
import { cutEnd, cutStart, displayWidth, shownWidth } from '../core/columns.js';
import type { ReviewState } from './review-state.js';
import { countDecisions, findSite, positionOf } from './review-order.js';
import { Shown } from './shown.js';
import { filterWords, filtering, searchMatches, shownCounts } from './review-view.js';
import { Spinner } from './spinner.js';
import { useStyle } from './theme.js';
import { count } from '../core/count.js';

/**
 * Under a filter or a search, what the list shows and what the bulk keys act on; else null. Where it
 * is wider than `width`, the search's text is cut (to 3 characters at the least), then the files'
 * count left out, rather than the counts cut at the screen's edge.
 */
export function viewLine(state: ReviewState, width: number): string | null {
  const text = state.search?.text ?? '';
  const fit = (files: boolean): string | null => {
    const line = viewWords(state, text, files);
    if (line === null || shownWidth(line) <= width) return line;
    return viewWords(state, cutEnd(text, Math.max(4, shownWidth(text) - (shownWidth(line) - width))), files);
  };
  const line = fit(true);
  return line === null || shownWidth(line) <= width ? line : fit(false);
}

/** The filter and search line with the search's text as `text` (the counts are the whole search's). */
function viewWords(state: ReviewState, text: string, files: boolean): string | null {
  const parts: string[] = [];
  const search = state.search ? { ...state.search, text } : null;
  if (filtering(state.filters)) {
    const c = shownCounts(state);
    const inFiles = files ? ` (${c.files} of ${count(c.allFiles, 'file')})` : '';
    parts.push(`filter: ${filterWords(state.filters, search)} · ${c.sites} of ${count(c.allSites, 'site')} shown${inFiles} · a/d/A act on these`);
  }
  if (text) {
    const { ids, hidden } = searchMatches(state);
    const here = ids.indexOf(state.cursor ?? '');
    // On a match, which one of how many; else how many. The filter's words quote the text already under m.
    const where = here >= 0 ? `match ${here + 1}/${ids.length}` : count(ids.length, 'match', 'matches');
    const more = hidden > 0 ? `, ${hidden} hidden` : '';
    parts.push(`search${state.filters.matches ? '' : ` "${text}"`}: ${where}${more}`);
  }
  return parts.length > 0 ? parts.join('  |  ') : null;
}

/** How many lines the header takes: two, and the filter and search line when there is one. */
export function headerHeight(state: ReviewState): number {
  return filtering(state.filters) || state.search?.text ? 3 : 2;
}

/** Two lines: where the reviewer is and how far along, then the scan's state; then the filter and search line when there is one. */
export function Header({ state, width, animate }: { state: ReviewState; width: number; animate: boolean }) {
  const style = useStyle();
  const { plans, decisions, scan } = state;
  const pos = positionOf(plans, state.cursor);
  const counts = countDecisions(plans.flatMap((p) => p.sites), decisions);
  const path = findSite(plans, state.cursor)?.plan.path ?? '';
  const skipped = scan.skipped.length > 0 ? ` · ${count(scan.skipped.length, 'file')} skipped (listed in the summary)` : '';
  const where = pos.changes > 0 ? `change ${pos.change}/${pos.changes} · file ${pos.file}/${pos.files}` : 'switcheroo-migrate';
  // Under a filter the counts still count every site, and say so.
  const all = filtering(state.filters);
  const long = [`✔ ${counts.accepted} accepted`, `✎ ${counts.edited} edited`, `✘ ${counts.skipped} skipped`, `· ${counts.pending} pending${all ? ' (all sites)' : ''}`];
  // On a narrow terminal the counts keep their signs and lose their words, rather than be cut.
  const short = [`✔ ${counts.accepted}`, `✎ ${counts.edited}`, `✘ ${counts.skipped}`, `· ${counts.pending} pending${all ? ' (all)' : ''}`];
  const tally = displayWidth(`${where}  ${long.join('  ')}`) <= width ? long : short;
  // The path takes what is left of the line, cut from the left: its file name stays.
  const room = width - displayWidth(`${where}  ${tally.join('  ')}  `);
  const shownPath = path && room >= 8 ? cutStart(path, room) : '';
  // the mapper and why, or only its name, where the line has room: never cut
  const scanned = `scanned ${count(scan.filesScanned, 'file')} · ${count(scan.sites, 'site')} in ${count(plans.length, 'file')}${skipped}`;
  const mapper = [scan.mapper ? ` · mapper ${scan.mapper.name}: ${scan.mapper.why}` : '', scan.mapper ? ` · mapper ${scan.mapper.name}` : ''].find((m) => shownWidth(scanned + m) <= width) ?? '';
  const view = viewLine(state, width);
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
          {` scanning · ${count(scan.filesScanned, 'file')} read · ${count(scan.sites, 'site')} · ${scan.candidates} mentioning load_state_dict · ${view === null ? 'q/Esc' : 'q'} cancels`}
        </Text>
      ) : (
        <Text wrap="truncate-end" {...style('muted')}>
          {scanned}
          {mapper ? <Shown text={mapper} /> : null}
        </Text>
      )}
      {view === null ? null : (
        <Text wrap="truncate-end" {...style('edited')}>
          <Shown text={view} />
        </Text>
      )}
    </Box>
  );
}
