import { Box, Text } from 'ink';
import { useEffect, useMemo, useReducer, type ReactNode } from 'react';
import type { ScanRequest } from '../core/target.js';
import type { ScanEvent, ScanOptions } from '../core/types.js';
import { ConfirmQuit } from './confirm-quit.js';
import { diffRows, diffStart, focusRow, pinnedRows, viewport } from './diff-rows.js';
import { DiffView } from './diff-view.js';
import { EditView } from './edit-view.js';
import { Footer } from './footer.js';
import { Header, headerHeight } from './header.js';
import { HelpView, helpRows } from './help-view.js';
import { confirmQuitKeys, editFailedKeys, editorKeys, helpKeys, reviewFooterKeys, searchKeys, stopKeys, summaryKeys } from './keys.js';
import { menuItems } from './review-menus.js';
import { findSite, statusOf } from './review-order.js';
import { initialState, reviewReducer, type EditState } from './review-state.js';
import { filterWords, filtering } from './review-view.js';
import type { ReviewServices } from './services.js';
import { Shown } from './shown.js';
import { SiteList, listRows } from './site-list.js';
import { SummaryView, headlineLines, summaryLines, summaryListHeight, summaryOf } from './summary-view.js';
import { ColorProvider } from './theme.js';
import { useEdit } from './use-edit.js';
import { useReviewKeys } from './use-review-keys.js';
import { actionOf, useScan } from './use-scan.js';
import { useTerminalSize, type Size } from './use-terminal-size.js';
import { useWrite } from './use-write.js';
import { WriteView } from './write-view.js';

export interface AppProps {
  /** What to scan: one path, or several paths (core/target.ts). */
  root: string | ScanRequest;
  scanOptions: ScanOptions;
  services: ReviewServices;
  onExit: (code: number) => void;
  color?: boolean;
  /** Pins the size (tests); else the terminal's. */
  size?: Size;
  /** False freezes spinners (tests). */
  animate?: boolean;
  /** Shown while an external editor has the terminal. */
  editorName?: string | null;
  /** Subscribes to interrupts that do not come through the keyboard (SIGINT while the editor runs). */
  onInterrupt?: (listener: () => void) => () => void;
  /** Scan events that came before the review attached (the placeholder line showed them): the first frame starts from them. */
  seen?: readonly ScanEvent[];
}

const MIN = { columns: 40, rows: 14 };

function editFooter(edit: EditState) {
  if (edit.phase === 'failed') return editFailedKeys;
  return edit.inline ? editorKeys : stopKeys.slice(1);
}

