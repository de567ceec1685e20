/**
 * Issue 13 in the reducer: search, filters, folds and jumps. Every key that changes a decision is
 * tried under each filter: it acts on the shown sites only, and `u` takes the step back whole.
 */
import { describe, expect, it } from 'vitest';
import type { Decision, ScanResult, Site } from '../../src/core/types.js';
import { initialState, reviewReducer, type ReviewAction, type ReviewState } from '../../src/ui/review-state.js';
import { entries } from '../../src/ui/review-view.js';
import { viewLine } from '../../src/ui/header.js';
import { shownWidth } from '../../src/core/columns.js';
import { plan, site } from './plans.js';
import { ENTER, ESC, press, SHIFT_TAB, TAB } from './press.js';

const run = (state: ReviewState, ...actions: ReviewAction[]) => actions.reduce(reviewReducer, state);

/** A site proposed although not a module, as `--include non-module` makes it. */
const included = (s: Site): Site => ({ ...s, proposed: true, reason: '' });

// a.py: two models, an optimizer proposed under --include, an unknown; b.py: a unet, a super() forward, an unsupported call; c.py: a model, a unet.
const a = plan('a.py', [site('a.py', 3), site('a.py', 9), included(site('a.py', 20, 'non-module', 'optimizer')), site('a.py', 25, 'unknown', 'obj')]);
const b = plan('b.py', [site('b.py', 2, 'module', 'self.unet'), site('b.py', 5, 'super', 'super()'), site('b.py', 8, 'unsupported', 'net')]);
const c = plan('c.py', [site('c.py', 4), site('c.py', 9, 'module', 'unet')]);
const result: ScanResult = { root: '/project', files: [a, b, c], skipped: [], stats: { filesScanned: 3, candidates: 3, sites: 9, proposed: 6, ms: 1 } };

/** The scan done, and a.py:9 skipped: so "pending" and "proposed" differ. */
function start(): ReviewState {
  const s = run(initialState(), { type: 'scan-done', result }, { type: 'move', delta: 1 }, press('n'));
  expect(decisionsOf(s)).toEqual({ 'a.py:9:1': 'skipped' });
  return run(s, press('g'));
}

function decisionsOf(s: ReviewState): Record<string, Decision['type']> {
  return Object.fromEntries([...s.decisions].map(([id, d]) => [id, d.type]));
}
const listedIds = (s: ReviewState) => entries(s).map((e) => e.id);
const search = (text: string) => [press('/'), ...[...text].map((ch) => press(ch)), ENTER];

interface Setup {
  name: string;
  keys: ReviewAction[];
  shown: string[];
}

const SETUPS: Setup[] = [
  { name: 'no filter', keys: [], shown: ['a.py:3:1', 'a.py:9:1', 'a.py:20:1', 'a.py:25:1', 'b.py:2:1', 'b.py:5:1', 'b.py:8:1', 'c.py:4:1', 'c.py:9:1'] },
  { name: 'only pending (p)', keys: [press('p')], shown: ['a.py:3:1', 'a.py:20:1', 'b.py:2:1', 'c.py:4:1', 'c.py:9:1'] },
  { name: 'only proposed (P)', keys: [press('P', { shift: true })], shown: ['a.py:3:1', 'a.py:9:1', 'a.py:20:1', 'b.py:2:1', 'c.py:4:1', 'c.py:9:1'] },
  { name: 'kind module (t)', keys: [press('t')], shown: ['a.py:3:1', 'a.py:9:1', 'b.py:2:1', 'c.py:4:1', 'c.py:9:1'] },
  { name: 'kind non-module (t t)', keys: [press('t'), press('t')], shown: ['a.py:20:1'] },
  { name: 'kind unknown (t t t)', keys: [press('t'), press('t'), press('t')], shown: ['a.py:25:1'] },
  { name: 'kind super (T T)', keys: [press('T', { shift: true }), press('T', { shift: true })], shown: ['b.py:5:1'] },
  { name: 'kind unsupported (T)', keys: [press('T', { shift: true })], shown: ['b.py:8:1'] },
  { name: 'matches of "unet" (/unet⏎ m)', keys: [...search('unet'), press('m')], shown: ['b.py:2:1', 'c.py:9:1'] },
  { name: 'pending and kind module (p t)', keys: [press('p'), press('t')], shown: ['a.py:3:1', 'b.py:2:1', 'c.py:4:1', 'c.py:9:1'] },
];

