/** The review says why each site has its kind: the evidence for a proposed one, the reason for one left alone. */
import { rm } from 'node:fs/promises';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { project } from '../helpers/project.js';
import { renderApp } from './harness.js';

let app: ReturnType<typeof renderApp> | null = null;
const roots: string[] = [];
afterEach(() => app?.unmount());
afterAll(() => Promise.all(roots.map((r) => rm(r, { recursive: true, force: true }))));

const TRAIN = [
  'import torch',
  'from torch import nn',
  '',
  '',
  'class Tracker:',
  '    def load_state_dict(self, sd):',
  '        self.sd = sd',
  '',
  '',
  'def main(ckpt, thing):',
  '    net = nn.Linear(2, 2)',
  '    net.load_state_dict(ckpt["net"])',
  '    tracker = Tracker()',
  '    tracker.load_state_dict(ckpt["tracker"])',
  '    thing.load_state_dict(ckpt["thing"])',
  '',
].join('\n');

describe('reasons in the review', () => {
  it('shows the evidence of the selected site and the reason of each site left alone, dimmed, in the list', async () => {
    const root = await project({ 'train.py': TRAIN });
    roots.push(root);
    app = renderApp(root, {}, { columns: 170, rows: 30 });
    const first = await app.see('change 1/3 · file 1/1');
    expect(first).toContain('Proposed: `net` is `nn.Linear(...)` (train.py:11); `torch.nn.Linear` is an nn.Module.');
    expect(first).toContain('non-module  tracker.load_state_dict(ckpt["tracker"])  (`tracker` is `Tracker()` (train.py:13); `Tracker` (train.py:5) is not an nn.Module)');
    expect(first).toContain('unknown     thing.load_state_dict(ckpt["thing"])  (nothing in the project says what `thing` is, and its name does not tell)');
    await expect(first).toMatchFileSnapshot('../../snapshots/ui/reasons.txt');
    await app.press('j', 'j');
    const unknown = await app.see('Not proposed: nothing in the project says what `thing` is');
    expect(unknown).toContain('y accepts it anyway, e edits it.');
  });
});
