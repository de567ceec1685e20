/** Issue 5's fuzz: 500 generated files through the built bin's --yes; outputs parse, a second run proposes nothing. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { expect, it } from 'vitest';
import { pythonFile } from '../helpers/fuzz.js';
import { pythonSyntaxErrors } from '../helpers/python.js';

const CLI = join(import.meta.dirname, '..', '..', 'dist', 'cli.js');
const COUNT = 500;

it(`${COUNT} generated files: every output parses when its input did, and a second run proposes nothing`, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'switcheroo-fuzz-'));
  const inputs: Record<string, string> = {};
  for (let i = 0; i < COUNT; i++) {
    inputs[`f${i}.py`] = pythonFile(1000 + i);
    writeFileSync(join(dir, `f${i}.py`), inputs[`f${i}.py`] as string);
  }
  const brokenInputs = await pythonSyntaxErrors(inputs);
  expect(Object.keys(brokenInputs).length, JSON.stringify(brokenInputs).slice(0, 500)).toBe(0);

  const first = await execa('node', [CLI, '--yes', '--include', 'non-module', dir], { reject: false });
  expect(first.exitCode, first.stderr).toBe(0);
  const outputs = Object.fromEntries(Object.keys(inputs).map((name) => [name, readFileSync(join(dir, name), 'utf8')]));
  const changed = Object.keys(outputs).filter((n) => outputs[n] !== inputs[n]);
  expect(changed.length).toBeGreaterThan(COUNT / 2);
  expect(await pythonSyntaxErrors(outputs)).toEqual({});

  const second = await execa('node', [CLI, '--check', '--include', 'non-module', dir], { reject: false });
  expect(second.stdout).toBe('');
  expect(second.exitCode).toBe(0);
}, 120_000);
