/**
 * Issue 14, items 4-6 in the reducer: keys are read against the newest state (not the last frame
 * drawn), every menu acts on its highlighted item, writing takes a deliberate key, keys during the
 * scan do what they say, and the end of a run says what was and was not written.
 */
import { describe, expect, it } from 'vitest';
import type { ScanResult, WriteResult } from '../../src/core/types.js';
import { initialState, reviewReducer, type ReviewAction, type ReviewState } from '../../src/ui/review-state.js';
import { plan, site } from './plans.js';
import { DOWN, ENTER, ESC, press } from './press.js';


const two = plan('two.py', [site('two.py', 3), site('two.py', 9)]);
const three = plan('three.py', [site('three.py', 3), site('three.py', 9), site('three.py', 15)]);
const result = (files = [two]): ScanResult => ({ root: '/project', files, skipped: [], stats: { filesScanned: 1, candidates: 1, sites: 2, proposed: 2, ms: 1 } });

/** Reduces actions in one go, as React does with actions dispatched before the next render. */
const run = (state: ReviewState, ...actions: ReviewAction[]) => actions.reduce(reviewReducer, state);
const scanned = (files = [two]) => run(initialState(), { type: 'scan-done', result: result(files) });
const gitAnswered: ReviewAction = { type: 'git-modified', paths: new Set() };

describe('writing takes a deliberate key', () => {
  it('holding Enter decides every change, then only goes back and forth: it never writes', () => {
    let s = scanned();
    for (let i = 0; i < 12; i++) {
      s = run(s, ENTER, gitAnswered);
      expect(s.screen, `after Enter ${i + 1}`).not.toBe('writing');
    }
    expect(s.decisions.size).toBe(2);
  });

  it('y y w on two sites: the summary opens by itself on Back, and the w meant for the review does not write', () => {
    const s = run(scanned(), press('y'), press('y'), gitAnswered, press('w'));
    expect(s.screen).toBe('summary');
    expect(s.menu).toBe(0); // w highlighted Write...
    expect(s.message).toMatch(/^Press w or Enter to write 1 file\./);
    expect(run(s, press('w')).screen).toBe('writing'); // ...and a second w, typed on the summary, writes
    expect(run(s, ENTER).screen).toBe('writing');
  });

  it('the auto-opened summary starts on "Back to the review"', () => {
    const s = run(scanned(), press('y'), press('y'));
    expect([s.screen, s.menu, s.message]).toEqual(['summary', 1, expect.stringMatching(/^Every change is decided/)]);
    expect(run(s, ENTER).screen).toBe('review');
  });

  it('a summary opened with w starts on Write: w or Enter writes', () => {
    const s = run(scanned([three]), press('y'), press('w'), gitAnswered);
    expect([s.screen, s.menu]).toEqual(['summary', 0]);
    expect(run(s, press('w')).screen).toBe('writing');
    expect(run(s, ENTER).screen).toBe('writing');
  });

  it('Down and Enter arriving together choose "Back to the review", not the stale Write', () => {
    const s = run(scanned([three]), press('y'), press('w'), gitAnswered);
    expect(run(s, DOWN, ENTER).screen).toBe('review');
    expect(run(s, DOWN, DOWN, ENTER).screen).toBe('confirm-quit'); // Quit without writing, which asks first: 1 decision
  });

  it('the highlight stops at the ends of a menu (no wrapping round to Write)', () => {
    const s = run(scanned([three]), press('y'), press('w'), gitAnswered);
    expect(run(s, DOWN, DOWN, DOWN, DOWN).menu).toBe(2);
    expect(run(s, press('k'), press('', { upArrow: true })).menu).toBe(0);
  });

  it('digits do nothing on the summary', () => {
    const s = run(scanned([three]), press('y'), press('w'), gitAnswered);
    for (const digit of '0123456789') expect(run(s, press(digit)).screen, digit).toBe('summary');
  });

  it('keys that arrive as one string are read one by one against the newest state', () => {
    const s = run(scanned([three]), press('y'), press('w'), gitAnswered);
    expect(run(s, press('jj'), ENTER).screen).toBe('confirm-quit'); // j j: down to Quit
    expect(run(scanned(), press('yyw'), gitAnswered).screen).toBe('summary');
  });

  it('Enter, Ctrl-C and Escape inside a burst are read as those keys (Ink passes the burst as one string)', () => {
    const held = run(scanned(), press('\r\r\r\r\r\r'));
    expect([held.decisions.size, held.screen]).toEqual([2, 'review']);
    const s = run(scanned([three]), press('y'), press('w'), gitAnswered);
    expect(run(s, press('w\u0003'))).toMatchObject({ screen: 'writing', interrupted: true });
    expect(run(s, press('j\r')).screen).toBe('review');
  });
});

