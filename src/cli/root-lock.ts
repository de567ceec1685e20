/** The CLI's side of the root lock: how long a writing mode waits for another run, and what it says meanwhile. */
import { describeHolder, lockRoot, type RootLock } from '../core/lock.js';

/** Seconds a writing mode waits for another run on the same root; SWITCHEROO_LOCK_WAIT changes it (0: refuse at once). */
const DEFAULT_WAIT_S = 30;

function waitSeconds(env: NodeJS.ProcessEnv): number {
  const value = Number(env.SWITCHEROO_LOCK_WAIT);
  return env.SWITCHEROO_LOCK_WAIT !== undefined && Number.isFinite(value) && value >= 0 ? value : DEFAULT_WAIT_S;
}

/** Takes the root's lock, waiting (and saying so on `err`) while another run holds it; throws LockedError after the wait. */
export function lockForWriting(root: string, env: NodeJS.ProcessEnv, err: (line: string) => void): Promise<RootLock> {
  const seconds = waitSeconds(env);
  return lockRoot(root, env, seconds * 1000, (holder) => {
    err(`waiting for another switcheroo-migrate run (${describeHolder(holder)}) writing under ${root}, for up to ${seconds} s…`);
  });
}
