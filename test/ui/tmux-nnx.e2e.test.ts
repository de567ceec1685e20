/** Issue 16 in tmux: the built bin's review of a project that imports flax.nnx, as a person drives it. */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanup, project } from '../helpers/project.js';
import { BIN, hasTmux, killTmux, session } from './tmux.js';

afterAll(async () => {
  killTmux();
  await cleanup();
});

describe.skipIf(!hasTmux)('the review of a Flax NNX project in tmux', () => {
  it('names the mapper and why, shows the load_into call with strict kept, and writes it', async () => {
    const root = await project({
      'model.py': 'from flax import nnx\n\n\nclass Net(nnx.Module):\n    def __init__(self, rngs):\n        self.fc = nnx.Linear(3, 4, rngs=rngs)\n',
      'train.py': 'import torch\nfrom flax import nnx\n\nfrom model import Net\n\nmodel = Net(nnx.Rngs(0))\nmissing, unexpected = model.load_state_dict(torch.load("ckpt.pt"), strict=False)\n',
    });
    const cache = await mkdtemp(join(tmpdir(), 'switcheroo-cache-'));
    const command = `cd '${root}' && XDG_CACHE_HOME='${cache}' NO_COLOR=1 node '${BIN}' .; echo "EXIT=$?"; sleep 600`;
    const { settled, press } = session('nnx', command);
    const first = await settled('mapper nnx: the project imports flax.nnx (model.py:1)');
    expect(first).toContain('derives from flax.nnx.Module');
    expect(first).toMatch(/- missing, unexpected = model\.load_state_dict\(torch\.load\("ckpt\.pt"\), strict=False\)/);
    expect(first).toMatch(/\+ missing, unexpected = KeyMapper\.load_into\(model, torch\.load\("ckpt\.pt"\), strict=False\)/);
    await press('y', 'Summary · 1 change in 1 file will be written.');
    await press('w', 'Press w or Enter to write 1 file');
    expect(await press('w', 'EXIT=')).toContain('EXIT=0');
    const train = await readFile(join(root, 'train.py'), 'utf8');
    expect(train).toContain('\nmissing, unexpected = KeyMapper.load_into(model, torch.load("ckpt.pt"), strict=False)\n');
    expect(train).toContain('    def load_into(cls, module, state_dict, strict=True, hints=None):\n');
  }, 120_000);
});
