/**
 * The undo journal: before a run renames anything, the original bytes of every file it is about to
 * change are saved in the user's cache dir, with the hash of what the run will write there. When the
 * run ends, the journal keeps only the files it did write, and a run that wrote none leaves no journal.
 */
import { mkdir, readFile, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { nodeWriteFs, writeAtomically } from './atomic-write.js';
import { cacheDir } from './cache-dir.js';
import { sha256 } from './text.js';

export interface JournalFile {
  /** Absolute path. */
  path: string;
  /** sha256 of the bytes before the run (the blob's name), and of the bytes the run writes; `original` is null for a file the run creates (the shared helper). */
  original: string | null;
  written: string;
}

export interface Journal {
  version: 2;
  root: string;
  createdAt: string;
  /** Null until the run ends: a journal left unfinished lists files the run may or may not have written. */
  finishedAt: string | null;
  undoneAt: string | null;
  files: JournalFile[];
}

/** A journal on disk. */
export interface JournalEntry {
  path: string;
  journal: Journal;
}

/** A file about to be written: its bytes now (already checked against the scan; null when it is to be created) and the bytes it gets. */
export interface JournalWrite {
  path: string;
  original: Uint8Array | null;
  bytes: Uint8Array;
}

/** The journal's own files are private to the user. */
const saveFile = (path: string, bytes: Uint8Array) => writeAtomically(nodeWriteFs, path, bytes, 0o600);
export const saveJournal = ({ path, journal }: JournalEntry) => saveFile(path, Buffer.from(JSON.stringify(journal, null, 2)));

export const blobPath = (env: NodeJS.ProcessEnv, hash: string) => join(cacheDir(env), 'blobs', hash);

/** Saves the originals of the files about to be written and an unfinished journal naming them. */
export async function startJournal(root: string, writes: readonly JournalWrite[], env: NodeJS.ProcessEnv): Promise<JournalEntry> {
  const dir = cacheDir(env);
  await mkdir(join(dir, 'blobs'), { recursive: true });
  const files: JournalFile[] = [];
  for (const { path, original, bytes } of writes) {
    const hash = original === null ? null : sha256(original);
    if (original !== null && hash !== null) await saveFile(blobPath(env, hash), original);
    files.push({ path, original: hash, written: sha256(bytes) });
  }
  const createdAt = new Date().toISOString();
  const entry = { path: join(dir, `run-${createdAt.replace(/[:.]/g, '-')}-${process.pid}.json`), journal: { version: 2, root, createdAt, finishedAt: null, undoneAt: null, files } } as const;
  await saveJournal(entry);
  return entry;
}

/** Keeps only the files the run wrote; removes the journal when it wrote none. */
export async function finishJournal(entry: JournalEntry, written: ReadonlySet<string>): Promise<void> {
  const files = entry.journal.files.filter((f) => written.has(f.path));
  if (files.length === 0) {
    await unlink(entry.path).catch(() => {});
    return;
  }
  await saveJournal({ path: entry.path, journal: { ...entry.journal, files, finishedAt: new Date().toISOString() } });
}

/** Every journal of `root` that names a file, newest first. Version 1 journals (finished when saved) are read too. */
export async function journalsOf(root: string, env: NodeJS.ProcessEnv): Promise<JournalEntry[]> {
  const dir = cacheDir(env);
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.startsWith('run-') && n.endsWith('.json')).sort().reverse();
  const found: JournalEntry[] = [];
  for (const name of names) {
    const path = join(dir, name);
    let journal: Journal;
    try {
      const read = JSON.parse(await readFile(path, 'utf8')) as Journal | (Omit<Journal, 'version' | 'finishedAt'> & { version: 1 });
      journal = read.version === 1 ? { ...read, version: 2, finishedAt: read.createdAt } : read;
    } catch {
      continue; // not a journal this version can read
    }
    if (journal.root === root && journal.files.length > 0) found.push({ path, journal });
  }
  return found;
}
