/** Driving the built bin's review in tmux, on a socket of this test process's own: sessions, keys, the screen. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const BIN = join(import.meta.dirname, '..', '..', 'dist', 'bin.cjs'); // the installed bin, as a person runs it
export const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const SOCKET = `switcheroo-e2e-${process.pid}`;

/** A tmux command on this process's socket; its output. */
export function tmux(...args: string[]): string {
  const run = spawnSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`tmux ${args[0]} failed: ${run.stderr}`);
  return run.stdout;
}

/** Ends every session of this process (afterAll). */
export function killTmux(): void {
  if (hasTmux) spawnSync('tmux', ['-L', SOCKET, 'kill-server']);
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `command` (a shell line) in a new session of `columns`×`rows`. Polls the screen, never sleeps
 * a fixed time before looking.
 */
export function session(name: string, command: string, columns = 120, rows = 40) {
  tmux('new-session', '-d', '-s', name, '-x', String(columns), '-y', String(rows), command);
  const screen = () => tmux('capture-pane', '-p', '-t', name);
  /** The screen with its styles as escape sequences (inverse: ESC [7m). */
  const styled = () => tmux('capture-pane', '-p', '-e', '-t', name);

  /** Waits until the screen (or, `withStyles`, its styled capture) shows `text` (or matches it). */
  async function see(text: string | RegExp, timeoutMs = 30_000, withStyles = false): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const current = withStyles ? styled() : screen();
      if (typeof text === 'string' ? current.includes(text) : text.test(current)) return current;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(text)}; screen:\n${current}`);
      await pause(50);
    }
  }

  return {
    screen,
    see,
    /** Waits for `text`, then until two captures 100 ms apart agree (Ink may still be drawing the frame). */
    async settled(text: string | RegExp): Promise<string> {
      let last = await see(text);
      for (;;) {
        await pause(100);
        const current = screen();
        if (current === last) return current;
        last = current;
      }
    },
    /** Sends keys in one `send-keys` call (tmux names: Enter, Down, C-c; or characters), so that they arrive together. */
    send(...keys: string[]): void {
      tmux('send-keys', '-t', name, ...keys);
    },
    async press(key: string, then: string | RegExp): Promise<string> {
      tmux('send-keys', '-t', name, key);
      return see(then);
    },
  };
}
