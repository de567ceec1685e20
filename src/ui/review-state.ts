import type { Key } from 'ink';
import type { Decision, FilePlan, MapperChoice, ScanResult, Site, Skipped, WriteResult } from '../core/types.js';
import { acceptAll, acceptRestOfFile, decideOne, openSummary, skipRestOfFile, undo } from './review-decide.js';
import { checkedEdit, startEdit, submitEdit } from './review-edit.js';
import { editorPieces, keyOfChar } from './keys.js';
import { keyAction, type KeyContext } from './review-keys.js';
import { menuItems } from './review-menus.js';
import { finish, gitAnswered, pressWrite, startWrite, writeBlocked, writeDone } from './review-write.js';
import { firstSite, findSite, sortPlans } from './review-order.js';
import { browse, isBrowse, type BrowseAction } from './review-browse.js';
import { NO_FILTERS, settledCursor, type Filters, type Search } from './review-view.js';
import { applyTextOp, type TextBuffer, type TextOp } from './text-edit.js';
import { count } from '../core/count.js';
import { siteWhere } from '../core/where.js';

/** Which screen is up. Scanning is not a screen: the review shows while the scan streams files in. */
export type Screen = 'review' | 'help' | 'edit' | 'summary' | 'confirm-quit' | 'writing' | 'done';

export interface EditState {
  siteId: string;
  /** The statement's lines as the file has them, and the number of the first. */
  original: string;
  firstLine: number;
  buffer: TextBuffer;
  /** The text the edit started from; submitting it unchanged records nothing. */
  offered: string;
  inline: boolean;
  /** `checking` waits for checkEdit; `failed` shows its error and offers edit again / discard. */
  phase: 'editing' | 'checking' | 'failed';
  error: string | null;
}

export interface ScanState {
  status: 'running' | 'done' | 'failed';
  filesScanned: number;
  candidates: number;
  sites: number;
  skipped: Skipped[];
  /** The KeyMapper flavour the rewrites are written for, and why (known when the scan is done). */
  mapper?: MapperChoice;
}

/** One undo step: the decisions it replaced and where the cursor was. */
export interface UndoStep {
  changes: Array<{ id: string; before: Decision | undefined }>;
  cursor: string;
}

export interface ReviewState {
  /** The scanned root as the core resolved it (set when the scan is done). */
  root: string;
  plans: FilePlan[];
  scan: ScanState;
  decisions: ReadonlyMap<string, Decision>;
  history: UndoStep[];
  cursor: string | null;
  /** What the list hides (never a decision), the `/` search, and the files folded into their row. */
  filters: Filters;
  search: Search | null;
  folded: ReadonlySet<string>;
  /** Set once the reviewer moves or decides; until then the cursor follows the first site as files stream in. */
  pinned: boolean;
  context: number;
  /**
   * Rows the panel on screen (diff, summary, help) is scrolled from where it starts: the diff starts
   * where the change is in view, so this may be negative to show what is above.
   */
  scroll: number;
  screen: Screen;
  /** Where help and the quit confirmation return to. */
  previous: Screen;
  edit: EditState | null;
  /** One line for the reviewer, cleared by the next key. */
  message: string | null;
  /** The highlighted row of the menu on screen (summary, quit confirmation, failed edit). */
  menu: number;
  /**
   * Whether `w` on the summary writes. A summary the reviewer opened with `w` is armed; one that opened
   * by itself (after the last decision, or when the scan ended) is not, so that a `w` or Enter typed
   * for the review does not write: its first `w` only highlights Write.
   */
  writeArmed: boolean;
  /** `w` came while scanning: the summary opens when the scan is done. */
  summaryWanted: boolean;
  gitModified: ReadonlySet<string> | null;
  /** `w` came before git answered: write when it does, unless it reports uncommitted changes. */
  writeRequested: boolean;
  results: WriteResult[];
  interrupted: boolean;
  exitCode: number | null;
  /** The done screen's headline. */
  outcome: string;
}

export type ReviewAction =
  | { type: 'scan-progress'; filesScanned: number; candidates: number; sites: number }
  | { type: 'scan-file'; plan: FilePlan }
  | { type: 'scan-skipped'; skipped: Skipped }
  | { type: 'scan-done'; result: ScanResult }
  | { type: 'scan-failed'; message: string }
  | { type: 'batch'; actions: ReviewAction[] }
  | { type: 'accept' | 'skip' | 'accept-file' | 'skip-file' | 'accept-all' | 'undo' }
  | BrowseAction
  | { type: 'scroll'; delta: number; min: number; max: number }
  | { type: 'context'; delta: number }
  | { type: 'help' | 'summary' | 'back' | 'quit' | 'interrupt' | 'write' | 'start-write' }
  | ({ type: 'key'; input: string; key: Key } & KeyContext)
  | { type: 'menu-move'; delta: number }
  | { type: 'menu-choose' }
  | { type: 'edit-start'; inline: boolean }
  | { type: 'edit-op'; op: TextOp }
  | { type: 'edit-submit'; text: string }
  | { type: 'edit-checked'; error: string | null }
  | { type: 'edit-again' }
  | { type: 'edit-discard'; message?: string }
  | { type: 'git-modified'; paths: ReadonlySet<string> }
  | { type: 'write-result'; result: WriteResult }
  | { type: 'write-done'; results: WriteResult[] }
  /** Nothing was written: another run holds the project (or the lock could not be taken). */
  | { type: 'write-blocked'; message: string };