/** What each decision key does from the first shown row, under each setup: the decisions added (a.py:9 stays skipped throughout). */
const EXPECTED: Record<string, Record<string, Record<string, Decision['type']>>> = {
  'no filter': {
    y: { 'a.py:3:1': 'accepted' },
    n: { 'a.py:3:1': 'skipped' },
    a: { 'a.py:3:1': 'accepted', 'a.py:20:1': 'accepted' },
    d: { 'a.py:3:1': 'skipped', 'a.py:20:1': 'skipped' },
    A: { 'a.py:3:1': 'accepted', 'a.py:20:1': 'accepted', 'b.py:2:1': 'accepted', 'c.py:4:1': 'accepted', 'c.py:9:1': 'accepted' },
  },
  'only pending (p)': {
    y: { 'a.py:3:1': 'accepted' },
    n: { 'a.py:3:1': 'skipped' },
    a: { 'a.py:3:1': 'accepted', 'a.py:20:1': 'accepted' },
    d: { 'a.py:3:1': 'skipped', 'a.py:20:1': 'skipped' },
    A: { 'a.py:3:1': 'accepted', 'a.py:20:1': 'accepted', 'b.py:2:1': 'accepted', 'c.py:4:1': 'accepted', 'c.py:9:1': 'accepted' },
  },
  'only proposed (P)': {
    y: { 'a.py:3:1': 'accepted' },
    n: { 'a.py:3:1': 'skipped' },
    a: { 'a.py:3:1': 'accepted', 'a.py:20:1': 'accepted' },
    d: { 'a.py:3:1': 'skipped', 'a.py:20:1': 'skipped' },
    A: { 'a.py:3:1': 'accepted', 'a.py:20:1': 'accepted', 'b.py:2:1': 'accepted', 'c.py:4:1': 'accepted', 'c.py:9:1': 'accepted' },
  },
  'kind module (t)': {
    y: { 'a.py:3:1': 'accepted' },
    n: { 'a.py:3:1': 'skipped' },
    a: { 'a.py:3:1': 'accepted' }, // the optimizer after it is hidden
    d: { 'a.py:3:1': 'skipped' },
    A: { 'a.py:3:1': 'accepted', 'b.py:2:1': 'accepted', 'c.py:4:1': 'accepted', 'c.py:9:1': 'accepted' },
  },
  'kind non-module (t t)': {
    y: { 'a.py:20:1': 'accepted' },
    n: { 'a.py:20:1': 'skipped' },
    a: { 'a.py:20:1': 'accepted' },
    d: { 'a.py:20:1': 'skipped' },
    A: { 'a.py:20:1': 'accepted' },
  },
  'kind unknown (t t t)': {
    y: { 'a.py:25:1': 'accepted' }, // not proposed, but its rewrite may be accepted one by one
    n: { 'a.py:25:1': 'skipped' },
    a: {}, // bulk keys take only proposed sites
    d: {},
    A: {},
  },
  'kind super (T T)': {
    y: {}, // a super() forward is never rewritten
    n: { 'b.py:5:1': 'skipped' },
    a: {},
    d: {},
    A: {},
  },
  'kind unsupported (T)': {
    y: {}, // no rewrite to accept: e writes one
    n: { 'b.py:8:1': 'skipped' },
    a: {},
    d: {}, // not proposed: nothing pending to skip
    A: {},
  },
  'matches of "unet" (/unet⏎ m)': {
    y: { 'b.py:2:1': 'accepted' },
    n: { 'b.py:2:1': 'skipped' },
    a: { 'b.py:2:1': 'accepted' },
    d: { 'b.py:2:1': 'skipped' },
    A: { 'b.py:2:1': 'accepted', 'c.py:9:1': 'accepted' },
  },
  'pending and kind module (p t)': {
    y: { 'a.py:3:1': 'accepted' },
    n: { 'a.py:3:1': 'skipped' },
    a: { 'a.py:3:1': 'accepted' },
    d: { 'a.py:3:1': 'skipped' },
    A: { 'a.py:3:1': 'accepted', 'b.py:2:1': 'accepted', 'c.py:4:1': 'accepted', 'c.py:9:1': 'accepted' },
  },
};

