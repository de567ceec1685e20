import { mkdtempSync } from 'node:fs';
import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { render } from 'ink-testing-library';
import { DEFAULT_SCAN_OPTIONS } from '../../src/core/scan.js';
import { App } from '../../src/ui/app.js';
import { coreServices, type ReviewServices } from '../../src/ui/services.js';

export const FIXTURE = join(import.meta.dirname, 'fixtures', 'project');
export const SIZE = { columns: 100, rows: 30 };

/** A fresh copy of the fixture project in a temp dir. */
export async function copyFixture(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'switcheroo-ui-'));
  await cp(FIXTURE, dir, { recursive: true });
  return dir;
}

export const KEYS = { enter: '\r', esc: '\u001b', down: '\u001b[B', pageDown: '\u001b[6~', ctrlC: '\u0003', ctrlS: '\u0013' };

/** Renders the app with the real core (and no editor) unless services are given; waits on frames, never sleeps. */
export function renderApp(root: string, overrides: Partial<ReviewServices> = {}, size = SIZE) {
  const journalEnv = { XDG_CACHE_HOME: mkdtempSync(join(tmpdir(), 'switcheroo-ui-cache-')) };
  const services: ReviewServices = { ...coreServices(null, journalEnv), gitModified: async () => new Set(), ...overrides };
  let exitCode: number | null = null;
  const app = render(
    <App root={root} scanOptions={DEFAULT_SCAN_OPTIONS} services={services} onExit={(code) => (exitCode = code)} color={false} size={size} animate={false} />,
  );
  const frame = () => stripVTControlCharacters(app.lastFrame() ?? '');

  async function waitFor(predicate: (frame: string) => boolean, what = 'the expected frame', timeoutMs = 4_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const current = frame();
      if (predicate(current)) return current;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last frame:\n${current}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  return {
    frame,
    /** Every frame drawn so far, as Ink wrote it (nothing stripped). */
    rawFrames: () => [...app.frames],
    waitFor,
    /** Waits for text to appear (a scan of hundreds of files may take longer than the default 4 s). */
    see: (text: string, timeoutMs?: number) => waitFor((f) => f.includes(text), JSON.stringify(text), timeoutMs),
    /** Sends keys one at a time, each once the frame has settled on a new render. */
    async press(...keys: string[]) {
      for (const key of keys) {
        const before = app.frames.length;
        app.stdin.write(key);
        await waitFor(() => app.frames.length > before || exitCode !== null, `a render after ${JSON.stringify(key)}`);
      }
    },
    /** The environment whose cache dir holds this app's undo journal and lock. */
    journalEnv,
    exitCode: () => exitCode,
    /** Waits for the app to exit (writing a hundred files may take longer than the default 4 s). */
    waitForExit: async (timeoutMs?: number) => {
      await waitFor(() => exitCode !== null, 'the exit', timeoutMs);
      return exitCode;
    },
    unmount: () => app.unmount(),
  };
}
