/** `--undo`: restores the newest run of a root not yet undone, one run per call, only where its files are still as it wrote them. */
import { readFile, stat, unlink } from 'node:fs/promises';
import { relative } from 'node:path';
import { nodeWriteFs, writeAtomically } from './atomic-write.js';
import { blobPath, journalsOf, saveJournal, type JournalEntry } from './journal.js';
import { sha256 } from './text.js';

export interface UndoResult {
  path: string;
  /** `removed`: a file the run created (the shared helper) is deleted again. */
  status: 'restored' | 'removed' | 'already-original' | 'left-alone' | 'error';
  reason: string;
}

export type UndoOutcome =
  | { status: 'no-runs' }
  | { status: 'all-undone'; runs: number }
  | { status: 'undone'; createdAt: string; results: UndoResult[]; /** Runs still to undo after this one. */ left: number };

/** A recorded run, for `--undo --list`. */
export interface RunInfo {
  createdAt: string;
  /** Relative to the root, `/` separators. */
  files: string[];
  undoneAt: string | null;
  /** False when the run never finished (a crash): it may have written only some of its files. */
  finished: boolean;
}

const rel = (root: string, path: string) => relative(root, path).split('\\').join('/');

export async function listRuns(root: string, env: NodeJS.ProcessEnv): Promise<RunInfo[]> {
  return (await journalsOf(root, env)).map(({ journal }) => ({
    createdAt: journal.createdAt,
    files: journal.files.map((f) => rel(root, f.path)),
    undoneAt: journal.undoneAt,
    finished: journal.finishedAt !== null,
  }));
}

/** A file the run created: deleted where it still holds what the run wrote. */
async function removeCreated(path: string, abs: string, written: string): Promise<UndoResult> {
  let current: Buffer;
  try {
    current = await readFile(abs);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { path, status: 'already-original', reason: '' };
    throw error;
  }
  if (sha256(current) !== written) return { path, status: 'left-alone', reason: 'changed since the run created it' };
  await unlink(abs);
  return { path, status: 'removed', reason: '' };
}

async function restore(root: string, entry: JournalEntry, env: NodeJS.ProcessEnv): Promise<UndoResult[]> {
  const results: UndoResult[] = [];
  for (const file of entry.journal.files) {
    const path = rel(root, file.path);
    try {
      if (file.original === null) {
        results.push(await removeCreated(path, file.path, file.written));
        continue;
      }
      const current = sha256(await readFile(file.path));
      if (current === file.original) {
        results.push({ path, status: 'already-original', reason: '' });
      } else if (current !== file.written) {
        results.push({ path, status: 'left-alone', reason: 'changed since the run wrote it' });
      } else {
        const { mode, uid, gid } = await stat(file.path);
        await writeAtomically(nodeWriteFs, file.path, await readFile(blobPath(env, file.original)), mode & 0o7777, { uid, gid });
        results.push({ path, status: 'restored', reason: '' });
      }
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      results.push({ path, status: 'error', reason: code === 'ENOENT' ? 'the file no longer exists' : (error as Error).message });
    }
  }
  return results;
}

/**
 * Undoes the newest run of `root` not yet undone and marks it undone. A run that crashed before
 * writing any of its files is passed over (marked undone too): it changed nothing to step back from.
 */
export async function undoNextRun(root: string, env: NodeJS.ProcessEnv): Promise<UndoOutcome> {
  const entries = await journalsOf(root, env);
  if (entries.length === 0) return { status: 'no-runs' };
  const open = entries.filter((e) => e.journal.undoneAt === null);
  for (const [index, entry] of open.entries()) {
    const results = await restore(root, entry, env);
    await saveJournal({ path: entry.path, journal: { ...entry.journal, undoneAt: new Date().toISOString() } });
    const wroteNothing = entry.journal.finishedAt === null && results.every((r) => r.status === 'already-original');
    if (!wroteNothing) return { status: 'undone', createdAt: entry.journal.createdAt, results, left: open.length - index - 1 };
  }
  return { status: 'all-undone', runs: entries.length };
}