describe.each(SETUPS)('under $name', ({ name, keys, shown }) => {
  const filtered = () => run(start(), ...keys, press('g'));

  it('lists exactly the sites it lets through, and the cursor is on the first', () => {
    const s = filtered();
    expect(listedIds(s)).toEqual(shown);
    expect(s.cursor).toBe(shown[0]);
  });

  it.each(['y', 'Enter', 'n', 'a', 'd', 'A'])('%s decides the shown sites only, and u takes the step back whole', (key) => {
    const before = filtered();
    const after = run(before, key === 'Enter' ? ENTER : press(key, { shift: key === 'A' }));
    expect(decisionsOf(after)).toEqual({ 'a.py:9:1': 'skipped', ...EXPECTED[name]?.[key === 'Enter' ? 'y' : key] });
    const added = Object.keys(EXPECTED[name]?.[key === 'Enter' ? 'y' : key] ?? {}).length;
    expect(after.history.length - before.history.length).toBe(added > 0 ? 1 : 0);
    if (added === 0) return;
    const undone = run(after, press('u'));
    expect(decisionsOf(undone)).toEqual(decisionsOf(before));
    expect(undone.history).toEqual(before.history);
  });
});

describe('e under a filter', () => {
  it('edits the selected shown site; the edit is its decision and the cursor moves on among the shown', () => {
    const s = run(start(), press('t'), press(']'), press('e'));
    expect([s.screen, s.edit?.siteId]).toEqual(['edit', 'b.py:2:1']);
    const edited = run(s, { type: 'edit-submit', text: 'params = KeyMapper.from_torch(sd)' }, { type: 'edit-checked', error: null });
    expect(decisionsOf(edited)).toEqual({ 'a.py:9:1': 'skipped', 'b.py:2:1': 'edited' });
    expect(edited.cursor).toBe('c.py:4:1');
    expect(decisionsOf(run(edited, press('u')))).toEqual({ 'a.py:9:1': 'skipped' });
  });

  it('an edit keeps its site when the filter hid it meanwhile (the scan settled its kind)', () => {
    const s = run(start(), press('t'), press('e'), { type: 'edit-submit', text: 'params = KeyMapper.from_torch(sd)' });
    const hidden = { ...s, filters: { ...s.filters, kind: 'non-module' as const } };
    const edited = run(hidden, { type: 'edit-checked', error: null });
    expect(decisionsOf(edited)).toEqual({ 'a.py:9:1': 'skipped', 'a.py:3:1': 'edited' });
  });
});

describe('bulk keys say what they act on', () => {
  it('A under a filter says it accepted the shown ones and left the hidden as they were', () => {
    const s = run(start(), press('t'), press('A', { shift: true }));
    expect(s.message).toMatch(/^Accepted 4 changes shown; hidden ones stay as they were\./);
    const all = run(start(), press('A', { shift: true }));
    expect(all.message).not.toMatch(/shown/);
  });

  it('while scanning, A under a filter says both: found so far, and shown', () => {
    const s = run(initialState(), { type: 'scan-file', plan: a }, press('t'), press('A', { shift: true }));
    expect(s.message).toBe('Accepted 2 changes found so far among those shown; hidden ones stay as they were; the scan goes on, and later ones stay pending.');
    expect(decisionsOf(s)).toEqual({ 'a.py:3:1': 'accepted', 'a.py:9:1': 'accepted' });
  });

  it('undo of a bulk step says how many of its sites the filter hides now', () => {
    const decided = run(start(), press('A', { shift: true }));
    expect(decided.screen).toBe('summary'); // every change decided: it opened by itself
    const s = run(decided, press('b'), press('t'), press('t'), press('u'));
    expect(s.message).toBe('Undone: 5 decisions (4 of them hidden by the filter).');
    expect(decisionsOf(s)).toEqual({ 'a.py:9:1': 'skipped' });
  });
});

describe('only pending', () => {
  it('a decided site leaves the list and the cursor goes to the next shown one', () => {
    const s = run(start(), press('p'), press('y'));
    expect(listedIds(s)).toEqual(['a.py:20:1', 'b.py:2:1', 'c.py:4:1', 'c.py:9:1']);
    expect(s.cursor).toBe('a.py:20:1');
  });

  it('when the last shown one is decided and others are hidden, says so and does not open the summary', () => {
    const s = run(start(), press('t'), press('t'), press('p'), press('y'));
    expect(s.screen).toBe('review');
    expect(listedIds(s)).toEqual([]);
    expect(s.message).toBe('None pending is shown; 4 hidden (Esc clears the filter).');
    // nothing listed: y and e refuse, and say why
    expect(run(s, press('y')).message).toBe('The filter (pending · kind non-module) hides every site: Esc clears it.');
    expect(run(s, press('e')).screen).toBe('review');
  });
});

