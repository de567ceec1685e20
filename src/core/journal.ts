/**
 * The undo journal: before a run writes, the original bytes of every file it is about to change are
 * saved in the user cache dir, with the hash of what the run will write. `undoLastRun` restores only
 * files whose bytes are still exactly what the run wrote.
 */
import { mkdir, readFile, readdir, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, relative } from 'node:path';
import { nodeWriteFs, writeAtomically } from './atomic-write.js';
import { sha256 } from './text.js';
import type { FilePlan } from './types.js';

/** A file about to be written and the bytes it gets. */
export interface PlannedWrite {
  plan: FilePlan;
  bytes: Uint8Array;
}

interface JournalFile {
  path: string;
  original: string;
  written: string;
}

interface Journal {
  version: 1;
  root: string;
  createdAt: string;
  undoneAt: string | null;
  files: JournalFile[];
}

export interface UndoResult {
  path: string;
  status: 'restored' | 'already-original' | 'left-alone' | 'error';
  reason: string;
}

function journalDir(env: NodeJS.ProcessEnv): string {
  const cache = env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache');
  return join(cache, 'switcheroo-migrate');
}

/** The journal's own files are private to the user. */
const atomicWrite = (path: string, bytes: Uint8Array) => writeAtomically(nodeWriteFs, path, bytes, 0o600);

/** Saves the originals of the files about to be written and the journal naming them; returns its path. */
export async function recordRun(root: string, writes: readonly PlannedWrite[], env: NodeJS.ProcessEnv): Promise<string | null> {
  if (writes.length === 0) return null;
  const dir = journalDir(env);
  await mkdir(join(dir, 'blobs'), { recursive: true });
  const files: JournalFile[] = [];
  for (const { plan, bytes } of writes) {
    const original = await readFile(plan.absPath);
    const hash = sha256(original);
    if (hash !== plan.hash) continue; // apply will refuse it: nothing of this run to undo there
    await atomicWrite(join(dir, 'blobs', hash), original);
    files.push({ path: plan.absPath, original: hash, written: sha256(bytes) });
  }
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const journal: Journal = { version: 1, root, createdAt: new Date().toISOString(), undoneAt: null, files };
  const path = join(dir, `run-${stamp}-${process.pid}.json`);
  await atomicWrite(path, Buffer.from(JSON.stringify(journal, null, 2)));
  return path;
}

async function latestJournal(dir: string, root: string): Promise<{ path: string; journal: Journal } | null> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.startsWith('run-') && n.endsWith('.json')).sort().reverse();
  for (const name of names) {
    const path = join(dir, name);
    const journal = JSON.parse(await readFile(path, 'utf8')) as Journal;
    if (journal.root === root) return { path, journal };
  }
  return null;
}

/** Restores the last run under `root`; null when there is none. Marks the journal undone. */
export async function undoLastRun(root: string, env: NodeJS.ProcessEnv): Promise<{ createdAt: string; alreadyUndone: boolean; results: UndoResult[] } | null> {
  const dir = journalDir(env);
  const found = await latestJournal(dir, root);
  if (!found) return null;
  const { journal } = found;
  if (journal.undoneAt) return { createdAt: journal.createdAt, alreadyUndone: true, results: [] };
  const results: UndoResult[] = [];
  for (const file of journal.files) {
    const path = relative(root, file.path).split('\\').join('/');
    try {
      const current = sha256(await readFile(file.path));
      if (current === file.original) {
        results.push({ path, status: 'already-original', reason: '' });
      } else if (current !== file.written) {
        results.push({ path, status: 'left-alone', reason: 'changed since the run wrote it' });
      } else {
        const { mode, uid, gid } = await stat(file.path);
        await writeAtomically(nodeWriteFs, file.path, await readFile(join(dir, 'blobs', file.original)), mode & 0o7777, { uid, gid });
        results.push({ path, status: 'restored', reason: '' });
      }
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      results.push({ path, status: 'error', reason: code === 'ENOENT' ? 'the file no longer exists' : (error as Error).message });
    }
  }
  journal.undoneAt = new Date().toISOString();
  await atomicWrite(found.path, Buffer.from(JSON.stringify(journal, null, 2)));
  return { createdAt: journal.createdAt, alreadyUndone: false, results };
}
