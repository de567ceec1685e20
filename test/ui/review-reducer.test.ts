import { describe, expect, it } from 'vitest';
import { preambleIncluded } from '../../src/core/plan.js';
import type { ScanResult } from '../../src/core/types.js';
import { countDecisions, preambleSiteOf, positionOf } from '../../src/ui/review-order.js';
import { initialState, reviewReducer, type ReviewAction, type ReviewState } from '../../src/ui/review-state.js';
import { plan, site } from './plans.js';

const a = plan('a.py', [site('a.py', 3), site('a.py', 9), site('a.py', 20, 'non-module', 'optimizer')]);
const b = plan('b.py', [site('b.py', 2), site('b.py', 5, 'super', 'super()'), site('b.py', 8, 'unsupported')]);
const c = plan('c.py', [site('c.py', 4)]);
const result: ScanResult = {
  root: '/project',
  files: [c, a, b],
  skipped: [],
  stats: { filesScanned: 5, candidates: 3, sites: 7, proposed: 4, ms: 1 },
};

function run(state: ReviewState, ...actions: ReviewAction[]): ReviewState {
  return actions.reduce(reviewReducer, state);
}
const scanned = () => run(initialState(), { type: 'scan-done', result });
const decision = (s: ReviewState, id: string) => s.decisions.get(id)?.type;

