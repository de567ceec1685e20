/** The top-level statement lexer, and the focused parse built on it: same plans as a whole-file parse, for less parsing. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planFile } from '../src/core/plan.js';
import { DEFAULT_SCAN_OPTIONS } from '../src/core/scan.js';
import { focusRanges, topLevelStatements, unsureAt } from '../src/core/statements.js';
import { LineIndex } from '../src/core/text.js';
import { pythonFile } from './helpers/fuzz.js';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'engine');

/** The first line of each statement the lexer finds, and how it begins. */
function starts(text: string): [string, string][] | null {
  const found = topLevelStatements(text);
  return found && found.map((s) => [text.slice(s.start, text.indexOf('\n', s.start)), s.lead]);
}

/** Top-level code with no site in it, which a focused parse skips. */
const FILLER = Array.from({ length: 20 }, (_, i) => `def helper_${i}(x):\n    return {"x": x * ${i}}\n\n\n`).join('');

const TRICKY = [
  '#!/usr/bin/env python3',
  '"""Module docstring.',
  '',
  'model.load_state_dict(sd)   <- code at column 0 inside a string',
  '"""',
  'import torch',
  "from torch import (nn,",
  '    optim)',
  "x = f'{a!r:>{width}} {{literal}} {b[\"k\"]}' \\",
  '    + rb"\\"not closed\\""',
  'y = f"""{", ".join(names)}',
  'model.load_state_dict(inside_an_fstring)',
  '"""',
  '@decorator(',
  '    arg)',
  '@other',
  'def f():',
  '    return """',
  'class Fake:',
  '    """',
  'if a:',
  '    pass',
  'elif b:',
  '    pass',
  'else:',
  '    pass',
  'try:',
  '    pass',
  'except Exception:',
  '    pass',
  'finally:',
  '    pass',
  '\fz = 1',
  'w = [',
  '# a comment at column 0 inside brackets',
  ']',
  '',
].join('\n');

describe('top-level statements', () => {
  it('finds where each statement begins, skipping strings, brackets, continuations and comments', () => {
    expect(starts(TRICKY)).toEqual([
      ['"""Module docstring.', 'string'],
      ['import torch', 'import'],
      ['from torch import (nn,', 'import'],
      ["x = f'{a!r:>{width}} {{literal}} {b[\"k\"]}' \\", 'other'],
      ['y = f"""{", ".join(names)}', 'other'],
      ['@decorator(', 'other'],
      ['if a:', 'other'],
      ['try:', 'other'],
      ['\fz = 1', 'other'],
      ['w = [', 'other'],
    ]);
  });

  it('gives each statement the text up to the next one, so the spans tile the file after the first', () => {
    const found = topLevelStatements(TRICKY) ?? [];
    for (let k = 1; k < found.length; k++) expect(found[k]?.start).toBe(found[k - 1]?.end);
    expect(found.at(-1)?.end).toBe(TRICKY.length);
    expect(topLevelStatements(TRICKY.replace(/\n/g, '\r\n'))?.length).toBe(found.length);
  });

  it('ends a triple-quoted string at its first unescaped closing quotes', () => {
    const lines = [String.raw`s = """a \""" still inside \\"""`, 'x = 1', String.raw`t = '''\''''''`, 'y = 2'];
    expect(starts(`${lines.join('\n')}\n`)?.map(([line]) => line)).toEqual(lines);
  });

  it.each([
    ['an unterminated string', 'x = "abc\ny = 1\n'],
    ['an unterminated triple-quoted string', 'x = """abc\ny = 1\n'],
    ['an unclosed bracket', 'x = (1,\n'],
    ['a closing bracket without an opening one', 'x = 1)\n'],
    ['a backslash that continues nothing', 'x = 1 \\ y\n'],
    ['a backslash at the end of the file', 'x = 1 + \\\n'],
    ['a lone carriage return', 'x = 1\ry = 2\n'],
    ["an f-string's own quote inside it (Python 3.12 nesting)", "x = f'{' '.join(a)}'\n"],
    ['a single } in an f-string', "x = f'a } b'\n"],
    ['a comment inside an f-string field', 'x = f"""{a # no\n}"""\n'],
    ['a decorator with nothing after it', '@decorator\n'],
    // the next line's indentation counts: y = 2 is inside the if
    ['a line that begins with a backslash', 'if True:\n    x = 1\n\\\n    y = 2\nz = 3\n'],
    ['merge conflict markers', 'x = 1\n<<<<<<< HEAD\ny = 2\n=======\ny = 3\n>>>>>>> feature\n'],
    ['an IPython magic', '%matplotlib inline\nx = 1\n'],
  ])('is unsure about %s', (_name, text) => {
    expect(unsureAt(text)).not.toBeNull();
    expect(topLevelStatements(text)).toBeNull();
  });
});

