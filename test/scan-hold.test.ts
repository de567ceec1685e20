/** The scan's `held` hook: the CLI pauses the scan while Ink loads, then lets it go on. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { DEFAULT_SCAN_OPTIONS, scanProject } from '../src/core/scan.js';

const dir = mkdtempSync(join(tmpdir(), 'switcheroo-hold-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('waits at a pause while held, then finishes every file', async () => {
  for (let d = 0; d < 20; d++) {
    mkdirSync(join(dir, `pkg${d}`));
    for (let f = 0; f < 150; f++) writeFileSync(join(dir, `pkg${d}`, `m${f}.py`), f % 50 ? `x = ${f}\n` : 'model.load_state_dict(sd)\n');
  }
  let release: () => void = () => {};
  let gate: Promise<void> | null = new Promise<void>((r) => (release = r));
  let pauses = 0;
  let files = 0;
  let done = false;
  const scanning = scanProject(dir, DEFAULT_SCAN_OPTIONS, (e) => void (e.type === 'progress' && (files = e.filesScanned)), undefined, () => {
    pauses++;
    return gate;
  }).then((result) => {
    done = true;
    return result;
  });
  await new Promise((r) => setTimeout(r, 300));
  expect(done).toBe(false);
  expect(pauses).toBe(1); // stopped at its first pause
  const heldAt = files;
  expect(heldAt).toBeLessThan(3000);
  gate = null;
  release();
  const result = await scanning;
  expect(result.stats.filesScanned).toBe(3000);
  expect(result.stats.sites).toBe(60);
  expect(pauses).toBeGreaterThan(1);
});