describe('scanning', () => {
  it('takes back an acceptance whose site is no longer proposed once every file is read; keeps a y on a site never proposed', () => {
    const early = plan('e.py', [site('e.py', 3), site('e.py', 6, 'unknown', 'obj')]);
    let s = run(initialState(), { type: 'scan-file', plan: early }, { type: 'accept-all' });
    expect(decision(s, 'e.py:3:1')).toBe('accepted');
    s = run(s, { type: 'move', delta: 1 }, { type: 'accept' });
    expect(decision(s, 'e.py:6:1')).toBe('accepted'); // y on a site that was never proposed
    const settled = plan('e.py', [{ ...site('e.py', 3, 'non-module', 'model'), reason: '`model` is `Tracker()` (e.py:2); `Tracker` (t.py:1) is not an nn.Module' }, site('e.py', 6, 'unknown', 'obj')]);
    s = run(s, { type: 'scan-done', result: { ...result, files: [settled] } });
    expect(decision(s, 'e.py:3:1')).toBeUndefined();
    expect(decision(s, 'e.py:6:1')).toBe('accepted');
    expect(s.message).toBe('1 acceptance taken back: with every file read, the receiver is not a model (e.py:3: `model` is `Tracker()` (e.py:2); `Tracker` (t.py:1) is not an nn.Module). y accepts it anyway.');
  });


  it('takes back an acceptance whose rewrite changed once every file is read (hints from a class in a later file)', () => {
    const early = plan('e.py', [site('e.py', 3), site('e.py', 6)]);
    let s = run(initialState(), { type: 'scan-file', plan: early }, { type: 'accept-all' });
    const first = early.sites[0] as (typeof early.sites)[number];
    const hinted = `${first.replacement.slice(0, -1)}, hints={'tokens': 'embedding'})`;
    const settled = plan('e.py', [{ ...first, replacement: hinted, edit: { ...first.edit, text: hinted } }, early.sites[1] as (typeof early.sites)[number]]);
    s = run(s, { type: 'scan-done', result: { ...result, files: [settled] } });
    expect(decision(s, 'e.py:3:1')).toBeUndefined();
    expect(decision(s, 'e.py:6:1')).toBe('accepted');
    expect(s.message).toBe("1 acceptance taken back: with every file read, the rewrite changed (e.py:3: the hints read from the model's source). y accepts the new one.");
  });

  it('streams files into a sorted list and keeps the selection on its site', () => {
    let s = run(initialState(), { type: 'scan-file', plan: c });
    expect(s.cursor).toBe('c.py:4:1');
    s = run(s, { type: 'scan-file', plan: a }, { type: 'scan-progress', filesScanned: 2, candidates: 2, sites: 4 });
    expect(s.plans.map((p) => p.path)).toEqual(['a.py', 'c.py']);
    expect(s.cursor).toBe('a.py:3:1'); // untouched: follows the first site
    s = run(s, { type: 'move', delta: 3 }, { type: 'scan-file', plan: b });
    expect(s.cursor).toBe('c.py:4:1'); // moved: stays put
    expect(positionOf(s.plans, s.cursor)).toEqual({ change: 7, changes: 7, file: 3, files: 3 });
    expect(s.scan).toMatchObject({ status: 'running', filesScanned: 2, sites: 4 });
  });

  it('applies a batch of scan events as if they came one by one, keeping plans that did not change', () => {
    const events: ReviewAction[] = [
      { type: 'scan-file', plan: c },
      { type: 'scan-progress', filesScanned: 2, candidates: 2, sites: 2 },
      { type: 'scan-file', plan: a },
      { type: 'scan-skipped', skipped: { path: 'x.py', reason: 'binary' } },
    ];
    const batched = run(initialState(), { type: 'batch', actions: events });
    expect(batched).toEqual(run(initialState(), ...events));
    expect(batched.plans).toEqual([a, c]);
    const more = run(batched, { type: 'batch', actions: [{ type: 'scan-file', plan: b }] });
    expect(more.plans[0]).toBe(batched.plans[0]); // same object: the selected site's diff stays memoized
  });

  it('sorts sites by position and records skipped files', () => {
    const shuffled = plan('z.py', [site('z.py', 9), site('z.py', 1)]);
    const s = run(initialState(), { type: 'scan-file', plan: shuffled }, { type: 'scan-skipped', skipped: { path: 'x.py', reason: 'binary' } });
    expect(s.plans[0]?.sites.map((x) => x.line)).toEqual([1, 9]);
    expect(s.scan.skipped).toEqual([{ path: 'x.py', reason: 'binary' }]);
  });

  it('finishes with exit 0 when nothing is found, and exit 2 when the scan fails', () => {
    const empty = run(initialState(), { type: 'scan-done', result: { ...result, files: [] } });
    expect([empty.screen, empty.exitCode]).toEqual(['done', 0]);
    expect(empty.outcome).toMatch(/No load_state_dict calls found in 5 files/);
    const failed = run(initialState(), { type: 'scan-failed', message: 'boom' });
    expect([failed.screen, failed.exitCode, failed.outcome]).toEqual(['done', 2, 'The scan failed: boom']);
  });

  it('opens the summary only once the scan is done', () => {
    const s = run(initialState(), { type: 'scan-file', plan: a }, { type: 'summary' });
    expect(s.pinned).toBe(false);
    expect(s.screen).toBe('review');
    expect(s.message).toMatch(/^The summary opens when the scan is done/);
  });
});

