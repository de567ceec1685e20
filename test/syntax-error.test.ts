/** Syntax errors reported where Python reports them, and the sites outside them kept (issue 15, item 7). */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { tokenizerError } from '../src/core/python-tokens.js';
import { pythonFile } from './helpers/fuzz.js';
import { planText } from './helpers/plan.js';
import { REPO, assertBuilt, cleanup, project, runCli } from './helpers/project.js';

afterAll(cleanup);

const ISSUE_EXAMPLE = 'import torch\n\nmodel.load_state_dict(sd)\n\ndef g():\n    x = (1,\n';

/** Broken files, each with the site on line 2 or 3 outside the broken code. */
const BROKEN: Record<string, string> = {
  'unclosed at the end': ISSUE_EXAMPLE,
  'unclosed, nested': 'import torch\n\ndef f(model, sd):\n    model.load_state_dict(sd)\n\nx = [1, (2,\n y = 3\n',
  'closed by the wrong bracket': 'import torch\nmodel.load_state_dict(sd)\nx = [1,\n  (2,\n]\ny = 1\n',
  'closed, never opened': 'import torch\nmodel.load_state_dict(sd)\nx = 1)\ny = 2\n',
  'unterminated string': 'import torch\nmodel.load_state_dict(sd)\nmsg = "abc\nprint(msg)\n',
  'unterminated docstring': 'import torch\nmodel.load_state_dict(sd)\ndoc = """abc\nprint(doc)\n',
  'an earlier error wins over an unclosed bracket': 'import torch\nmodel.load_state_dict(sd)\ndef f()\n    x = (1,\n',
  'a string error wins over an earlier one': 'import torch\nmodel.load_state_dict(sd)\nb = = 2\nx = "abc\n',
  'a doubled operator': 'import torch\nmodel.load_state_dict(sd)\nb = = 2\n',
  'a merge conflict': 'import torch\nmodel.load_state_dict(sd)\n<<<<<<< HEAD\nx = 1\n=======\nx = 2\n>>>>>>> branch\n',
  'a missing colon': 'import torch\nmodel.load_state_dict(sd)\n\ndef f(model, sd)\n    return sd\n',
  'an operator at the end of a line': 'import torch\nmodel.load_state_dict(sd)\nclass A:\n    def f(self):\n        return 1 +\n',
};

async function pythonErrors(texts: Record<string, string>): Promise<Record<string, { line: number; column: number; message: string }>> {
  const script = `import ast, json, sys
out = {}
for name, text in json.load(sys.stdin).items():
    try:
        ast.parse(text)
    except SyntaxError as e:
        out[name] = {"line": e.lineno, "column": e.offset, "message": e.msg}
print(json.dumps(out))`;
  return JSON.parse((await execa('python3', ['-c', script], { input: JSON.stringify(texts) })).stdout);
}

describe('where a syntax error is reported', () => {
  it('on the line python3 reports, with its message and column where the tokenizer stops', async () => {
    const python = await pythonErrors(BROKEN);
    expect(Object.keys(python)).toEqual(Object.keys(BROKEN));
    for (const [name, text] of Object.entries(BROKEN)) {
      const want = python[name];
      // (planned from a whole-file parse: a focused parse does not see errors in statements it skips)
      const { planFile } = await import('../src/core/plan.js');
      const { DEFAULT_SCAN_OPTIONS } = await import('../src/core/scan.js');
      const plan = await planFile('f.py', '/virtual/f.py', Buffer.from(text), DEFAULT_SCAN_OPTIONS, false);
      expect(plan.parseError, name).toMatch(new RegExp(`^syntax error at line ${want?.line}, column \\d+`));
      const focused = await planText(text);
      if (focused.parseError) expect(focused.parseError, name).toBe(plan.parseError);
      if (/'.' was never closed|does not match|unmatched|unterminated/.test(want?.message ?? '')) {
        expect(plan.parseError, name).toBe(`syntax error at line ${want?.line}, column ${want?.column}: ${want?.message}`);
      }
    }
  });

  it('keeps a site outside the broken code proposed (before: line 1, column 1, and the site lost)', async () => {
    const plan = await planText(ISSUE_EXAMPLE);
    expect(plan.parseError).toBe("syntax error at line 6, column 9: '(' was never closed");
    expect(plan.sites.map((s) => [s.line, s.proposed])).toEqual([[3, true]]);
    const inside = await planText('import torch\nmodel.load_state_dict(sd)\nx = (1,\nmodel.load_state_dict(sd)\n');
    expect(inside.sites.map((s) => s.line)).toEqual([2]);
  });

  it('through the built bin: --json lists the file with its error and site, --dry-run rewrites the site', async () => {
    assertBuilt();
    const dir = await project({ 'b.py': ISSUE_EXAMPLE });
    const json = await runCli(['--json', 'b.py'], { cwd: dir });
    const plan = JSON.parse(json.stdout) as { files: { path: string; parseError: string; sites: { line: number; proposed: boolean }[] }[]; skipped: unknown[] };
    expect(plan.skipped).toEqual([]);
    expect(plan.files[0]).toMatchObject({ path: 'b.py', parseError: "syntax error at line 6, column 9: '(' was never closed", sites: [{ line: 3, proposed: true }] });
    const dry = await runCli(['--dry-run', 'b.py'], { cwd: dir });
    expect(dry.stdout).toContain('+variables = KeyMapper.from_torch(sd)\n');
    expect(dry.stdout).toContain("  b.py: syntax error at line 6, column 9: '(' was never closed; sites inside the broken code are not proposed");
  });
});

describe("the tokenizer's checks", () => {
  it('find no error in valid files: the engine fixtures, 300 generated files and, with .venv, torch and flax', () => {
    const fixtures = join(REPO, 'test', 'fixtures', 'engine');
    const texts = readdirSync(fixtures).filter((f) => f.endsWith('.py') && f !== 'syntax_error.py').map((f) => readFileSync(join(fixtures, f), 'utf8'));
    texts.push(...Array.from({ length: 300 }, (_, i) => pythonFile(9000 + i)));
    const packages = join(REPO, '.venv', 'lib', 'python3.11', 'site-packages');
    for (const pkg of ['torch/nn', 'flax']) {
      const dir = join(packages, pkg);
      if (!existsSync(dir)) continue;
      for (const f of readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.py'))) texts.push(readFileSync(join(dir, f), 'utf8'));
    }
    const errors = texts.map(tokenizerError).filter(Boolean);
    expect(errors).toEqual([]);
    expect(texts.length).toBeGreaterThan(300);
  });

  it('find the indentation errors tree-sitter accepts (an edit is checked with them)', () => {
    expect(tokenizerError('if x:\npass\n')?.message).toBe('expected an indented block');
    expect(tokenizerError('x = 1\n  y = 2\n')?.message).toBe('unexpected indent');
    expect(tokenizerError('def f():\n    x = 1\n  y = 2\n')?.message).toBe('unindent does not match any outer indentation level');
    expect(tokenizerError('def f():\n\tif x:\n\t\ty = 1\n        z = 2\n')?.message).toBe('inconsistent use of tabs and spaces in indentation');
    expect(tokenizerError('if x:  # why\n    # a comment\n    pass\nx = (\n    1,\n)\ny = \\\n  2\n')).toBeNull();
  });
});
