/** The statement lexer, and the focused parse built on it: same plans as a whole-file parse, for less parsing. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectFile, rng } from '../bench/generate.mjs';
import { Focus } from '../src/core/focus.js';
import { getParser, type Parser } from '../src/core/parser.js';
import { planFile, planWith } from '../src/core/plan.js';
import { preparedData, scratchRoom } from '../src/core/prepare.js';
import { DEFAULT_SCAN_OPTIONS } from '../src/core/scan.js';
import { fileStructure, topLevelStatements, unsureAt } from '../src/core/statements.js';
import { Structure, structureBuffers, type Block } from '../src/core/structure.js';
import { LineIndex } from '../src/core/text.js';
import { pythonFile } from './helpers/fuzz.js';
import { REPO } from './helpers/project.js';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'engine');

/** The lines the focused parse would give tree-sitter (null: the whole file). */
function focusRanges(text: string): Array<{ startIndex: number; endIndex: number }> | null {
  const structure = fileStructure(text);
  return structure ? (Focus.of(text, structure, new Map())?.ranges(new LineIndex(text)) ?? null) : null;
}

/** The parsed text of a focus, range by range. */
function focusedText(text: string): string[] {
  return (focusRanges(text) ?? []).map((r) => text.slice(r.startIndex, r.endIndex));
}

/** The lexer's statements as an outline: each clause's first line, indented by its depth. */
function outline(text: string): string[] | null {
  const structure = fileStructure(text);
  if (!structure) return null;
  const out: string[] = [];
  const walk = (blocks: Block[], depth: number) => {
    for (const block of blocks) {
      for (const clause of block.clauses) {
        const first = text.slice(clause.start, clause.headerEnd).split('\n')[0]?.trim();
        out.push(`${'  '.repeat(depth)}${first}`);
        walk(clause.body, depth + 1);
      }
    }
  };
  walk(structure.roots, 0);
  return out;
}

/** The first line of each statement the lexer finds, and how it begins. */
function starts(text: string): [string, string][] | null {
  const found = topLevelStatements(text);
  return found && found.map((s) => [text.slice(s.start, text.indexOf('\n', s.start)), s.lead]);
}

/** `text` one level in (blank lines stay blank). */
const indented = (text: string) => text.replace(/^(?=.)/gm, '    ');

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
      ['@decorator(', 'def'],
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

  it('reads a keyword followed by any character that continues a name as part of the name, as Python does', () => {
    // `else𝔘` (U+1D518, a letter of two UTF-16 code units), `class·` (a middle dot), `elsé` (a
    // combining accent), `import‿` (connector punctuation) and `async·` are names, not keywords
    const text = 'x = 1\nelse\u{1D518} = 2\nclass\u{1D518} = 3\nfrom\u{1D518} = 4\nelse\u0301 = 5\nclass\u00b7 = 6\nimport\u203f = 7\nasync\u00b7 = 8\n';
    expect(topLevelStatements(text)?.map(({ lead }) => lead)).toEqual(Array(8).fill('other'));
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
    ['an indentation of tabs and spaces', 'def f():\n\tif x:\n\t    y = 1\n'],
    ['an unexpected indent', 'x = 1\n    y = 2\n'],
    ['a dedent to no enclosing level', 'def f():\n    if x:\n        y = 1\n  z = 2\n'],
    ['a header with no body', 'def f():\n# nothing\nx = 1\n'],
    ['a header with no body at the end of the file', 'class A:\n    def f(self):\n'],
    ['an else with no statement before it', 'def f():\n    else:\n        pass\n'],
    ['a decorator before a dedent', 'class A:\n    @property\nx = 1\n'],
    ['an indented first line', '  x = 1\n'],
  ])('is unsure about %s', (_name, text) => {
    expect(unsureAt(text)).not.toBeNull();
    expect(topLevelStatements(text)).toBeNull();
  });
});