describe('deciding', () => {
  it('accepts and skips, moving to the next open site', () => {
    const s = run(scanned(), { type: 'accept' }, { type: 'skip' });
    expect(decision(s, 'a.py:3:1')).toBe('accepted');
    expect(decision(s, 'a.py:9:1')).toBe('skipped');
    expect(s.cursor).toBe('b.py:2:1'); // a.py:20 is not proposed: passed over
  });

  it('accepts a non-module site when asked, refuses super and unsupported', () => {
    let s = run(scanned(), { type: 'move', delta: 2 }, { type: 'accept' });
    expect(decision(s, 'a.py:20:1')).toBe('accepted');
    s = run(s, { type: 'move', delta: 10 }, { type: 'move', delta: -2 }, { type: 'accept' });
    expect(s.cursor).toBe('b.py:5:1');
    expect(s.message).toMatch(/never rewritten/);
    s = run(s, { type: 'edit-start', inline: true });
    expect([s.screen, s.message]).toEqual(['review', expect.stringMatching(/never rewritten/)]);
    s = run(s, { type: 'move', delta: 1 }, { type: 'accept' });
    expect(s.message).toMatch(/press e/);
    expect(s.decisions.has('b.py:8:1')).toBe(false);
  });

  it('a accepts the rest of the file and keeps an earlier edit', () => {
    let s = run(scanned(), { type: 'move', delta: 1 }, { type: 'edit-start', inline: true }, { type: 'edit-op', op: { type: 'insert', text: '  # mine' } });
    const text = s.edit?.buffer.text ?? '';
    s = run(s, { type: 'edit-submit', text }, { type: 'edit-checked', error: null });
    expect(s.decisions.get('a.py:9:1')).toEqual({ type: 'edited', text: 'variables = KeyMapper.from_torch(sd)  # mine' });
    s = run(s, { type: 'move', delta: -1 }, { type: 'accept-file' }, { type: 'accept-all' });
    expect(s.decisions.get('a.py:9:1')).toEqual({ type: 'edited', text });
    expect(decision(s, 'a.py:3:1')).toBe('accepted');
    s = run(s, { type: 'back' }, { type: 'move', delta: -10 }, { type: 'move', delta: 1 }, { type: 'accept' });
    expect(s.decisions.get('a.py:9:1')).toEqual({ type: 'edited', text });
  });

  it('d skips the rest of the file from the selection on', () => {
    const s = run(scanned(), { type: 'move', delta: 1 }, { type: 'skip-file' });
    expect(s.decisions.has('a.py:3:1')).toBe(false);
    expect(decision(s, 'a.py:9:1')).toBe('skipped');
    expect(s.decisions.has('a.py:20:1')).toBe(false); // not proposed: bulk keys leave it alone
    expect(s.cursor).toBe('b.py:2:1');
  });

  it('A accepts every open site and lands on the summary', () => {
    const s = run(scanned(), { type: 'skip' }, { type: 'accept-all' });
    expect(countDecisions(s.plans.flatMap((p) => p.sites), s.decisions)).toEqual({ accepted: 3, edited: 0, skipped: 1, pending: 0 });
    expect(s.screen).toBe('summary');
    expect(s.message).toBe('Accepted 3 changes. w: choose Write · Enter: back to the review');
    expect(run(s, { type: 'back' }, { type: 'accept-all' }).message).toBe('Nothing left to accept.');
  });

  it('goes to the summary after the last open site', () => {
    const s = run(scanned(), { type: 'accept' }, { type: 'accept' }, { type: 'accept' }, { type: 'accept' });
    expect(s.screen).toBe('summary');
  });
});

describe('undo', () => {
  it('walks back across files, one step at a time, re-selecting each site', () => {
    let s = run(scanned(), { type: 'accept' }, { type: 'skip' }, { type: 'accept' });
    expect(s.cursor).toBe('c.py:4:1');
    s = run(s, { type: 'undo' });
    expect([s.cursor, s.decisions.has('b.py:2:1')]).toEqual(['b.py:2:1', false]);
    s = run(s, { type: 'undo' });
    expect([s.cursor, s.decisions.has('a.py:9:1')]).toEqual(['a.py:9:1', false]);
    s = run(s, { type: 'undo' }, { type: 'undo' });
    expect(s.decisions.size).toBe(0);
    expect(s.message).toBe('Nothing to undo.');
  });

  it('takes back a bulk step whole, restores an overwritten edit, and leaves the summary', () => {
    let s = run(scanned(), { type: 'edit-start', inline: true }, { type: 'edit-submit', text: 'x = 1' }, { type: 'edit-checked', error: null });
    s = run(s, { type: 'move', delta: -1 }, { type: 'skip' }, { type: 'accept-all' });
    expect(s.screen).toBe('summary');
    s = run(s, { type: 'undo' });
    expect([s.screen, s.message]).toEqual(['review', 'Undone: 3 decisions.']);
    s = run(s, { type: 'undo' });
    expect(s.decisions.get('a.py:3:1')).toEqual({ type: 'edited', text: 'x = 1' });
  });
});