describe('focused parse', () => {
  const options = DEFAULT_SCAN_OPTIONS;
  const plan = (text: string, focus: boolean, include = options.include) =>
    planFile('f.py', '/virtual/f.py', Buffer.from(text), { ...options, include }, focus);

  it('parses only the header and the statements that hold a site, an import or KeyMapper', () => {
    const text = `"""Doc."""\nimport torch\n\n${FILLER.repeat(10)}def restore(model, sd):\n    model.load_state_dict(sd)\n\n${FILLER.repeat(10)}`;
    const ranges = focusRanges(text, new LineIndex(text)) ?? [];
    const parsed = ranges.reduce((n, r) => n + r.endIndex - r.startIndex, 0);
    expect(ranges.length).toBe(2);
    expect(parsed).toBeLessThan(text.length / 50);
    expect(text.slice(ranges[1]?.startIndex, ranges[1]?.endIndex)).toContain('model.load_state_dict(sd)');
  });

  it('parses the whole file when the lexer is unsure', () => {
    const text = 'import torch\nx = (\nmodel.load_state_dict(sd)\n';
    expect(focusRanges(text, new LineIndex(text))).toBeNull();
  });

  it('plans every engine fixture, the tricky file and 300 generated files exactly as a whole-file parse does', async () => {
    const texts = [
      ...readdirSync(FIXTURES).filter((f) => f.endsWith('.py')).map((f) => readFileSync(join(FIXTURES, f), 'utf8')),
      TRICKY,
      `${TRICKY}\nmodel.load_state_dict(sd)\n`,
      // valid code at column 0 inside strings: parsed on its own, it would be a site
      'import torch\nx = 1\nUSAGE = """\nmodel.load_state_dict(torch.load(path))\n"""\n',
      "import torch\nx = 1\nEXAMPLE = f'''\nmodel.load_state_dict({name!r})\n'''\n",
      'import torch\nEXAMPLE = (\n"a" \\\n"b")\nnet.load_state_dict(sd)\n',
      // the receiver bound at module level, in statements that hold no site: the evidence must see them
      'import torch\nx = 1\nmodel = Tracker()\ny = 2\nmodel.load_state_dict(sd)\n\n\nclass Tracker:\n    pass\n',
      'import torch\nx = 1\nnet = torch.optim.SGD([], lr=1)\n\n\ndef f(sd):\n    net.load_state_dict(sd)\n',
      'import torch\nx = 1\nfor m in [a, b]:\n    pass\nm.load_state_dict(sd)\nmodels = [Net(), Net()]\nmodels[0].load_state_dict(sd)\n',
      // a backslash line joins the next one, indentation included
      'import torch\nx = 1\n\\\n@a\n@b\ndef f(net, sd):\n    net.load_state_dict(sd)\n',
      ...Array.from({ length: 300 }, (_, i) => pythonFile(7000 + i)),
    ].flatMap((text) => [text, `${text}\n\n${FILLER}`]);
    let sites = 0;
    let focused = 0;
    for (const text of texts) {
      for (const include of [[], ['non-module' as const]]) {
        const whole = await plan(text, false, include);
        expect(await plan(text, true, include), text.slice(0, 300)).toEqual(whole);
        sites += whole.sites.length;
      }
      if (focusRanges(text, new LineIndex(text))) focused++;
    }
    expect(sites).toBeGreaterThan(500);
    expect(focused).toBeGreaterThan(texts.length * 0.45);
  }, 60_000); // about 2,400 plans: seconds on a loaded machine

  it('reports a syntax error from a whole-file parse when the focused parse meets one', async () => {
    const text = `import torch\n\n\ndef f(model, sd):\n    model.load_state_dict(sd)\n    x = = 1\n\n\n${FILLER}`;
    expect(focusRanges(text, new LineIndex(text))).not.toBeNull();
    const focused = await plan(text, true);
    expect(focused.parseError).toMatch(/^syntax error at line 6/);
    expect(focused).toEqual(await plan(text, false));
  });
});
