/** The review of issue 11's changes: a notebook's cell and line, the shared helper's diff and summary row, and the names' reasons. */
import { cp, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SCAN_OPTIONS } from '../../src/core/scan.js';
import { KEYS, renderApp } from './harness.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'issue11');
const OPTIONS = { ...DEFAULT_SCAN_OPTIONS, mapper: 'reference' as const };

let app: ReturnType<typeof renderApp> | null = null;
afterEach(() => app?.unmount());

async function copy(name: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `switcheroo-ui-${name}-`));
  await cp(join(FIXTURES, name), dir, { recursive: true });
  return dir;
}

describe('the review of a notebook', () => {
  it("names the cell and its own line, and shows the preamble's new cell with the first change", async () => {
    app = renderApp(await copy('notebooks'), {}, { columns: 110, rows: 40 }, OPTIONS);
    const frame = await app.see('demo.ipynb · cell 5 · line 3 · model · module · pending');
    expect(frame).toContain('@@ -1,5 +1,5 @@ cell 5');
    expect(frame).toContain('cell 5 · 3:1');
    expect(frame).toMatch(/- model\.load_state_dict\(ckpt\["model"\]\)/);
    expect(frame).toMatch(/\+ model_variables = KeyMapper\.from_torch\(ckpt\["model"\]\)/);
    expect(frame).toContain('Assigns `model_variables`: the notebook has 3 calls to rewrite');
    await expect(frame).toMatchFileSnapshot('../../snapshots/ui/notebook.txt');
    const seen = [frame];
    for (let i = 0; i < 3; i++) {
      await app.press(KEYS.pageDown);
      seen.push(app.frame());
    }
    expect(seen.join('\n')).toContain('@@ -0,0 +1,54 @@ new cell before cell 3  KeyMapper preamble (added once a change of this file is accepted)');
  });
});

describe('the review under --preamble module', () => {
  it('shows the shared helper as a new file with the first change, lists it in the summary, and writes it first', async () => {
    const root = await copy('shared');
    app = renderApp(root, {}, { columns: 110, rows: 40 }, { ...OPTIONS, preamble: 'module' });
    await app.see('scanned');
    const frame = await app.see('+ from mypkg.keymapper import KeyMapper');
    expect(frame).toContain('KeyMapper preamble (added once a change of this file is accepted)');
    let rows = frame;
    for (let i = 0; i < 4 && !rows.includes('mypkg/keymapper.py (new file)'); i++) {
      await app.press(KEYS.pageDown);
      rows = app.frame();
    }
    expect(rows).toContain('@@ -0,0 +1,55 @@ mypkg/keymapper.py (new file)  the shared KeyMapper, written once with the first accepted');
    await app.press('A');
    await app.press('w');
    const summary = await app.waitFor((f) => f.includes('mypkg/keymapper.py') && !f.includes('asking git'), 'the summary, git answered');
    expect(summary).toMatch(/mypkg\/keymapper\.py +new file: the shared KeyMapper, imported by 5 files/);
    expect(summary).toContain('KeyMapper imported from mypkg/keymapper.py');
    await expect(summary).toMatchFileSnapshot('../../snapshots/ui/summary-shared.txt');
    await app.press('w');
    expect(await app.waitForExit()).toBe(0);
    expect(app.frame()).toMatch(/written +mypkg\/keymapper\.py/);
    expect(await readFile(join(root, 'mypkg', 'keymapper.py'), 'utf8')).toContain('class KeyMapper:');
    expect(await readFile(join(root, 'train.py'), 'utf8')).toContain('from mypkg.keymapper import KeyMapper\n');
  });
});