describe('nested statements', () => {
  const NESTED = [
    '@register(',
    '    name="a")',
    'class Trainer(Base):',
    '    """Doc with a fake',
    'def x():',
    '    """',
    '    mode: str = "train"',
    '',
    '  # a comment at another indentation',
    '    @torch.no_grad()',
    '    async def step(self, batch: Dict[str,',
    '                                      int]) -> None:',
    '        if batch:',
    '            x = 1; y = 2',
    '        elif other:  # a comment',
    '            pass',
    '        else:',
    '            for k in batch:',
    '                total = (k +',
    '  1)',
    '            else:',
    '                z = \\',
    '                    3',
    '        try:',
    '            with ctx() as c: c.run()',
    '        except (KeyError,',
    '                ValueError):',
    '            raise',
    '        finally:',
    '\t\t\tdone = True',
    '        match batch:',
    '            case {"k": v}:',
    '                return v',
    '',
    '    def fit(self): return self.step(None)',
    'if __name__ == "__main__":',
    '    Trainer().fit()',
    '',
  ].join('\n');

  it('nest as Python reads them: clauses of a statement, bodies by indentation (a tab is 8 columns)', () => {
    expect(outline(NESTED)).toEqual([
      '@register(',
      '  """Doc with a fake',
      '  mode: str = "train"',
      '  @torch.no_grad()',
      '    if batch:',
      '      x = 1; y = 2',
      '    elif other:  # a comment',
      '      pass',
      '    else:',
      '      for k in batch:',
      '        total = (k +',
      '      else:',
      '        z = \\',
      '    try:',
      '      with ctx() as c: c.run()',
      '    except (KeyError,',
      '      raise',
      '    finally:',
      '      done = True',
      '    match batch:',
      '      case {"k": v}:',
      '        return v',
      '  def fit(self): return self.step(None)',
      'if __name__ == "__main__":',
      '  Trainer().fit()',
    ]);
  });

  it('gives each statement the text up to the next one outside it, and knows where definitions start and end', () => {
    const structure = fileStructure(NESTED);
    const blocks = structure?.blocks ?? [];
    const byFirstLine = (line: string) => blocks.find((b) => NESTED.slice(b.start).startsWith(line)) as Block;
    const trainer = byFirstLine('@register(');
    expect(trainer.lead).toBe('class');
    expect(NESTED.slice(trainer.keyword)).toMatch(/^class Trainer/);
    expect(trainer.end).toBe(NESTED.indexOf('if __name__'));
    const step = byFirstLine('    @torch.no_grad()');
    expect([step.lead, NESTED.slice(step.keyword, step.keyword + 9)]).toEqual(['def', 'async def']);
    expect(step.end).toBe(NESTED.indexOf('    def fit'));
    expect(byFirstLine('        if batch:').clauses).toHaveLength(3);
    expect(byFirstLine('        try:').clauses).toHaveLength(3);
    // the clauses tile the file from the first statement on
    const clauses = structure?.clauses ?? [];
    for (let k = 1; k < clauses.length; k++) expect(clauses[k]?.start).toBe(clauses[k - 1]?.headerEnd);
    expect(clauses.at(-1)?.headerEnd).toBe(NESTED.length);
  });
  it('hands over as plain data (the read-ahead worker lexes, the planning thread reads) and reads back the same', () => {
    const structure = fileStructure(NESTED) as Structure;
    // what a message between threads makes of it, its arrays' buffers transferred
    const handed = structure.data();
    const data = structuredClone(handed, { transfer: structureBuffers(handed) });
    expect(handed.blockStart.length).toBe(0); // transferred, not copied
    const again = Structure.of(data);
    const view = (s: Structure) => ({ blocks: s.blocks.map((b) => [b.start, b.end, b.lead, b.keyword, b.last, b.parent?.index ?? -1, b.clauses.map((c) => c.index)]), clauses: s.clauses.map((c) => [c.start, c.headerEnd, c.block.id, c.body.map((b) => b.id)]), roots: s.rootIds(), starts: [...s.starts] });
    expect(again.blockCount).toBeGreaterThan(15);
    expect(view(again)).toEqual(view(structure));
    // each array cut to its count: nothing of the lexer's spare room goes along
    expect(data.blockStart.length).toBe(structure.blockCount);
    expect(data.clauseBody.length).toBe(structure.clauseCount);
  });
});