describe('the other menus act on their highlighted item', () => {
  it('quit confirmation: q, Down, Enter quits; Enter alone keeps reviewing; Esc keeps reviewing', () => {
    const asking = run(scanned([three]), press('y'), press('q'));
    expect([asking.screen, asking.menu]).toEqual(['confirm-quit', 0]);
    expect(run(asking, DOWN, ENTER)).toMatchObject({ screen: 'done', outcome: 'Quit: nothing written.' });
    expect(run(asking, ENTER).screen).toBe('review');
    expect(run(asking, ESC).screen).toBe('review');
    expect(run(asking, press('1')).screen).toBe('confirm-quit');
  });

  it('inline editor: two Backspaces in one read erase two characters; Delete erases forward; Enter indents', () => {
    const editing = run(scanned(), press('e'));
    expect(editing.edit?.buffer.text).toBe('variables = KeyMapper.from_torch(sd)');
    // DEL DEL as one string, as two quick Backspaces reach Ink
    const erased = run(editing, press('\u007f\u007f'));
    expect(erased.edit?.buffer.text).toBe('variables = KeyMapper.from_torch(s');
    // Ink reports Backspace (DEL) and Delete (ESC [ 3 ~) both as `delete`: the bytes tell them apart
    const home = run(editing, press('', { home: true }));
    const deleted = run(home, { ...press('', { delete: true }), raw: '\u001b[3~' });
    expect(deleted.edit?.buffer).toEqual({ text: 'ariables = KeyMapper.from_torch(sd)', caret: 0 });
    expect(run(erased, { ...press('', { delete: true }), raw: '\u007f' }).edit?.buffer.text).toBe('variables = KeyMapper.from_torch(');
    // Enter keeps the line's indentation, one level more after a colon
    const typed = run(editing, press('', { home: true }), press('if x:'), ENTER, press('y'));
    expect(typed.edit?.buffer.text).toBe('if x:\n    yvariables = KeyMapper.from_torch(sd)');
    // a burst of text with a control key in it: the text typed, the key acted on
    const saved = run(editing, press(' # a\u0013'));
    expect(saved.edit?.phase).toBe('checking');
    expect(saved.edit?.buffer.text).toBe('variables = KeyMapper.from_torch(sd) # a');
  });

  it('edit failed: Down, Enter discards; Enter alone edits again', () => {
    const failed = run(scanned(), { type: 'edit-start', inline: false }, { type: 'edit-submit', text: 'x = (' }, { type: 'edit-checked', error: 'unclosed' });
    expect([failed.edit?.phase, failed.menu]).toEqual(['failed', 0]);
    expect(run(failed, DOWN, ENTER)).toMatchObject({ screen: 'review', edit: null, message: 'Edit discarded.' });
    expect(run(failed, ENTER).edit?.phase).toBe('editing');
  });
});

describe('keys during the scan', () => {
  const scanning = () => run(initialState(), { type: 'scan-file', plan: two });

  it('w asks for the summary, which opens (on Back) when the scan is done', () => {
    const s = run(scanning(), press('w'));
    expect([s.screen, s.message]).toEqual(['review', expect.stringMatching(/^The summary opens when the scan is done/)]);
    const done = run(s, press('j'), { type: 'scan-done', result: result([two, three]) });
    expect([done.screen, done.menu, done.message]).toEqual(['summary', 1, expect.stringMatching(/^The scan is done/)]);
    expect(run(done, ENTER).screen).toBe('review');
  });

  it('A says it accepts the changes found so far', () => {
    const s = run(scanning(), press('A'));
    expect(s.message).toBe('Accepted 2 changes found so far: the scan goes on, and later ones stay pending.');
    expect(s.screen).toBe('review');
  });
});

describe('the end of a run', () => {
  const writing = () => run(scanned(), { type: 'accept-all' }, gitAnswered, press('w'), press('w'));
  const results = (statuses: WriteResult['status'][]): WriteResult[] =>
    statuses.map((status, i) => ({ path: `f${i}.py`, status, reason: status === 'written' ? '' : 'x' }));

  it('interrupted before any file: says nothing was written', () => {
    const s = run(writing(), { type: 'interrupt' }, { type: 'write-done', results: results(['not-written', 'not-written']) });
    expect(s).toMatchObject({ screen: 'done', exitCode: 130, outcome: 'Interrupted before writing: no file written, 2 not written.' });
  });

  it('interrupted part-way: says how many of how many', () => {
    const s = run(writing(), { type: 'interrupt' }, { type: 'write-done', results: results(['written', 'not-written', 'not-written']) });
    expect(s).toMatchObject({ screen: 'done', exitCode: 130, outcome: 'Interrupted: 1 of 3 files written, 2 not written.' });
  });

  it('another run holding the project: back to the summary, saying so, nothing written', () => {
    const w = writing();
    expect(w.screen).toBe('writing');
    const s = run(w, { type: 'write-blocked', message: 'another run (pid 7) is writing' });
    expect([s.screen, s.message, s.results]).toEqual(['summary', 'another run (pid 7) is writing', []]);
    expect(run(s, press('w')).screen).toBe('writing');
  });
});