describe('editing', () => {
  it('starts from the proposal, or from the current edit', () => {
    let s = run(scanned(), { type: 'edit-start', inline: false });
    expect(s.edit).toMatchObject({ siteId: 'a.py:3:1', offered: 'variables = KeyMapper.from_torch(sd)', inline: false, phase: 'editing' });
    s = run(s, { type: 'edit-submit', text: 'v = f(sd)' }, { type: 'edit-checked', error: null }, { type: 'move', delta: -1 }, { type: 'edit-start', inline: true });
    expect(s.edit?.offered).toBe('v = f(sd)');
  });

  it('records nothing for an unchanged edit, and accepts an edit back to the proposal', () => {
    let s = run(scanned(), { type: 'edit-start', inline: false }, { type: 'edit-submit', text: 'variables = KeyMapper.from_torch(sd)' });
    expect([s.screen, s.decisions.size, s.message]).toEqual(['review', 0, 'Edit left unchanged: nothing recorded.']);
    s = run(s, { type: 'edit-start', inline: false }, { type: 'edit-submit', text: 'a = 1' }, { type: 'edit-checked', error: null });
    s = run(s, { type: 'move', delta: -1 }, { type: 'edit-start', inline: false }, { type: 'edit-submit', text: 'variables = KeyMapper.from_torch(sd)' }, { type: 'edit-checked', error: null });
    expect(decision(s, 'a.py:3:1')).toBe('accepted');
  });

  it('offers edit again or discard when the edit does not parse', () => {
    let s = run(scanned(), { type: 'edit-start', inline: true }, { type: 'edit-submit', text: 'x = (' }, { type: 'edit-checked', error: 'line 1, column 5: unclosed' });
    expect(s.edit).toMatchObject({ phase: 'failed', error: 'line 1, column 5: unclosed' });
    s = run(s, { type: 'edit-again' });
    expect(s.edit).toMatchObject({ phase: 'editing', buffer: { text: 'x = (' } });
    s = run(s, { type: 'edit-submit', text: 'x = ((' }, { type: 'edit-checked', error: 'bad' }, { type: 'edit-discard' });
    expect([s.screen, s.edit, s.decisions.size, s.message]).toEqual(['review', null, 0, 'Edit discarded.']);
  });

  it('lets an unsupported site be edited into a change', () => {
    const s = run(scanned(), { type: 'move', delta: 5 }, { type: 'edit-start', inline: false }, { type: 'edit-submit', text: 'variables = KeyMapper.from_torch(state)' }, { type: 'edit-checked', error: null });
    expect(s.decisions.get('b.py:8:1')).toEqual({ type: 'edited', text: 'variables = KeyMapper.from_torch(state)' });
  });
});

describe('preamble', () => {
  it('follows the file decisions and shows with the first change', () => {
    let s = scanned();
    const planA = () => s.plans[0]!;
    expect(preambleSiteOf(planA(), s.decisions)).toBe('a.py:3:1');
    expect(preambleIncluded(planA(), s.decisions)).toBe(false);
    s = run(s, { type: 'skip' });
    expect(preambleSiteOf(planA(), s.decisions)).toBe('a.py:9:1');
    s = run(s, { type: 'skip' });
    expect(preambleSiteOf(planA(), s.decisions)).toBe('a.py:3:1'); // all skipped: the first proposed site says so
    expect(preambleIncluded(planA(), s.decisions)).toBe(false);
    s = run(s, { type: 'move', delta: -3 }, { type: 'accept' });
    expect(preambleIncluded(planA(), s.decisions)).toBe(true);
    expect(preambleSiteOf(planA(), s.decisions)).toBe('a.py:3:1');
  });
});

