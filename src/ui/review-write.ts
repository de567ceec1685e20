/** The review's steps from the summary to the end: w, git's answer, the write's results, the headline. Pure. */
import { decidedEdits, helperToWrite } from '../core/plan.js';
import type { WriteResult } from '../core/types.js';
import type { ReviewState } from './review-state.js';

export function finish(state: ReviewState, exitCode: number, outcome: string): ReviewState {
  return { ...state, screen: 'done', edit: null, message: null, exitCode, outcome };
}

/** `w` on the summary: writes when the summary is armed; on one that opened by itself, highlights Write and says what the next w or Enter does. */
export function pressWrite(s: ReviewState): ReviewState {
  if (s.screen !== 'summary') return s;
  // (the shared helper of --preamble module is one more file)
  const files = s.plans.filter((plan) => decidedEdits(plan, s.decisions).length > 0).length + (helperToWrite(s.plans, s.decisions) ? 1 : 0);
  if (s.writeArmed || files === 0) return startWrite(s);
  return { ...s, writeArmed: true, menu: 0, message: `Press w or Enter to write ${files} file${files === 1 ? '' : 's'}. b goes back to the review.` };
}

/** Write chosen: once git has said which files hold uncommitted work. */
export function startWrite(s: ReviewState): ReviewState {
  if (s.screen !== 'summary') return s;
  if (![...s.decisions.values()].some((d) => d.type !== 'skipped')) return finish(s, 0, 'Nothing accepted: no file written.');
  if (s.gitModified === null) return { ...s, writeRequested: true, message: 'Asking git about uncommitted changes; writing as soon as it answers…' };
  return { ...s, screen: 'writing', results: [], scroll: 0 };
}

/** git answered: write now if that was asked for and it found no uncommitted work among the files. */
export function gitAnswered(state: ReviewState, paths: ReadonlySet<string>): ReviewState {
  const answered = { ...state, gitModified: paths, writeRequested: false };
  if (!state.writeRequested || state.screen !== 'summary') return answered;
  if (paths.size > 0) return { ...answered, message: `git reports uncommitted changes in ${paths.size} of these files: press w again to write anyway.` };
  return { ...answered, message: null, screen: 'writing', results: [], scroll: 0 };
}

/** The exit code and headline of a finished write: exactly how many files were written, and whether it was stopped. */
export function finishWriting(results: readonly WriteResult[], interrupted: boolean): { exitCode: number; outcome: string } {
  const written = results.filter((r) => r.status === 'written').length;
  const notWritten = results.filter((r) => r.status === 'not-written').length;
  const failed = results.filter((r) => r.status === 'refused' || r.status === 'error').length;
  if (interrupted) {
    const rest = notWritten > 0 ? `, ${notWritten} not written` : '';
    if (written === 0) return { exitCode: 130, outcome: `Interrupted before writing: no file written${rest}.` };
    return { exitCode: 130, outcome: `Interrupted: ${written} of ${results.length} file${results.length === 1 ? '' : 's'} written${rest}.` };
  }
  return { exitCode: failed > 0 || notWritten > 0 ? 1 : 0, outcome: 'Done.' };
}

export function writeDone(state: ReviewState, results: WriteResult[]): ReviewState {
  const { exitCode, outcome } = finishWriting(results, state.interrupted);
  return finish({ ...state, results }, exitCode, outcome);
}

/** Nothing was written (another run holds the project): back to the summary, saying so, ready for w. */
export function writeBlocked(state: ReviewState, message: string): ReviewState {
  if (state.screen !== 'writing') return state;
  if (state.interrupted) return finish(state, 130, 'Interrupted: nothing written.');
  return { ...state, screen: 'summary', results: [], menu: 0, writeArmed: true, message };
}