describe('prepared in the read-ahead worker', () => {
  it('lexes file after file into one structure, and lets it go after a file that made it large', () => {
    const names = ['KeyMapper', 'variables'];
    const small = 'import torch\nmodel.load_state_dict(sd)\n';
    preparedData(small, names);
    const room = scratchRoom();
    expect(room).toBeGreaterThan(0);
    expect(room).toBeLessThan(5000);
    // 200,000 one-line statements: the reused structure would keep room for them all
    const large = `${'x = 1\n'.repeat(200_000)}model.load_state_dict(sd)\n`;
    const data = preparedData(large, names);
    expect(data.structure?.blockCount).toBe(200_001);
    expect(scratchRoom()).toBe(0);
    // the next file gets a small one again, and the same result as lexing it alone
    const again = preparedData(small, names);
    expect(scratchRoom()).toBe(room);
    expect(again.structure && [...again.structure.blockStart]).toEqual([...(fileStructure(small) as Structure).blockStart.subarray(0, 2)]);
  });

  it('says whether the file has a run of comment lines to blank, and a plan made with what it says is the plan made without it', async () => {
    const names = ['KeyMapper', 'variables'];
    const site = 'def load(model, sd):\n    model.load_state_dict(sd)\n';
    const run = `${site}    x = 1\n${'    # a note\n'.repeat(8)}    return model\n`;
    expect(preparedData(site, names).commentRun).toBe(false);
    expect(preparedData(`${site}${'# seven\n'.repeat(7)}y = 2\n`, names).commentRun).toBe(false);
    const data = preparedData(run, names);
    expect(data.commentRun).toBe(true);
    // planned with the worker's data, the run is blanked as when the planning thread lexes the file itself
    const bytes = Buffer.from(run);
    const withData = planWith(await getParser(), 'run.py', '/x/run.py', bytes, DEFAULT_SCAN_OPTIONS, true, undefined, undefined, data);
    const alone = planWith(await getParser(), 'run.py', '/x/run.py', bytes, DEFAULT_SCAN_OPTIONS);
    expect(withData).toEqual(alone);
    expect(withData.sites).toHaveLength(1);
  });
});

