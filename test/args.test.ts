/** Argument checking that needs no scan: --target-name as Python reads names, and option values starting with a dash. */
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { ArgsError, parseCli } from '../src/cli/args.js';
import { isIdentifier } from '../src/core/target-name.js';

const error = (argv: string[]) => {
  try {
    parseCli(argv);
  } catch (e) {
    if (e instanceof ArgsError) return e.message;
    throw e;
  }
  return null;
};

describe('--target-name', () => {
  it('refuses hard keywords, which would not parse (`class = KeyMapper.from_torch(...)`)', () => {
    for (const name of ['class', 'None', 'True', 'lambda', 'await']) {
      expect(error(['--target-name', name]), name).toMatch(/is a Python keyword/);
    }
  });

  it('accepts soft keywords and Unicode identifiers, as Python does', () => {
    for (const name of ['match', 'case', '_', 'münchen', 'données', 'δ', '変数', 'params_1']) {
      expect(parseCli(['--target-name', name]).targetName, name).toBe(name);
    }
  });

  it('refuses names the preamble binds, its private names, and builtins it would shadow', () => {
    expect(error(['--target-name', 'KeyMapper'])).toMatch(/preamble binds it \(`class KeyMapper`\)/);
    expect(error(['--target-name', 'jnp'])).toMatch(/preamble binds it \(`import jax.numpy as jnp`\)/);
    expect(error(['--target-name', 'np'])).toMatch(/import numpy as np/);
    expect(error(['--target-name', 'warnings'])).toMatch(/import warnings/);
    // the reference flavour imports no `warnings`
    expect(parseCli(['--mapper', 'reference', '--target-name', 'warnings']).targetName).toBe('warnings');
    expect(error(['--target-name', '_km_np'])).toMatch(/_km_ are the preamble's/);
    for (const name of ['len', 'dict', 'print', 'type']) expect(error(['--target-name', name]), name).toMatch(/shadow Python's builtin/);
  });

  it('writes the name Python reads (NFKC), and checks that one', () => {
    expect(parseCli(['--target-name', 'ｐａｒａｍｓ']).targetName).toBe('params');
    expect(error(['--target-name', 'ｃｌａｓｓ'])).toMatch(/Python reads it as "class"\): it is a Python keyword/);
  });

  it('agrees with python3 on which strings are identifiers', async () => {
    // (not x + U+200D: Unicode 15.1 made ZWJ a continue character, so Python 3.11 and Node 20 disagree on it)
    const names = ['münchen', 'x', '_x', 'x1', '1x', 'my-vars', '', 'a b', 'δ', '変数', 'x\u0301', '\u0301x', '℘', '℮x', 'x·y', '·x',
      'ǅ', 'Ⅻ', '٣x', 'x٣', '$x', 'x!', 'é', 'ｐａｒａｍｓ', '𝔘𝔫𝔦'];
    const r = await execa('python3', ['-c', 'import json,sys; print(json.dumps([n.isidentifier() for n in json.load(sys.stdin)]))'], { input: JSON.stringify(names) });
    const python = JSON.parse(r.stdout) as boolean[];
    expect(names.map(isIdentifier)).toEqual(python);
    expect(python.filter(Boolean).length).toBeGreaterThan(10);
  });
});

describe('option values that start with a dash', () => {
  it('--max-file-size -1 says what the option takes, not "argument is ambiguous"', () => {
    expect(error(['--max-file-size', '-1'])).toBe('--max-file-size takes a number of bytes, optionally with k or m, such as 500k (got "-1")');
    expect(error(['--target-name', '-x'])).toBe('--target-name must be a Python identifier (got "-x")');
    expect(parseCli(['--max-file-size', '2k']).maxFileSize).toBe(2048);
  });

  it('still treats a following option as an option (a forgotten value)', () => {
    expect(error(['--mapper', '--dry-run'])).toMatch(/--mapper/);
    expect(parseCli(['--', '-weird-dir']).paths).toEqual(['-weird-dir']);
  });
});

describe('paths, --root, --output-format and --json-schema', () => {
  it('takes several paths, and none as the current directory', () => {
    expect(parseCli([]).paths).toEqual(['.']);
    expect(parseCli(['a.py', 'src', 'tests/b.py']).paths).toEqual(['a.py', 'src', 'tests/b.py']);
    expect(parseCli(['--root', '.', 'a.py']).root).toBe('.');
    expect(parseCli(['a.py']).root).toBeNull();
  });

  it('--output-format json is --json; github is --check with annotations; text changes nothing', () => {
    expect(parseCli(['--output-format', 'json'])).toMatchObject({ mode: 'json', format: 'json' });
    expect(parseCli(['--output-format=json', '--json'])).toMatchObject({ mode: 'json', format: 'json' });
    expect(parseCli(['--output-format', 'github'])).toMatchObject({ mode: 'check', format: 'github' });
    expect(parseCli(['--check', '--output-format', 'github'])).toMatchObject({ mode: 'check', format: 'github' });
    expect(parseCli(['--output-format', 'text', '--dry-run'])).toMatchObject({ mode: 'dry-run', format: 'text' });
    expect(parseCli(['--output-format', 'text'])).toMatchObject({ mode: 'review', modeDefaulted: true });
  });

  it('refuses an unknown format, and formats that contradict the mode', () => {
    expect(error(['--output-format', 'sarif'])).toBe('--output-format takes text, github or json (got "sarif")');
    expect(error(['--output-format', 'github', '--yes'])).toBe('--output-format github reports what --check finds: it does not go with --yes');
    expect(error(['--output-format', 'github', '--json'])).toBe('--output-format github reports what --check finds: it does not go with --json');
    expect(error(['--output-format', 'json', '--check'])).toBe('choose one of --json, --check');
    expect(error(['--output-format', 'json', '--dry-run'])).toBe('choose one of --dry-run, --json');
  });

  it('--undo takes one path and no --root', () => {
    expect(error(['--undo', 'a', 'b'])).toBe('--undo takes one path (the root whose runs to undo)');
    expect(error(['--undo', '--root', '.', 'a'])).toBe('--undo takes one path (the root whose runs to undo)');
    expect(parseCli(['--undo', 'a'])).toMatchObject({ mode: 'undo', paths: ['a'] });
  });

  it('--json-schema is a flag of its own', () => {
    expect(parseCli(['--json-schema']).jsonSchema).toBe(true);
    expect(parseCli([]).jsonSchema).toBe(false);
  });
});
