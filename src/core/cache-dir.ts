/** Where the tool keeps its own files (undo journals, locks): the user's cache dir. */
import { homedir } from 'node:os';
import { join } from 'node:path';

/** `$XDG_CACHE_HOME/switcheroo-migrate`, by default `~/.cache/switcheroo-migrate`. */
export function cacheDir(env: NodeJS.ProcessEnv): string {
  const cache = env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache');
  return join(cache, 'switcheroo-migrate');
}
