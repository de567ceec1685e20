/**
 * One writing run per root at a time: a lock file in the cache dir, named by a hash of the root's real
 * path, holding the pid of the run and when it started. It is created whole (written aside, then
 * hard-linked into place, which fails if a lock is there), removed when the run ends or exits, and
 * a lock whose process is gone (a crash, `kill -9`) is taken over rather than blocking for ever.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, unlinkSync } from 'node:fs';
import { link, mkdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheDir } from './cache-dir.js';
import { sha256 } from './text.js';

/** Who holds a lock. */
export interface LockHolder {
  pid: number;
  /** When the run took the lock (ISO). */
  startedAt: string;
  /** The process's start time as the kernel counts it (Linux), so that a reused pid is not mistaken for the holder. */
  processStart: string | null;
  root: string;
  /** Tells this lock from any other, even one of the same process. */
  nonce: string;
}

export interface RootLock {
  holder: LockHolder;
  release(): Promise<void>;
}

/** Another live run holds the root: `message` says who, for the one-line error. */
export class LockedError extends Error {
  override name = 'LockedError';
  constructor(readonly holder: LockHolder) {
    super(`another switcheroo-migrate run (${describeHolder(holder)}) is writing under ${holder.root}; nothing written. Run again once it has finished.`);
  }
}

/** The lock could not be taken at all (the cache dir is not writable, say): nothing may be written. */
export class LockFailed extends Error {
  override name = 'LockFailed';
}

export function describeHolder(holder: LockHolder): string {
  return `pid ${holder.pid}, started ${holder.startedAt}`;
}

function lockPath(root: string, env: NodeJS.ProcessEnv): string {
  return join(cacheDir(env), 'locks', `${sha256(Buffer.from(root)).slice(0, 24)}.lock`);
}

/** Field 22 of /proc/PID/stat (start time in clock ticks since boot); null where there is no /proc. */
function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function isAlive(holder: LockHolder): boolean {
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false; // EPERM: alive, someone else's
  }
  const start = processStart(holder.pid);
  return start === null || holder.processStart === null || start === holder.processStart;
}

function parse(text: string): LockHolder | null {
  try {
    const holder = JSON.parse(text) as LockHolder;
    return typeof holder.pid === 'number' ? holder : null;
  } catch {
    return null;
  }
}

/** Creates `path` holding `text`, whole, or fails with EEXIST when it exists. */
async function createWhole(path: string, text: string): Promise<void> {
  const aside = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(aside, text, { mode: 0o600 });
  try {
    await link(aside, path);
  } finally {
    await rm(aside, { force: true });
  }
}

/** Locks held by this process, removed on exit whatever the way out (a signal's process.exit too). */
const held = new Map<string, string>();
process.on('exit', () => {
  for (const [path, nonce] of held) {
    try {
      if (parse(readFileSync(path, 'utf8'))?.nonce === nonce) unlinkSync(path);
    } catch {
      // already gone
    }
  }
});

/**
 * Removes a dead run's lock. Only one run at a time may do so (it first takes `path.takeover`, the
 * same way), so that a lock another run has just taken is never removed in its place.
 */
async function removeStale(path: string, stale: string): Promise<void> {
  const guard = `${path}.takeover`;
  const me: LockHolder = { pid: process.pid, startedAt: new Date().toISOString(), processStart: processStart(process.pid), root: '', nonce: randomBytes(8).toString('hex') };
  try {
    await createWhole(guard, JSON.stringify(me));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const other = parse(await readFile(guard, 'utf8').catch(() => ''));
    if (other && !isAlive(other)) await unlink(guard).catch(() => {});
    return; // someone else is taking over; the caller looks again
  }
  try {
    if ((await readFile(path, 'utf8').catch(() => null)) === stale) await unlink(path).catch(() => {});
  } finally {
    await unlink(guard).catch(() => {});
  }
}

/** Takes the lock of `root` (a real path) if no live run holds it. */
export async function tryLockRoot(root: string, env: NodeJS.ProcessEnv): Promise<{ lock: RootLock } | { heldBy: LockHolder }> {
  const path = lockPath(root, env);
  try {
    await mkdir(join(cacheDir(env), 'locks'), { recursive: true });
  } catch (error) {
    throw new LockFailed(`could not make the lock for ${root} in ${cacheDir(env)} (${(error as Error).message}); nothing written`);
  }
  const holder: LockHolder = { pid: process.pid, startedAt: new Date().toISOString(), processStart: processStart(process.pid), root, nonce: randomBytes(8).toString('hex') };
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      await createWhole(path, JSON.stringify(holder));
      held.set(path, holder.nonce);
      const release = async () => {
        held.delete(path);
        if (parse(await readFile(path, 'utf8').catch(() => ''))?.nonce === holder.nonce) await unlink(path).catch(() => {});
      };
      return { lock: { holder, release } };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new LockFailed(`could not make the lock for ${root} (${(error as Error).message}); nothing written`);
    }
    const text = await readFile(path, 'utf8').catch(() => null);
    if (text === null) continue; // released meanwhile
    const other = parse(text);
    if (other && isAlive(other)) return { heldBy: other };
    // A dead run's lock, or one too damaged to name a process: nobody is writing.
    await removeStale(path, text);
  }
  throw new LockFailed(`could not take the lock ${path}: it keeps changing hands; nothing written`);
}

/**
 * Takes the lock of `root`, waiting up to `waitMs` for a live holder to finish (`onWait` is told once,
 * when the wait starts). Throws LockedError when it is still held after that.
 */
export async function lockRoot(root: string, env: NodeJS.ProcessEnv, waitMs: number, onWait: (holder: LockHolder) => void = () => {}): Promise<RootLock> {
  const deadline = Date.now() + waitMs;
  let told = false;
  for (;;) {
    const attempt = await tryLockRoot(root, env);
    if ('lock' in attempt) return attempt.lock;
    if (Date.now() >= deadline) throw new LockedError(attempt.heldBy);
    if (!told) onWait(attempt.heldBy);
    told = true;
    await new Promise((resolve) => setTimeout(resolve, Math.min(100, Math.max(0, deadline - Date.now()))));
  }
}