/** The review: state, effects and layout. Each screen renders in its own component. */
export function App({ root, scanOptions, services, onExit, color = true, size: fixed, animate = true, editorName = null, onInterrupt, seen = [] }: AppProps) {
  const [state, dispatch] = useReducer(reviewReducer, seen, (events) => events.map(actionOf).reduce(reviewReducer, initialState()));
  const size = useTerminalSize(fixed);
  const width = size.columns;
  const height = size.rows - 1; // a full-height frame makes Ink clear the screen on every update

  useScan(services, root, scanOptions, dispatch);
  useEdit(state, services, dispatch);
  useWrite(state, services, dispatch, onExit);
  useEffect(() => onInterrupt?.(() => dispatch({ type: 'interrupt' })), [onInterrupt]);

  const selected = findSite(state.plans, state.cursor);
  const { plans, decisions, cursor, filters, search, folded } = state;
  const rows = useMemo(() => listRows({ plans, decisions, cursor, filters, search, folded }), [plans, decisions, cursor, filters, search, folded]);
  const body = height - 2 - headerHeight(state); // the footer takes two lines, the header two or three
  const listHeight = Math.min(rows.length, Math.max(3, Math.floor(body * 0.3)));
  const diffHeight = body - listHeight - 1;
  const { plan, site } = selected ?? {};
  const diff = useMemo(() => (plan && site ? diffRows(plan, site, state.decisions, state.context) : []), [plan, site, state.decisions, state.context]);
  const summary = useMemo(
    () => summaryOf(state.plans, state.decisions, state.gitModified, state.scan.skipped),
    [state.plans, state.decisions, state.gitModified, state.scan.skipped],
  );
  // The notes on top stay; the rest scrolls, starting where the change is in view.
  const pinned = Math.min(pinnedRows(diff), Math.max(0, diffHeight - 3));
  const scrolled = diff.length - pinned;
  const scrollHeight = diffHeight - pinned;
  const diffBase = site ? diffStart(scrolled, focusRow(diff, site.id) - pinned, scrollHeight) : 0;
  const diffTop = Math.max(0, Math.min(diffBase + state.scroll, viewport(scrolled, 0, scrollHeight).maxScroll));
  const help = useMemo(() => helpRows(width), [width]);
  const onSummary = state.screen === 'summary';
  const summaryList = useMemo(() => (onSummary ? summaryLines(summary, width) : []), [onSummary, summary, width]);
  const summaryHeight = summaryListHeight(body, headlineLines(summary, width).length);
  const paging =
    state.screen === 'summary'
      ? { page: Math.max(1, summaryHeight - 2), min: 0, max: viewport(summaryList.length, 0, summaryHeight).maxScroll }
      : state.screen === 'help'
        ? { page: Math.max(1, body - 3), min: 0, max: viewport(help.length, 0, body - 1).maxScroll }
        : { page: Math.max(1, scrollHeight - 2), min: -diffBase, max: viewport(scrolled, 0, scrollHeight).maxScroll - diffBase };
  useReviewKeys(state, dispatch, paging, services.openEditor === null);
  const labels = menuItems(state, summary.files).map((item) => item.label);

  const header = <Header state={state} width={width} animate={animate} />;
  const small = size.columns < MIN.columns || size.rows < MIN.rows;
  let screen;
  switch (state.screen) {
    case 'review':
      screen = small ? (
        <Text wrap="wrap">{`The terminal is ${size.columns}×${size.rows}; the review needs at least ${MIN.columns}×${MIN.rows}. Enlarge it, or press q.`}</Text>
      ) : selected && rows.length === 0 ? (
        <Box height={body}>
          <Text wrap="wrap">
            <Shown text={`No site is shown: the filter (${filterWords(filters, search)}) hides all ${plans.reduce((n, p) => n + p.sites.length, 0)}. Esc clears it; p, P, t and m change it.`} />
          </Text>
        </Box>
      ) : selected ? (
        <Box flexDirection="column">
          <SiteList rows={rows} height={listHeight} width={width} />
          <DiffView
            site={selected.site}
            status={statusOf(selected.site, state.decisions.get(selected.site.id))}
            rows={diff}
            pinned={pinned}
            top={diffTop}
            context={state.context}
            height={diffHeight}
            width={width}
          />
        </Box>
      ) : (
        <Box height={body}>
          <Text>Waiting for the first load_state_dict call…</Text>
        </Box>
      );
      return frame(
        header,
        screen,
        <Footer
          bindings={search?.typing ? searchKeys : selected ? reviewFooterKeys(filtering(filters), search !== null) : stopKeys}
          message={state.message}
          prompt={search?.typing ? search.text : null}
          width={width}
          withHelp={Boolean(selected) && !search?.typing}
        />,
      );
    case 'help':
      return frame(header, <HelpView rows={help} top={state.scroll} width={width} height={body} />, <Footer bindings={helpKeys} message={null} width={width} withHelp={false} />);
    case 'edit':
      if (!state.edit || !selected) return null;
      screen = (
        <EditView
          edit={state.edit}
          site={selected.site}
          editorName={editorName}
          width={width}
          height={body}
          menu={labels}
          selected={state.menu}
        />
      );
      return frame(header, screen, <Footer bindings={editFooter(state.edit)} message={state.message} width={width} withHelp={false} />);
    case 'summary':
      screen = <SummaryView summary={summary} lines={summaryList} scroll={state.scroll} height={body} width={width} menu={labels} selected={state.menu} filtered={filtering(filters)} />;
      return frame(header, screen, <Footer bindings={summaryKeys} message={state.message} width={width} withHelp={false} />);
    case 'confirm-quit':
      screen = <ConfirmQuit decisions={state.decisions.size} width={width} menu={labels} selected={state.menu} />;
      return frame(header, screen, <Footer bindings={confirmQuitKeys} message={null} width={width} withHelp={false} />);
    case 'writing':
    case 'done':
      return (
        <ColorProvider value={color}>
          <WriteView state={state} total={summary.files} height={body} width={width} animate={animate} />
          {state.message ? (
            <Text>
              <Shown text={state.message} />
            </Text>
          ) : null}
        </ColorProvider>
      );
  }

  function frame(top: ReactNode, middle: ReactNode, bottom: ReactNode) {
    return (
      <ColorProvider value={color}>
        <Box flexDirection="column" width={width} height={height}>
          {/* The header and footer keep their lines: a middle that held more could not shrink them (each screen fits its own). */}
          <Box flexShrink={0}>{top}</Box>
          <Box flexDirection="column" flexGrow={1} flexShrink={1}>
            {middle}
          </Box>
          <Box flexShrink={0}>{bottom}</Box>
        </Box>
      </ColorProvider>
    );
  }
}