describe('screens', () => {
  it('moves, scrolls within bounds and changes the context', () => {
    let s = run(scanned(), { type: 'move', delta: -1 });
    expect(s.cursor).toBe('a.py:3:1');
    s = run(s, { type: 'scroll', delta: 10, min: -3, max: 4 });
    expect(s.scroll).toBe(4);
    // above where the panel starts (the diff starts at the change), down to the top
    expect(run(s, { type: 'scroll', delta: -20, min: -3, max: 4 }).scroll).toBe(-3);
    s = run(s, { type: 'context', delta: 1 });
    expect([s.context, s.scroll]).toEqual([4, 0]);
    s = run(s, ...Array.from({ length: 9 }, () => ({ type: 'context', delta: -1 }) as const));
    expect(s.context).toBe(0);
  });

  it('opens and closes help where it was opened', () => {
    const s = run(scanned(), { type: 'help' });
    expect(s.screen).toBe('help');
    expect(run(s, { type: 'back' }).screen).toBe('review');
  });

  it('quits at once with no decisions, else asks first', () => {
    expect(run(scanned(), { type: 'quit' })).toMatchObject({ screen: 'done', exitCode: 0 });
    const asking = run(scanned(), { type: 'accept' }, { type: 'quit' });
    expect(asking.screen).toBe('confirm-quit');
    expect(run(asking, { type: 'back' }).screen).toBe('review');
    expect(run(asking, { type: 'quit' })).toMatchObject({ screen: 'done', exitCode: 0, outcome: 'Quit: nothing written.' });
  });

  it('writes from the summary and sets the exit code from the results', () => {
    // The summary opened by itself: a first w only highlights Write.
    const summary = run(scanned(), { type: 'accept-all' }, { type: 'write' });
    expect([summary.screen, summary.writeArmed]).toEqual(['summary', true]);
    const writing = run(summary, { type: 'git-modified', paths: new Set() }, { type: 'write' });
    expect(writing.screen).toBe('writing');
    // w before git has answered: written once git finds nothing uncommitted; held back when it does.
    const early = run(summary, { type: 'write' });
    expect(early).toMatchObject({ screen: 'summary', writeRequested: true, message: expect.stringMatching(/writing as soon as it answers/) });
    expect(run(early, { type: 'git-modified', paths: new Set() }).screen).toBe('writing');
    const dirty = run(early, { type: 'git-modified', paths: new Set(['a.py']) });
    expect(dirty).toMatchObject({ screen: 'summary', writeRequested: false, message: expect.stringMatching(/press w again to write anyway/) });
    expect(run(dirty, { type: 'write' }).screen).toBe('writing');
    expect(run(early, { type: 'back' }, { type: 'git-modified', paths: new Set() }).screen).toBe('review');
    const ok = run(writing, { type: 'write-result', result: { path: 'a.py', status: 'written', reason: '' } });
    expect(ok.results).toHaveLength(1);
    const results = [
      { path: 'a.py', status: 'written', reason: '' },
      { path: 'b.py', status: 'refused', reason: 'changed on disk since the scan' },
    ] as const;
    expect(run(ok, { type: 'write-done', results: [...results] })).toMatchObject({ screen: 'done', exitCode: 1 });
    expect(run(writing, { type: 'write-done', results: [results[0]] }).exitCode).toBe(0);
  });

  it('finishes without writing when nothing was accepted', () => {
    const s = run(scanned(), { type: 'skip-file' }, { type: 'skip-file' }, { type: 'skip' }, { type: 'write' });
    expect(s).toMatchObject({ screen: 'done', exitCode: 0, outcome: 'Nothing accepted: no file written.' });
  });

  it('Ctrl-C stops at once, or after the files being written', () => {
    expect(run(scanned(), { type: 'interrupt' })).toMatchObject({ screen: 'done', exitCode: 130 });
    const writing = run(scanned(), { type: 'accept-all' }, { type: 'git-modified', paths: new Set() }, { type: 'write' }, { type: 'write' }, { type: 'interrupt' });
    expect([writing.screen, writing.interrupted]).toEqual(['writing', true]);
    expect(run(writing, { type: 'write-done', results: [] }).exitCode).toBe(130);
  });

  it('keeps the git report for the summary', () => {
    const s = run(scanned(), { type: 'accept-all' }, { type: 'git-modified', paths: new Set(['a.py']) });
    expect([...(s.gitModified ?? [])]).toEqual(['a.py']);
  });
});