describe('focused parse', () => {
  const options = DEFAULT_SCAN_OPTIONS;
  const plan = (text: string, focus: boolean, include = options.include) =>
    planFile('f.py', '/virtual/f.py', Buffer.from(text), { ...options, include }, focus);

  /** A parser that counts the file parses it is asked for: with included ranges (focused) or not (whole). */
  async function countingParser(): Promise<{ parser: Parser; parses: { focused: number; whole: number } }> {
    const real = await getParser();
    const parses = { focused: 0, whole: 0 };
    const parser = new Proxy(real, {
      get(target, key) {
        if (key !== 'parse') return Reflect.get(target, key, target);
        return (input: unknown, old: unknown, opts?: { includedRanges?: unknown[] }) => {
          // (the preamble's own source is parsed from a string; a file always through a callback)
          if (typeof input === 'function') parses[opts?.includedRanges ? 'focused' : 'whole']++;
          return target.parse(input as string, old as null, opts);
        };
      },
    });
    return { parser, parses };
  }

  /**
   * Plans each text focused and whole, with and without `--include non-module`; they must be equal.
   * Also counts the focused plans that ended on a whole-file parse (`fellBack`: unsure, an error in
   * the focused tree, or more widenings than allowed), so that equality is not had by parsing whole.
   */
  async function samePlans(texts: string[]): Promise<{ sites: number; focused: number; fellBack: number; widened: number }> {
    const { parser, parses } = await countingParser();
    let sites = 0;
    let focused = 0;
    let fellBack = 0;
    let widened = 0;
    for (const text of texts) {
      for (const include of [[], ['non-module' as const]]) {
        const whole = await plan(text, false, include);
        const before = { ...parses };
        const mine = planWith(parser, 'f.py', '/virtual/f.py', Buffer.from(text), { ...options, include }, true);
        expect(mine, text.slice(0, 300)).toEqual(whole);
        sites += whole.sites.length;
        if (include.length === 0 && focusRanges(text)) {
          focused++;
          if (parses.whole > before.whole) fellBack++;
          if (parses.focused > before.focused + 1) widened++;
        }
      }
    }
    return { sites: sites / 2, focused, fellBack, widened };
  }

  it('parses only the header and the statements that hold a site, an import or KeyMapper', () => {
    const text = `"""Doc."""\nimport torch\n\n${FILLER.repeat(10)}def restore(model, sd):\n    model.load_state_dict(sd)\n\n${FILLER.repeat(10)}`;
    const ranges = focusRanges(text) ?? [];
    const parsed = ranges.reduce((n, r) => n + r.endIndex - r.startIndex, 0);
    expect(ranges.length).toBe(2);
    expect(parsed).toBeLessThan(text.length / 50);
    expect(text.slice(ranges[1]?.startIndex, ranges[1]?.endIndex)).toContain('model.load_state_dict(sd)');
  });

  it('parses a site in a long method of a long class with the headers around it, not the rest of the class', () => {
    const method = (k: number) => `    def step_${k}(self, batch: Tensor) -> Tensor:\n        """Step ${k}."""\n${'        batch = batch * 2 + self.scale\n'.repeat(40)}        return batch\n\n`;
    const restore = '    @torch.no_grad()\n    def restore(self, path: str) -> None:\n        state = torch.load(path)\n        if "model" in state:\n            self.model.load_state_dict(state["model"])\n        else:\n            logger.warning("none")\n\n';
    const methods = Array.from({ length: 60 }, (_, k) => method(k));
    methods.splice(30, 0, restore);
    const text = `import torch\n\n\nclass Trainer:\n    def __init__(self, config):\n        self.model = build_model(config)\n\n${methods.join('')}`;
    const parsed = focusedText(text).join('');
    expect(parsed.length).toBeLessThan(text.length / 20);
    for (const line of ['class Trainer:', 'self.model = build_model(config)', '@torch.no_grad()', 'def restore(self, path: str) -> None:', 'if "model" in state:', 'self.model.load_state_dict(state["model"])', 'else:', 'logger.warning("none")']) {
      expect(parsed).toContain(line);
    }
    expect(parsed).not.toContain('def step_');
  });

  it('keeps every clause of a statement around a site, each with a statement of its body', () => {
    const text = `import torch\n\n\ndef f(model, sd):\n${indented(FILLER)}    if a:\n        x = 1\n        y = 2\n    elif b:\n        z = 3\n    else:\n        model.load_state_dict(sd)\n${indented(FILLER)}`;
    const parsed = focusedText(text).join('');
    expect(parsed).toContain('    if a:\n        x = 1\n');
    expect(parsed).not.toContain('y = 2');
    expect(parsed).toContain('    elif b:\n        z = 3\n    else:\n        model.load_state_dict(sd)\n');
  });

  it('parses the whole file when the lexer is unsure', () => {
    const text = 'import torch\nx = (\nmodel.load_state_dict(sd)\n';
    expect(focusRanges(text)).toBeNull();
  });

  // (a focused parse that kept only the statements naming the receiver lost `net = Net()`: the
  // evidence follows `model = net` to it; it read `model`'s name instead)
  it('parses what the evidence reads beyond the statements naming the receiver: a chain of names, a method that returns the receiver', async () => {
    const chained = 'import torch\n\n\nclass Net(torch.nn.Module):\n    pass\n\n\nnet = Net()\nx = 1\nthing = net\nthing.load_state_dict(sd)\n';
    const returned = `import torch\n\n\nclass Loader:\n    def model(self):\n        return torch.optim.SGD([], lr=1)\n\n${indented(FILLER)}    def restore(self, sd):\n        self.model().load_state_dict(sd)\n`;
    for (const text of [chained, returned]) {
      const whole = await plan(text, false);
      expect(whole.sites[0]?.evidence.rule).toBe('assignment');
      expect(await plan(text, true)).toEqual(whole);
    }
    // the first focus leaves the method out; the evidence asks for it, and the plan parses it
    expect(focusedText(returned).join('')).not.toContain('return torch.optim.SGD');
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
    const { sites, focused, fellBack, widened } = await samePlans(texts);
    expect(sites).toBeGreaterThan(500);
    expect(focused).toBeGreaterThan(texts.length * 0.45);
    // (at 2691847: 608 of 664 focused, none fell back to a whole-file parse, none widened)
    expect(fellBack).toBeLessThanOrEqual(focused * 0.02);
    expect(widened).toBeLessThanOrEqual(focused * 0.05);
  }, 120_000); // about 2,400 plans: seconds on a loaded machine

  it('plans real and project-shaped files exactly as a whole-file parse does: the labelled corpora, generated projects, and .venv\'s', async () => {
    const pythonFiles = (dir: string) =>
      existsSync(dir) ? readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.py')).map((f) => readFileSync(join(dir, f), 'utf8')) : [];
    const corpora = ['receivers', 'receivers-holdout'].flatMap((set) => pythonFiles(join(REPO, 'test', 'fixtures', set)));
    const r = rng(17);
    const generated = Array.from({ length: 40 }, (_, f) => projectFile(r, f, () => 1 + (f % 4)));
    // the files of the test venv's packages that call load_state_dict (torch's: about 60)
    const packages = join(REPO, '.venv', 'lib', 'python3.11', 'site-packages');
    const installed = ['torch', 'flax', 'jax'].flatMap((pkg) => pythonFiles(join(packages, pkg))).filter((t) => t.includes('load_state_dict'));
    const texts = [...corpora, ...generated, ...installed].filter((t) => t.includes('load_state_dict'));
    const { sites, focused, fellBack, widened } = await samePlans(texts);
    expect(corpora.length).toBeGreaterThan(200);
    expect(sites).toBeGreaterThan(600);
    expect(focused).toBeGreaterThan(texts.length * 0.9);
    // (at 2691847: 328 of 332 focused, none fell back, 4 widened once or more)
    expect(fellBack).toBeLessThanOrEqual(focused * 0.02);
    expect(widened).toBeLessThanOrEqual(focused * 0.05);
    if (existsSync(packages)) expect(installed.length).toBeGreaterThan(40);
  }, 300_000);

  // (a search per top-level statement, or per region where the module's bindings can be, ran on to
  // the next hit wherever it was: 20,000 statements naming the receiver once took 1.2 s a plan,
  // 10,000 definitions 2.3 s; the searches are counted here, not timed)
  it('searches a file of many statements once per name, not once per statement', async () => {
    const assignments = `import torch\n${Array.from({ length: 2000 }, (_, i) => `x_${i} = compute(${i})\n`).join('')}model.load_state_dict(sd)\n`;
    const definitions = `import torch\n${Array.from({ length: 2000 }, (_, i) => `def f_${i}(x):\n    return x + ${i}\n\n\n`).join('')}model.load_state_dict(sd)\n`;
    const indexOf = String.prototype.indexOf;
    const exec = RegExp.prototype.exec;
    for (const text of [assignments, definitions]) {
      const searches = { model: 0, bindings: 0 };
      String.prototype.indexOf = function (this: string, search: string, from?: number) {
        if (this.length === text.length && search === 'model') searches.model++;
        return indexOf.call(this, search, from);
      };
      RegExp.prototype.exec = function (this: RegExp, input: string) {
        if (input.length === text.length && this.source.includes('KeyMapper')) searches.bindings++;
        return exec.call(this, input);
      };
      try {
        await plan(text, true);
      } finally {
        String.prototype.indexOf = indexOf;
        RegExp.prototype.exec = exec;
      }
      expect(searches.model).toBeLessThan(20);
      expect(searches.bindings).toBeLessThan(20);
    }
  });

  it('reports a syntax error from a whole-file parse when the focused parse meets one', async () => {
    const text = `import torch\n\n\ndef f(model, sd):\n    model.load_state_dict(sd)\n    x = = model\n\n\n${FILLER}`;
    expect(focusRanges(text)).not.toBeNull();
    const focused = await plan(text, true);
    expect(focused.parseError).toMatch(/^syntax error at line 6/);
    expect(focused).toEqual(await plan(text, false));
  });

  it('does not see a syntax error in a statement it does not parse (the README says so)', async () => {
    const text = `import torch\n\n\ndef f(model, sd):\n    model.load_state_dict(sd)\n    x = = 1\n\n\n${FILLER}`;
    expect(focusedText(text).join('')).not.toContain('x = = 1');
    expect((await plan(text, true)).parseError).toBeNull();
    expect((await plan(text, false)).parseError).toMatch(/^syntax error at line 6/);
  });
});
