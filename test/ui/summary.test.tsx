/**
 * Issue 15 item 13: the summary lists what will be written first, cuts paths from the left and never
 * its statuses or its headline: 164 files, one of them written, its path longer than the screen.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { displayWidth } from '../../src/core/columns.js';
import { cleanup, project } from '../helpers/project.js';
import { renderApp } from './harness.js';

let app: ReturnType<typeof renderApp> | null = null;
afterEach(() => app?.unmount());
afterAll(cleanup);

const LONG = 'src/diffusers/pipelines/stable_diffusion_xl/controlnet/experimental/community/contrib/pipeline_stable_diffusion_xl_controlnet_img2img_inpaint.py';

async function bigProject() {
  const files: Record<string, string> = { [LONG]: 'def load(model, sd):\n    model.load_state_dict(sd)\n' };
  for (let i = 0; i < 163; i++) files[`tests/pipelines/test_pipeline_${String(i).padStart(3, '0')}.py`] = 'def load(model, sd):\n    model.load_state_dict(sd)\n';
  return project(files, 'switcheroo-summary-');
}

describe.each([
  { columns: 140, rows: 40 },
  { columns: 80, rows: 24 },
  { columns: 60, rows: 20 },
])('the summary at $columns x $rows', (size) => {
  it('shows the file written first, its path cut from the left, its status and the headline whole', async () => {
    const root = await bigProject();
    app = renderApp(root, {}, size);
    await app.see('scanned 164 files');
    // the long path sorts first: accept it, leave the rest pending
    await app.press('y', 'w');
    const frame = await app.waitFor((f) => f.includes('Summary') && !f.includes('asking git'), 'the summary, git asked');
    const lines = frame.split('\n');
    const headline = lines.slice(2, lines.findIndex((l) => l.startsWith('Will be written'))).join(' ').replace(/\s+/g, ' ').trim();
    expect(headline).toBe('Summary · 1 change in 1 file will be written; 163 pending changes will not.');
    const written = lines.findIndex((l) => l === 'Will be written (1 file):');
    expect(written).toBeGreaterThan(2);
    const row = lines.slice(written + 1, written + 4).join('\n');
    // the path's end, the file's name, kept whole; its start cut
    expect(row).toMatch(/^…[^\n]*pipeline_stable_diffusion_xl_controlnet_img2img_inpaint\.py/);
    expect(row).toContain('1 change · KeyMapper preamble added');
    expect(lines.find((l) => l.startsWith('Left as they are'))).toBe('Left as they are (163 files):');
    for (const line of lines) expect(displayWidth(line), line).toBeLessThanOrEqual(size.columns);
    expect(frame).not.toMatch(/(?<!^|\n)…\n/); // no line cut at its end
    if (size.columns === 140) await expect(frame).toMatchFileSnapshot('../../snapshots/ui/summary-164-files.txt');
  });
});
