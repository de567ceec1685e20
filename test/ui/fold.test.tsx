/** A file with more sites than the list shows: the rest fold into one row, and are still all reviewed. */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { SITES_SHOWN_PER_FILE } from '../../src/ui/site-list.js';
import { KEYS, renderApp } from './harness.js';

const COUNT = 30;
const name = (i: number) => `net${String(i).padStart(2, '0')}`; // site i (1-based) loads into net01 … net30
const row = (i: number) => `${name(i)}.load_state_dict(sd)`;
/** A list row (not a diff line): its status column, then the kind, then the call. */
const listed = (frame: string, i: number) => new RegExp(`(pending|accepted) +module +${row(i).replace(/[.()]/g, '\\$&')}`).test(frame);

let app: ReturnType<typeof renderApp> | null = null;
const roots: string[] = [];
afterEach(() => app?.unmount());
afterAll(() => Promise.all(roots.map((r) => rm(r, { recursive: true, force: true }))));

async function start() {
  const root = await mkdtemp(join(tmpdir(), 'switcheroo-fold-'));
  roots.push(root);
  const sites = Array.from({ length: COUNT }, (_, i) => `    ${row(i + 1)}\n`).join('');
  await writeFile(join(root, 'many.py'), `import torch\n\n\ndef load(sd):\n${sites}`);
  // tall enough that the list (30% of the screen) holds a whole folded file without scrolling
  app = renderApp(root, {}, { columns: 110, rows: 100 });
  await app.see(`change 1/${COUNT} · file 1/1`);
  return { root, app };
}

describe(`a file of ${COUNT} sites`, () => {
  it(`lists the first ${SITES_SHOWN_PER_FILE} and folds the rest into one dimmed row`, async () => {
    const { app } = await start();
    const frame = app.frame();
    expect(SITES_SHOWN_PER_FILE).toBe(20);
    expect(frame).toContain(`many.py  ${COUNT} sites · 0 decided`);
    expect(frame).toContain(`… ${COUNT - SITES_SHOWN_PER_FILE} more sites in this file`);
    for (let i = 1; i <= COUNT; i++) expect(listed(frame, i), `row ${i}`).toBe(i <= SITES_SHOWN_PER_FILE);
  });

  it('moving down past the last listed site unfolds as far as the selected one', async () => {
    const { app } = await start();
    for (let i = 2; i <= SITES_SHOWN_PER_FILE + 1; i++) await app.press('j');
    let frame = await app.see(`change ${SITES_SHOWN_PER_FILE + 1}/${COUNT} · file 1/1`);
    expect(frame).toContain(`▸ 25:5`); // site 21 is on line 25, selected
    expect(listed(frame, SITES_SHOWN_PER_FILE + 1)).toBe(true);
    expect(listed(frame, SITES_SHOWN_PER_FILE + 2)).toBe(false);
    expect(frame).toContain(`… ${COUNT - SITES_SHOWN_PER_FILE - 1} more sites in this file`);

    await app.press(...Array.from({ length: COUNT - SITES_SHOWN_PER_FILE - 2 }, () => 'j'));
    frame = await app.see(`change ${COUNT - 1}/${COUNT} · file 1/1`);
    expect(frame).toContain('… 1 more site in this file');
    await app.press('j');
    frame = await app.see(`change ${COUNT}/${COUNT} · file 1/1`);
    expect(frame).not.toContain('more site');
    for (let i = SITES_SHOWN_PER_FILE + 1; i <= COUNT; i++) expect(listed(frame, i), `row ${i}`).toBe(true);

    // back up: the fold returns once the selection is among the first rows again
    await app.press(...Array.from({ length: COUNT - 1 }, () => 'k'));
    frame = await app.see(`change 1/${COUNT} · file 1/1`);
    expect(frame).toContain(`… ${COUNT - SITES_SHOWN_PER_FILE} more sites in this file`);
  });

  it('`a` accepts all of them, folded ones too, and the summary and the written file say so', async () => {
    const { root, app } = await start();
    await app.press('a'); // every change decided: the summary comes up by itself
    let frame = await app.see(`Summary · ${COUNT} changes in 1 file will be written.`);
    expect(frame).toContain(`✔ ${COUNT} accepted`);
    expect(frame).toMatch(new RegExp(`many\\.py +${COUNT} changes · KeyMapper preamble added`));
    await app.press('b');
    frame = await app.see(`many.py  ${COUNT} sites · ${COUNT} decided`);
    expect(frame).toContain(`… ${COUNT - SITES_SHOWN_PER_FILE} more sites in this file`);
    await app.press('w');
    await app.waitFor((f) => f.includes('Summary · ') && !f.includes('asking git'), 'the summary, git asked');
    await app.press('w');
    expect(await app.waitForExit()).toBe(0);
    expect(app.frame()).toContain('1 written · 0 refused · 0 errors');
    const text = await readFile(join(root, 'many.py'), 'utf8');
    expect(text).not.toContain('load_state_dict');
    expect(text.split('variables = KeyMapper.from_torch(sd)')).toHaveLength(COUNT + 1);
  });
});