const DEFAULT_CONTEXT = 3;
const MAX_CONTEXT = 20;

export function initialState(): ReviewState {
  return {
    root: '',
    plans: [],
    scan: { status: 'running', filesScanned: 0, candidates: 0, sites: 0, skipped: [] },
    decisions: new Map(),
    history: [],
    cursor: null,
    filters: NO_FILTERS,
    search: null,
    folded: new Set(),
    pinned: false,
    context: DEFAULT_CONTEXT,
    scroll: 0,
    screen: 'review',
    previous: 'review',
    edit: null,
    message: null,
    menu: 0,
    writeArmed: false,
    summaryWanted: false,
    gitModified: null,
    writeRequested: false,
    results: [],
    interrupted: false,
    exitCode: null,
    outcome: '',
  };
}

/** `path:line`, or a notebook site by its cell. */
const where = (site: Site): string => (site.cell === undefined ? `${site.path}:${site.line}` : siteWhere(site));

/**
 * Kinds and hints are settled again once every file is indexed (a class may live in a file read
 * later): a site accepted while it was proposed, and no longer proposed, loses its acceptance, as
 * does one whose rewrite changed (its hints), and the reviewer is told. Decisions the reviewer took on
 * a site that was not proposed, and edits, stay.
 */
function withdrawSettled(state: ReviewState, files: readonly FilePlan[], mapper?: MapperChoice): { decisions: ReviewState['decisions']; message: string | null } {
  const before = new Map(state.plans.flatMap((p) => p.sites.map((site) => [site.id, site] as const)));
  const accepted = files.flatMap((p) => p.sites).filter((site) => before.get(site.id)?.proposed === true && state.decisions.get(site.id)?.type === 'accepted');
  const dropped = accepted.filter((site) => !site.proposed);
  const changed = accepted.filter((site) => site.proposed && site.replacement !== before.get(site.id)?.replacement);
  if (dropped.length + changed.length === 0) return { decisions: state.decisions, message: null };
  const decisions = new Map(state.decisions);
  for (const site of [...dropped, ...changed]) decisions.delete(site.id);
  const parts: string[] = [];
  const first = dropped[0];
  if (first) parts.push(`${count(dropped.length, 'acceptance')} taken back: with every file read, the receiver is not a model (${where(first)}: ${first.reason}). y accepts it anyway.`);
  const other = changed[0];
  if (other) {
    // the project's mapper (a file read later imports flax.nnx), the name, or else the hints changed the rewrite
    const was = before.get(other.id);
    const inPlace = (text: string | undefined) => text?.includes('KeyMapper.load_into(') ?? false;
    const remapped = mapper && inPlace(other.replacement) !== inPlace(was?.replacement);
    const renamed = other.target !== undefined && other.target !== was?.target;
    const why = remapped ? `mapper ${mapper.name}: ${mapper.why}` : renamed ? `it assigns \`${other.target}\` now` : "the hints read from the model's source";
    parts.push(`${count(changed.length, 'acceptance')} taken back: with every file read, the rewrite changed (${where(other)}: ${why}). y accepts the new one.`);
  }
  return { decisions, message: parts.join(' ') };
}

function withPlans(state: ReviewState, plans: FilePlan[]): ReviewState {
  const sorted = sortPlans(plans);
  const cursor = state.pinned && findSite(sorted, state.cursor) ? state.cursor : firstSite(sorted);
  return { ...state, plans: sorted, cursor };
}

/**
 * The review's reducer. Pure: every side effect runs in hooks that watch the state. After each step
 * the cursor is on a row the list shows (see settledCursor), whatever filters, folds or decisions hid.
 */
export function reviewReducer(state: ReviewState, action: ReviewAction): ReviewState {
  const next = step(state, action);
  const keys = ['plans', 'decisions', 'cursor', 'filters', 'search', 'folded'] as const;
  if (keys.every((key) => next[key] === state[key])) return next;
  const cursor = settledCursor(next);
  return cursor === next.cursor ? next : { ...next, cursor };
}

