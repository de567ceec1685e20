/** Notebooks as one more container of Python text: IPython masking, the cell map, the JSON written back, edits checked per cell. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkEdit } from '../src/core/check.js';
import { maskCell } from '../src/core/notebook/ipython.js';
import { readNotebook, writeNotebook } from '../src/core/notebook/notebook.js';
import { planNotebook } from '../src/core/notebook/plan-notebook.js';
import { getParser } from '../src/core/parser.js';
import { DEFAULT_SCAN_OPTIONS, scanProject } from '../src/core/scan.js';
import type { FilePlan } from '../src/core/types.js';

const cell = (source: string[] | string, type = 'code') => ({ cell_type: type, metadata: {}, source, ...(type === 'code' ? { execution_count: null, outputs: [] } : {}) });
const notebook = (cells: object[], extra: object = {}) => JSON.stringify({ cells, metadata: {}, nbformat: 4, nbformat_minor: 4, ...extra }, null, 1) + '\n';

async function plan(json: string): Promise<FilePlan> {
  const planned = planNotebook(await getParser(), 'nb.ipynb', '/virtual/nb.ipynb', Buffer.from(json), DEFAULT_SCAN_OPTIONS);
  if ('skipped' in planned) throw new Error(planned.skipped);
  return planned;
}

describe('IPython masking', () => {
  it('keeps every offset and line, and turns IPython lines into statements', () => {
    const source = '%matplotlib inline\nx = !ls\n  !echo \\\n    more\nobj.method?\n?obj\nfiles = %sx ls\nmodel.load_state_dict(sd)\ny = a % b\nz = x != y\n';
    const masked = maskCell(source);
    expect(masked.skipped).toBeNull();
    expect(masked.text.length).toBe(source.length);
    expect(masked.text.split('\n').map((l) => l.length)).toEqual(source.split('\n').map((l) => l.length));
    expect(masked.text.split('\n')).toEqual(['pass#xxxxxxxxxxxxx', 'pass#xx', '  pass#xx', '    pass', 'pass#xxxxxx', 'pass', 'pass#xxxxxxxxx', 'model.load_state_dict(sd)', 'y = a % b', 'z = x != y', '']);
  });

  it('masks a %% cell the kernel does not run as Python whole, and only the first line of %%time', () => {
    expect(maskCell('%%bash\necho model.load_state_dict(x)')).toEqual({ text: `#xxxxx\n#${'x'.repeat(28)}`, skipped: 'bash' });
    expect(maskCell('%%time\nmodel.load_state_dict(x)').text).toBe('pass#x\nmodel.load_state_dict(x)');
  });
});

describe('the cell map', () => {
  it('puts the preamble cell after the leading cells that only import, markdown between them included', () => {
    const json = notebook([cell('# Title', 'markdown'), cell(['%load_ext autoreload\n', 'import torch\n', 'from torch import (\n', '    nn,\n', ')']), cell('intro', 'markdown'), cell('import numpy as np'), cell('model = nn.Linear(2, 2)'), cell('model.load_state_dict(sd)')]);
    const read = readNotebook(json);
    if (!read.ok) throw new Error(read.reason);
    expect(read.map.insertAt).toBe(4);
    expect(read.map.cells.map((c) => c.index)).toEqual([1, 3, 4, 5]);
    expect(read.text).toBe('%load_ext autoreload\nimport torch\nfrom torch import (\n    nn,\n)\nimport numpy as np\nmodel = nn.Linear(2, 2)\nmodel.load_state_dict(sd)\n');
  });
});

describe('writing a notebook back', () => {
  it("keeps every unchanged line's JSON text as it was (escapes included) and a one-line list on one line", async () => {
    const json = '{"cells": [{"cell_type": "code", "execution_count": null, "metadata": {}, "outputs": [], "source": ["import torch\\n", "url = \\"http:\\/\\/x\\"\\n", "model = torch.nn.Linear(2, 2)\\n", "model.load_state_dict(sd)"]}], "metadata": {}, "nbformat": 4, "nbformat_minor": 2}';
    const p = await plan(json);
    const read = readNotebook(json);
    if (!read.ok) throw new Error(read.reason);
    const source = p.text.slice(0, read.map.cells[0]?.end);
    const out = writeNotebook(read.map, [{ index: 0, after: source.replace('model.load_state_dict(sd)', 'variables = KeyMapper.from_torch(sd)') }], null);
    expect(out).toBe(json.replace('"model.load_state_dict(sd)"', '"variables = KeyMapper.from_torch(sd)"'));
  });

  it('checks an edit within its cell, IPython lines and all', async () => {
    const p = await plan(notebook([cell(['%matplotlib inline\n', 'import torch\n', 'model = torch.nn.Linear(2, 2)\n', 'model.load_state_dict(sd)'])]));
    const site = p.sites[0];
    expect(site).toMatchObject({ cell: 0, line: 4 });
    expect(await checkEdit(p, site!.id, 'variables = KeyMapper.from_torch(sd)')).toBeNull();
    expect(await checkEdit(p, site!.id, 'variables = KeyMapper.from_torch(sd')).toMatch(/^the edit does not parse: .*cell 1/);
  });
});

describe("a notebook's own classes, as the hints read them", () => {
  // The index reads a notebook's classes from its cells' masked text (IPython lines written as
  // ASCII): offsets taken from the unmasked text ran past a masked line holding non-ASCII text.
  const model = ['import torch.nn as nn\n', '\n', 'class Net(nn.Module):\n', '    def __init__(self):\n', '        super().__init__()\n', '        self.attn = nn.MultiheadAttention(32, num_heads=4, batch_first=True)\n'];
  const load = ['net = Net()\n', 'net.load_state_dict(torch.load("w.pt"))\n'];
  const hintsOf = async (first: string) => {
    const root = mkdtempSync(join(tmpdir(), 'switcheroo-nb-hints-'));
    try {
      writeFileSync(join(root, 'nb.ipynb'), notebook([cell([first, 'import torch\n']), cell(model), cell(load)]));
      const result = await scanProject(root, DEFAULT_SCAN_OPTIONS);
      return result.files[0]?.sites.map((s) => s.hints?.map((h) => `${h.module}=${h.value} (${h.text})`));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  };

  it('are read at their place after an IPython line holding non-ASCII text', async () => {
    const want = [['attn=attention:4 (nn.MultiheadAttention(32, num_heads=4, batch_first=True))']];
    expect(await hintsOf('%pip install einops\n')).toEqual(want);
    expect(await hintsOf(`!echo "données prêtes ✓ ${'準備完了'.repeat(40)}"\n`)).toEqual(want);
  });
});
