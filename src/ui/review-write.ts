import type { WriteResult } from '../core/types.js';

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