function step(state: ReviewState, action: ReviewAction): ReviewState {
  const s = { ...state, message: null };
  // Esc clears the search, then the filters; with neither, it is q.
  if (isBrowse(action)) return browse(s, action) ?? step(s, { type: 'quit' });
  switch (action.type) {
    case 'batch':
      return action.actions.reduce(reviewReducer, state);
    case 'scan-progress': {
      const { filesScanned, candidates, sites } = action;
      return { ...state, scan: { ...state.scan, filesScanned, candidates, sites } };
    }
    case 'scan-file':
      return withPlans(state, [...state.plans.filter((p) => p.path !== action.plan.path), action.plan]);
    case 'scan-skipped':
      return { ...state, scan: { ...state.scan, skipped: [...state.scan.skipped, action.skipped] } };
    case 'scan-done': {
      const { stats, files, skipped, mapper } = action.result;
      const scan: ScanState = { status: 'done', ...stats, skipped, mapper };
      const settled = withdrawSettled(state, files, mapper);
      const next = { ...withPlans({ ...state, scan, root: action.result.root, summaryWanted: false, decisions: settled.decisions }, files), ...(settled.message ? { message: settled.message } : {}) };
      if (next.plans.length === 0 && state.screen !== 'done') return finish(next, 0, `No load_state_dict calls found in ${count(stats.filesScanned, 'file')}. Nothing to do.`);
      if (!state.summaryWanted) return next;
      if (state.screen !== 'review') return { ...next, message: 'The scan is done: press w for the summary.' };
      return openSummary(next, 'The scan is done: the summary you asked for. w: choose Write');
    }
    case 'scan-failed':
      return finish({ ...state, scan: { ...state.scan, status: 'failed' } }, 2, `The scan failed: ${action.message}`);
    case 'accept':
    case 'skip':
      return decideOne(s, action.type);
    case 'accept-file':
      return acceptRestOfFile(s);
    case 'skip-file':
      return skipRestOfFile(s);
    case 'accept-all':
      return acceptAll(s);
    case 'undo':
      return undo(s);
    case 'scroll':
      return { ...s, scroll: Math.max(action.min, Math.min(action.max, s.scroll + action.delta)) };
    case 'context':
      return { ...s, context: Math.max(0, Math.min(MAX_CONTEXT, s.context + action.delta)), scroll: 0 };
    case 'help':
      return { ...s, screen: 'help', previous: s.screen, scroll: 0 };
    case 'summary':
      if (s.scan.status === 'running') {
        return { ...s, summaryWanted: true, message: `The summary opens when the scan is done (${count(s.scan.filesScanned, 'file')} read so far).` };
      }
      return { ...s, screen: 'summary', scroll: 0, gitModified: null, writeRequested: false, menu: 0, writeArmed: true };
    case 'back':
      if (s.screen === 'summary') return { ...s, screen: 'review', scroll: 0, writeRequested: false };
      if (s.screen === 'help') return { ...s, screen: s.previous, scroll: 0 };
      return s.screen === 'confirm-quit' ? { ...s, screen: s.previous } : s;
    case 'quit':
      if (s.screen === 'confirm-quit' || s.decisions.size === 0) return finish(s, 0, 'Quit: nothing written.');
      return { ...s, screen: 'confirm-quit', previous: s.screen, menu: 0 };
    case 'interrupt':
      if (s.screen === 'writing') return { ...s, interrupted: true, message: 'Stopping once the file being written is done…' };
      return finish(s, 130, 'Interrupted: nothing written.');
    case 'write':
      return pressWrite(s);
    case 'start-write':
      return startWrite(s);
    case 'key': {
      // Keys that arrive together come as one string: each is read against the state the one before left.
      // The inline editor takes a run of text in it as typed or pasted text, and each control character as its key.
      if (action.input.length > 1) {
        const editing = state.screen === 'edit' && state.edit?.inline === true && state.edit.phase === 'editing';
        const pieces = editing ? editorPieces(action.input, action.key) : [...action.input].map((char) => keyOfChar(char, action.key));
        if (pieces.length > 1) return pieces.reduce((next, piece) => reviewReducer(next, { ...action, ...piece, raw: undefined }), state);
      }
      const next = keyAction(state, action.input, action.key, action);
      return next ? reviewReducer(state, next) : state;
    }
    case 'menu-move': {
      const last = menuItems(s).length - 1;
      return last < 0 ? s : { ...s, menu: Math.max(0, Math.min(last, s.menu + action.delta)) };
    }
    case 'menu-choose': {
      const item = menuItems(s)[s.menu];
      return item ? reviewReducer(s, item.action) : s;
    }
    case 'edit-start':
      return startEdit(s, action.inline);
    case 'edit-op':
      return s.edit ? { ...s, edit: { ...s.edit, buffer: applyTextOp(s.edit.buffer, action.op) } } : s;
    case 'edit-submit':
      return submitEdit(s, action.text);
    case 'edit-checked':
      return checkedEdit(s, action.error);
    case 'edit-again':
      return s.edit ? { ...s, edit: { ...s.edit, phase: 'editing', error: null } } : s;
    case 'edit-discard':
      return { ...s, screen: 'review', edit: null, message: action.message ?? 'Edit discarded.' };
    case 'git-modified':
      return gitAnswered(state, action.paths);
    case 'write-result':
      return { ...state, results: [...state.results, action.result] };
    case 'write-done':
      return writeDone(state, action.results);
    case 'write-blocked':
      return writeBlocked(state, action.message);
  }
}