describe('search', () => {
  it('/unet⏎ typed in one burst goes to the first match; its n is text, not a skip', () => {
    const s = run(start(), press('/unet\r'));
    expect(s.search).toEqual({ text: 'unet', typing: false });
    expect(s.cursor).toBe('b.py:2:1');
    expect(decisionsOf(s)).toEqual({ 'a.py:9:1': 'skipped' });
    expect(s.message).toBe('"unet": 2 matches · match 1/2 · Tab/Shift-Tab: next/previous (n still skips)');
  });

  it('matches path, receiver and source; smart case: a capital letter matches case', () => {
    const s = start();
    expect(run(s, ...search('c.py')).cursor).toBe('c.py:4:1'); // the path
    expect(run(s, ...search('OPTIM')).message).toMatch(/^Nothing shown matches "OPTIM"/);
    expect(run(s, ...search('optim')).cursor).toBe('a.py:20:1'); // the receiver, any case
    expect(run(s, ...search('zzz')).cursor).toBe(s.cursor); // no match keeps the cursor
    expect(run(s, ...search('from_torch')).message).toMatch(/^Nothing shown matches/); // the proposal is not the source
    expect(run(s, ...search('state_dict(sd)')).message).toMatch(/^"state_dict\(sd\)": 9 matches/); // the source line
  });

  it('Tab and Shift-Tab go to the next and previous match, wrapping, unfolding a folded file', () => {
    let s = run(start(), ...search('unet'));
    s = run(s, TAB);
    expect([s.cursor, s.message]).toEqual(['c.py:9:1', '"unet": 2 matches · match 2/2']);
    s = run(s, TAB);
    expect([s.cursor, s.message]).toEqual(['b.py:2:1', '"unet": 2 matches · match 1/2, from the top']);
    s = run(s, SHIFT_TAB);
    expect(s.cursor).toBe('c.py:9:1');
    s = run(s, press('g'), press('Z', { shift: true }));
    expect(s.folded.size).toBe(3);
    s = run(s, TAB);
    expect(s.cursor).toBe('b.py:2:1');
    expect(s.folded.has('b.py')).toBe(false);
  });

  it('y after a search accepts the match and moves on; Esc clears the search, then the filters, then quits', () => {
    let s = run(start(), ...search('unet'), press('y'));
    expect(decisionsOf(s)).toEqual({ 'a.py:9:1': 'skipped', 'b.py:2:1': 'accepted' });
    s = run(s, press('p'));
    expect(s.filters.pending).toBe(true);
    s = run(s, ESC);
    expect([s.search, s.filters.pending, s.screen]).toEqual([null, true, 'review']);
    s = run(s, ESC);
    expect([s.filters.pending, s.screen]).toEqual([false, 'review']);
    expect(run(s, ESC).screen).toBe('confirm-quit'); // decisions were taken: quitting asks first
  });

  it('Esc in the prompt clears the search; Backspace erases; Enter on nothing clears', () => {
    let s = run(start(), press('/'), press('u'), press('x'), press('', { backspace: true }));
    expect(s.search).toEqual({ text: 'u', typing: true });
    s = run(s, ESC);
    expect(s.search).toBe(null);
    expect(run(start(), press('/'), ENTER).search).toBe(null);
  });

  it('m without a search says how to start one; clearing the search lifts the matches filter', () => {
    expect(run(start(), press('m')).message).toBe('m lists only the matches of a search: / starts one.');
    const s = run(start(), ...search('unet'), press('m'), ESC);
    expect([s.search, s.filters.matches, listedIds(s).length]).toEqual([null, false, 9]);
  });
});

