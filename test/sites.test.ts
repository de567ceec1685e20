/** What each site is: kind, warnings, position, and the file-format cases that goldens cannot show. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acceptAll, planText } from './helpers/plan.js';
import { pythonSyntaxErrors } from './helpers/python.js';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', 'engine', name), 'utf8');

describe('site finding', () => {
  it('finds nothing in comments, strings, docstrings, definitions, bare references and look-alike names', async () => {
    const plan = await planText(fixture('not_sites.py'));
    expect(plan.sites).toEqual([]);
  });

  it('classifies receivers into the four kinds', async () => {
    const plan = await planText(fixture('kinds.py'));
    expect(plan.sites.map((s) => [s.receiver, s.kind, s.proposed])).toEqual([
      ['super()', 'super', false],
      ['model', 'module', true],
      ['optimizer', 'non-module', false],
      ['scheduler', 'non-module', false],
      ['scaler', 'non-module', false],
      ['ema', 'non-module', false],
      ['trainer', 'non-module', false],
      ['self.lr_scheduler', 'non-module', false],
      ['dist_cp', 'non-module', false],
      ['checkpoint', 'non-module', false],
      ['ema_model', 'module', true],
      ['model', 'unsupported', false],
      ['model', 'unsupported', false],
    ]);
    for (const site of plan.sites.filter((s) => !s.proposed)) expect(site.reason).not.toBe('');
    expect(plan.sites.find((s) => s.receiver === 'dist_cp')?.reason).toMatch(/imported module/);
  });

  it('--include non-module proposes training-state sites but never super or unsupported ones', async () => {
    const plan = await planText(fixture('kinds.py'), { include: ['non-module', 'unsupported'] });
    expect(plan.sites.filter((s) => s.proposed).map((s) => s.receiver)).toEqual([
      'model', 'optimizer', 'scheduler', 'scaler', 'ema', 'trainer', 'self.lr_scheduler', 'dist_cp', 'checkpoint', 'ema_model',
    ]);
  });

  it('names every dropped argument and a used result in the warnings', async () => {
    const plan = await planText(fixture('dropped_args.py'));
    expect(plan.sites.map((s) => s.warnings.length)).toEqual([1, 1, 1, 2, 0, 1]);
    expect(plan.sites[0]?.warnings[0]).toMatch(/^`strict=False` dropped/);
    expect(plan.sites[1]?.warnings[0]).toMatch(/^`assign=True` dropped/);
    expect(plan.sites[2]?.warnings[0]).toMatch(/^positional strict argument `False` dropped/);
    const used = await planText(fixture('result_used.py'));
    for (const site of used.sites) expect(site.warnings.some((w) => w.startsWith('the result is used'))).toBe(true);
    expect(used.sites[0]?.replacement).toBe('KeyMapper.from_torch(sd)');
  });

  it('warns that a receiver with a call in it is no longer evaluated', async () => {
    const plan = await planText(fixture('receivers.py'));
    expect(plan.sites.map((s) => s.warnings.some((w) => w.includes('no longer evaluated')))).toEqual([true, true, false, false]);
  });

  it('counts columns in characters after CJK text and emoji', async () => {
    const plan = await planText(fixture('unicode.py'));
    expect(plan.sites.map((s) => [s.line, s.column, s.endColumn])).toEqual([
      [6, 15, 37],
      [7, 17, 56],
    ]);
    expect(plan.sites[0]?.original).toBe('模型.load_state_dict(sd)');
  });

  it('reports a syntax error elsewhere and proposes only the sites outside broken code', async () => {
    const plan = await planText(fixture('syntax_error.py'));
    expect(plan.parseError).toMatch(/^syntax error at line 8/);
    expect(plan.sites.map((s) => s.line)).toEqual([5]);
  });

  it('uses --target-name for statement rewrites', async () => {
    const plan = await planText(fixture('basic.py'), { targetName: 'params' });
    expect(plan.sites[0]?.replacement).toBe('params = KeyMapper.from_torch(torch.load(path))');
  });

  it('never assigns a name the scope already uses: a receiver-named one instead; a module-level binding the function does not read is no obstacle', async () => {
    const text = 'import torch\nimport jax.numpy as jnp\n\n\ndef load(model, path):\n    model.load_state_dict(torch.load(path))\n    ok = model.load_state_dict(torch.load(path))\n';
    const plan = await planText(text, { targetName: 'torch' });
    expect(plan.sites.map((s) => s.proposed)).toEqual([true, true]);
    expect(plan.sites[0]?.replacement).toBe('model_torch = KeyMapper.from_torch(torch.load(path))');
    expect(plan.sites[0]?.targetWhy).toBe('`torch` is already used in `load`: named after the receiver');
    // the function's own `variables` is local to it: the module's stays as it is
    const defaulted = await planText('variables = {}\n\n\ndef load(model, sd):\n    model.load_state_dict(sd)\n');
    expect(defaulted.sites[0]).toMatchObject({ proposed: true, replacement: 'variables = KeyMapper.from_torch(sd)', target: 'variables' });
  });
});

describe('file formats', () => {
  it('keeps CRLF line endings everywhere, the preamble included', async () => {
    const lf = fixture('header.py');
    const crlf = await planText(lf.replace(/\n/g, '\r\n'));
    expect(crlf.eol).toBe('\r\n');
    expect(acceptAll(crlf)).toBe(acceptAll(await planText(lf)).replace(/\n/g, '\r\n'));
  });

  it('keeps a BOM out of the text and remembers it', async () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(fixture('basic.py'))]);
    const plan = await planText(bytes);
    expect(plan.bom).toBe(true);
    expect(plan.text.charCodeAt(0)).not.toBe(0xfeff);
    expect(acceptAll(plan)).toBe(acceptAll(await planText(fixture('basic.py'))));
  });

  it('injects the default flax preamble once, and the result parses', async () => {
    const plan = await planText(fixture('ten_sites.py'));
    const after = acceptAll(plan);
    expect(after.match(/^class KeyMapper\b/gm)).toHaveLength(1);
    expect(after).not.toMatch(/load_state_dict\(sd\)/);
    expect(await pythonSyntaxErrors({ after })).toEqual({});
    const again = await planText(after);
    expect(again.sites).toEqual([]);
    expect(again.preamble).toBeNull();
  });

  it('puts the preamble above a module-level site that follows the imports, with PEP 8 spacing', async () => {
    const plan = await planText('import torch\nmodel.load_state_dict(sd)\n', { mapper: 'reference' });
    const after = acceptAll(plan);
    expect(after.indexOf('class KeyMapper')).toBeLessThan(after.indexOf('variables ='));
    expect(after).toMatch(/new_dict\n\n\nvariables = KeyMapper/);
    expect(after.startsWith('import jax.numpy as jnp\nimport numpy as np\nimport torch\n\n\nclass KeyMapper:\n')).toBe(true);
  });

  it('leaves out preamble imports the file already has', async () => {
    const plan = await planText('import re\nimport numpy as np\nm.load_state_dict(sd)\n', { mapper: 'reference' });
    expect(acceptAll(plan).match(/^import (re|numpy as np)$/gm)).toEqual(['import re', 'import numpy as np']);
  });
});

describe('long comment runs (blanked for the parser, which is quadratic in them)', () => {
  it('keeps offsets, the first two lines and short runs', async () => {
    const { maskCommentRuns } = await import('../src/core/comment-runs.js');
    const text = `#!/usr/bin/env python\n# coding: utf-8\n${'# c ✓\n'.repeat(9)}x = 1\n${'# short\n'.repeat(3)}`;
    const masked = maskCommentRuns(text);
    expect(masked.length).toBe(text.length);
    expect(masked.split('\n').slice(0, 2)).toEqual(['#!/usr/bin/env python', '# coding: utf-8']);
    expect(masked).not.toContain('# c ✓');
    expect(masked).toContain('# short\n# short\n# short\n');
  });

  it('blanks a run from its eighth line on, wherever it stands (indented, at the end without a line break), and no shorter one', async () => {
    const { maskCommentRuns } = await import('../src/core/comment-runs.js');
    const run = (n: number, indent = '') => Array.from({ length: n }, (_, k) => `${indent}# line ${k}`).join('\n');
    for (const text of [`x = 1\ny = 2\n${run(7)}\nz = 3\n`, `x = 1\ny = 2\n${run(4)}\n\n${run(4)}\n`, `${run(9)}\n`.replace('# line 2', 'w = 0')]) {
      expect(maskCommentRuns(text)).toBe(text);
    }
    for (const text of [`x = 1\ny = 2\n${run(8)}\nz = 3\n`, `x = 1\ny = 2\n${run(8, '\t  ')}`, `x = 1\n${run(9)}`]) {
      const masked = maskCommentRuns(text);
      expect(masked.length).toBe(text.length);
      expect(masked).not.toContain('# line 7');
    }
  });

  it('plans a site after 3,000 comment lines with the original text in the rewrite', async () => {
    const text = `import torch\nmodel.load_state_dict(sd)\n${'# old code: model.load_state_dict(x)\n'.repeat(3000)}model.load_state_dict(\n    sd,\n${'    # note\n'.repeat(10)})\n`;
    const plan = await planText(text);
    expect(plan.sites.map((s) => s.line)).toEqual([2, 3003]);
    expect(plan.sites[1]?.original).toBe(`model.load_state_dict(\n    sd,\n${'    # note\n'.repeat(10)})`);
    // (two rewrites at module level: each named after its receiver, the second numbered)
    expect(plan.sites[1]?.replacement).toBe(`model_variables_2 = KeyMapper.from_torch(\n    sd,\n${'    # note\n'.repeat(10)})`);
  });
});

describe('finding a word in a focused tree', () => {
  it('looks only inside the ranges parsed and finds there what a search of the whole text finds', async () => {
    const { getParser, nodesAtWord, parseWith } = await import('../src/core/parser.js');
    const parser = await getParser();
    const lines = [
      'import torch', // a range starts with the word
      '"""import nothing"""',
      'def f(m):',
      '    import os; m.load_state_dict(os.sd)', // two words in one range
      'x = "load_state_dict import"',
      'def g(m):',
      '    from a import b',
      '    m.load_state_dict(b)', // the last range ends with the text
    ];
    const text = `${lines.join('\n')}\n`;
    const at = (line: number) => lines.slice(0, line).reduce((n, l) => n + l.length + 1, 0);
    const span = (first: number, last: number) => ({
      startIndex: at(first),
      endIndex: at(last + 1),
      startPosition: { row: first, column: 0 },
      endPosition: { row: last + 1, column: 0 },
    });
    const ranges = [span(0, 0), span(2, 3), span(5, 7)];
    const tree = parseWith(parser, text, ranges);
    try {
      expect(tree.rootNode.hasError).toBe(false);
      // (a root that notes where it is asked: nothing outside the ranges is looked up)
      const asked: number[] = [];
      const root = tree.rootNode;
      const noting = { descendantForIndex: (start: number, end: number) => (asked.push(start), root.descendantForIndex(start, end)) } as unknown as typeof root;
      for (const word of ['import', 'load_state_dict']) {
        const focused = nodesAtWord(noting, text, word, ranges).map((n) => n.startIndex);
        expect(focused).toEqual(nodesAtWord(root, text, word).map((n) => n.startIndex));
        expect(focused).toHaveLength(word === 'import' ? 3 : 2);
      }
      expect(asked.filter((at) => !ranges.some((r) => at >= r.startIndex && at < r.endIndex))).toEqual([]);
      expect(asked).toHaveLength(5);
    } finally {
      tree.delete();
    }
  });
});
