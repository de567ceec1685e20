/**
 * Issue 13 on a 400-site project shaped like diffusers (160 files; a quarter of the sites load into
 * `self.unet`): the search finds a receiver in one sequence of keys, a filter and A decide 100 sites
 * at once, u takes them back as one step, and a folded file is one row. Frames at 120x40.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { reviewProject } from '../../bench/generate.mjs';
import { cleanup, project } from '../helpers/project.js';
import { KEYS, renderApp } from './harness.js';

const SIZE = { columns: 120, rows: 40 };
const { files, kinds } = reviewProject(400);
let root = '';
let app: ReturnType<typeof renderApp> | null = null;

beforeAll(async () => {
  root = await project(files, 'switcheroo-scale-');
});
afterEach(() => app?.unmount());
afterAll(cleanup);

async function start() {
  app = renderApp(root, {}, SIZE);
  await app.see('scanned 160 files · 400 sites in 160 files', 30_000);
  return app;
}
const header = (frame: string) => frame.split('\n').slice(0, 3).join('\n');
const footer = (frame: string) => frame.split('\n').slice(-2).join('\n');

// Each test scans the 160 files (1 to 3 s on a loaded 2-core machine): a minute at most.
describe('the review of 400 sites in 160 files', { timeout: 60_000 }, () => {
  it('the fixture is what the tests count on', () => {
    expect(Object.keys(files)).toHaveLength(160);
    expect(kinds).toEqual({ module: 201, 'non-module': 100, unknown: 33, super: 33, unsupported: 33, unet: 100 });
  });

  it('/unet⏎ finds the first self.unet; Tab the next', async () => {
    const app = await start();
    await app.press('/', 'u', 'n', 'e', 't');
    const prompt = await app.see('/unet');
    expect(header(prompt)).toContain('search "unet": 100 matches');
    expect(footer(prompt)).toContain('⏎ go to the match · Esc clear the search');
    await app.press(KEYS.enter);
    const found = await app.see('match 1/100');
    expect(header(found)).toContain('search "unet": match 1/100');
    expect(found).toContain('── examples/animatediff/train_animatediff_117.py:9:9 · self.unet · module · pending');
    expect(found).toMatch(/ ▸\*9:9 +· pending +module +self\.unet\.load_state_dict/);
    expect(found).toContain('✔ 0 accepted'); // the n in "unet" was typed, not a skip
    await expect(found).toMatchFileSnapshot('../../snapshots/ui/scale-search.txt');
    await app.press('\t');
    expect(await app.see('match 2/100')).toContain('train_audioldm_147.py:10:9 · self.unet');
  });

  it('m lists only the matches; A accepts those 100 and says so; u takes them back at once', async () => {
    const app = await start();
    await app.press('/', 'u', 'n', 'e', 't', KEYS.enter, 'm');
    const filtered = await app.see('filter: matches of "unet"');
    expect(header(filtered)).toContain('filter: matches of "unet" · 100 of 400 sites shown (100 of 160 files) · a/d/A act on these  |  search: match 1/100');
    expect(filtered).not.toMatch(/obj\.load_state_dict|optimizer\.load_state_dict/);
    expect(footer(filtered)).toContain('A accept shown');
    await expect(filtered).toMatchFileSnapshot('../../snapshots/ui/scale-filter.txt');
    await app.press('A');
    const accepted = await app.see('✔ 100 accepted');
    expect(accepted).toContain('· 101 pending (all sites)'); // the header counts every site, shown or not, and says so
    expect(accepted).toContain('Accepted 100 changes shown; hidden ones stay as they were.');
    await app.press('u');
    const undone = await app.see('Undone: 100 decisions.');
    expect(undone).toContain('✔ 0 accepted');
    expect(undone).toContain('· 201 pending (all sites)');
  });

  it('the summary after a filtered A: counts every site, lists each file written with its decisions, scrolls, and writes exactly those', async () => {
    const dir = await project(files, 'switcheroo-scale-write-');
    app = renderApp(dir, {}, SIZE);
    await app.see('scanned 160 files · 400 sites in 160 files', 30_000);
    await app.press('/', 'u', 'n', 'e', 't', KEYS.enter, 'm', 'j', 'n', 'A', 'w');
    let frame = await app.waitFor((f) => f.includes('Summary · ') && !f.includes('asking git'), 'the summary, git asked');
    expect(frame).toContain('Summary · 99 changes in 99 files will be written; 101 pending changes will not.');
    expect(frame).toContain("The review's filter only hides rows: every site counts here.");
    expect(frame).toContain('Will be written (99 files):');
    expect(frame).toMatch(/train_animatediff_117\.py +1 change · 1 pending \(left as is\) · KeyMapper preamble added/);
    expect(frame).toMatch(/↓ \d+ more \(PgDn\)/);
    await app.press(KEYS.pageDown);
    frame = app.frame();
    expect(frame).toMatch(/↑ \d+ more/);
    await app.press('w');
    expect(await app.waitForExit(30_000)).toBe(0); // 99 files written: seconds on a loaded machine
    expect(app.frame()).toContain('99 written · 0 refused · 0 errors');
    let rewritten = 0;
    for (const [path, text] of Object.entries(files)) {
      const now = await readFile(join(dir, path), 'utf8');
      if (now === text) continue;
      rewritten++;
      expect(now, path).toContain('variables = KeyMapper.from_torch(state["unet"])');
      expect(now, path).not.toContain('self.unet.load_state_dict'); // one self.unet per file: the skipped one's file is not written
    }
    expect(rewritten).toBe(99);
  });

  it('Z folds every file into its row; z unfolds the selected one; ] goes to the next file', async () => {
    const app = await start();
    await app.press('Z');
    const folded = await app.see('folded (z)');
    expect(folded).toContain('▸ examples/animatediff/train_animatediff_117.py  2 sites · 0 decided · folded (z)');
    expect(folded).toContain('+ examples/animatediff/train_animatediff_57.py  2 sites · 0 decided · folded (z)');
    expect(folded).not.toMatch(/pending +module/);
    await expect(folded).toMatchFileSnapshot('../../snapshots/ui/scale-folded.txt');
    await app.press('y');
    expect(await app.see('is folded: z unfolds it')).toContain('✔ 0 accepted');
    await app.press(']', 'z');
    const open = await app.see('train_animatediff_57.py  2 sites · 0 decided\n');
    expect(open).toMatch(/ ▸ 8:9 +– not proposed unknown +obj\.load_state_dict/);
  });
});