describe('the header\'s filter and search line', () => {
  it('says which match the selection is, else how many there are', () => {
    const s = run(start(), ...search('unet'), press('m'));
    expect(viewLine(s, 200)).toBe('filter: matches of "unet" · 2 of 9 sites shown (2 of 3 files) · a/d/A act on these  |  search: match 1/2');
    expect(viewLine(run(start(), ...search('unet'), press('g')), 200)).toBe('search "unet": 2 matches');
    expect(viewLine(run(start(), ...search('unet'), press('p'), press('t'), press('t')), 200)).toBe(
      'filter: pending · kind non-module · 1 of 9 sites shown (1 of 3 files) · a/d/A act on these  |  search "unet": 0 matches, 2 hidden',
    );
    expect(viewLine(start(), 200)).toBe(null);
  });

  it('fits its width by cutting the search\'s text, then leaving out the files, never cutting a count', () => {
    const s = run(start(), ...search('self.unet.load_state_dict(sd)'), press('p'));
    const full = viewLine(s, 500) ?? '';
    expect(full).toBe('filter: pending · 5 of 9 sites shown (3 of 3 files) · a/d/A act on these  |  search "self.unet.load_state_dict(sd)": match 1/1');
    for (const width of [101, 110, shownWidth(full) - 1]) {
      const line = viewLine(s, width) ?? '';
      expect(shownWidth(line), `${width}`).toBeLessThanOrEqual(width);
      expect(line, `${width}`).toMatch(/^filter: pending · 5 of 9 sites shown \(3 of 3 files\) · a\/d\/A act on these {2}\| {2}search "sel[^"]*…": match 1\/1$/);
    }
    expect(viewLine(s, 100)).toBe('filter: pending · 5 of 9 sites shown · a/d/A act on these  |  search "self.unet.load_st…": match 1/1');
    // narrower still: the line is cut at the screen's edge, as every header line is
    expect(viewLine(s, 40)).toBe('filter: pending · 5 of 9 sites shown · a/d/A act on these  |  search "sel…": match 1/1');
  });
});

describe('moving and folding', () => {
  it('] and [ go file to file, g and G to the ends, over the shown rows only', () => {
    let s = start();
    s = run(s, press(']'));
    expect(s.cursor).toBe('b.py:2:1');
    s = run(s, press(']'), press(']'));
    expect([s.cursor, s.message]).toEqual(['c.py:4:1', 'This is the last file shown.']);
    s = run(s, press('['));
    expect(s.cursor).toBe('b.py:2:1');
    expect(run(s, press('G', { shift: true })).cursor).toBe('c.py:9:1');
    const filtered = run(start(), press('t'), press('t'), press('G', { shift: true }));
    expect(filtered.cursor).toBe('a.py:20:1');
  });

  it('z folds the file into its row: j and k step over it, y refuses, a decides its shown sites', () => {
    let s = run(start(), press('z'));
    expect(listedIds(s)).toEqual(['a.py:3:1', 'b.py:2:1', 'b.py:5:1', 'b.py:8:1', 'c.py:4:1', 'c.py:9:1']);
    expect(run(s, press('j')).cursor).toBe('b.py:2:1');
    const refused = run(s, press('y'));
    expect(refused.message).toBe('a.py is folded: z unfolds it; a and d decide its shown sites.');
    expect(refused.decisions).toBe(s.decisions);
    expect(run(s, press('n')).decisions).toBe(s.decisions);
    expect(run(s, press('e')).screen).toBe('review');
    s = run(s, press('a'));
    expect(decisionsOf(s)).toEqual({ 'a.py:9:1': 'skipped', 'a.py:3:1': 'accepted', 'a.py:20:1': 'accepted' });
    expect(s.cursor).toBe('b.py:2:1'); // moved on past the folded file
    expect(decisionsOf(run(s, press('u')))).toEqual({ 'a.py:9:1': 'skipped' });
  });

  it('y does not move into a folded file; with every pending site folded it says so', () => {
    let s = run(start(), press(']'), press('z'), press('g'));
    s = run(s, press('y'));
    expect(s.cursor).toBe('a.py:20:1');
    s = run(s, press('y'));
    expect(s.cursor).toBe('c.py:4:1'); // b.py is folded: skipped over
    s = run(s, press('y'), press('y'));
    expect(s.message).toBe('None pending is shown; 1 in folded files (Z unfolds them).');
    expect(s.screen).toBe('review');
  });

  it('Z folds every file and unfolds them all; the cursor keeps its file', () => {
    let s = run(start(), press(']'), press('j'), press('Z', { shift: true }));
    expect(listedIds(s)).toEqual(['a.py:3:1', 'b.py:2:1', 'c.py:4:1']);
    expect(s.cursor).toBe('b.py:2:1');
    s = run(s, press('Z', { shift: true }));
    expect(listedIds(s)).toHaveLength(9);
    expect(s.cursor).toBe('b.py:2:1');
  });

  it('a filter that hides the selected site moves the cursor to the nearest shown one after it', () => {
    const s = run(start(), press('G', { shift: true }), press('k'), press('t'), press('t'));
    expect(s.cursor).toBe('a.py:20:1'); // nothing after c.py:4 is a non-module: the last one before
    const t = run(start(), press('j'), press('j'), press('j'), press('t'));
    expect(t.cursor).toBe('b.py:2:1'); // from a.py:25 (unknown) to the next module
  });
});
