// Runs the Python side of the KeyMapper preambles (test/python, pytest) from the vitest suite.
//
// - With .venv (created offline by `bash .ci/setup-python.sh`): the whole of test/python, i.e. the rule
//   tests and the torch -> Flax end-to-end model tests. On CI (process.env.CI set) a missing .venv is a
//   failure, not a skip.
// - Without .venv, but with a python3 that has numpy and pytest: the rule tests only (a numpy stand-in
//   for jax.numpy is used; the end-to-end tests need torch, jax and flax and are not attempted).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const venvPython = path.join(root, '.venv', 'bin', 'python');
const hasVenv = existsSync(venvPython);
const onCI = Boolean(process.env.CI);
const TIMEOUT = 300_000;

// pytest must not leave .pytest_cache or __pycache__ behind in the work tree
const pytestArgs = ['-m', 'pytest', '-q', '-rs', '-p', 'no:cacheprovider'];
const env = { PYTHONDONTWRITEBYTECODE: '1' };

const systemPythonOk =
  !hasVenv &&
  (await execa('python3', ['-c', 'import numpy, pytest'], { reject: false, env })).exitCode === 0;

if (!hasVenv && !onCI) {
  console.warn(
    `[python tests] ${path.relative(root, venvPython)} not found: the pytest suite (torch -> Flax end to end) ` +
      'is skipped. Create it offline with `bash .ci/setup-python.sh`.' +
      (systemPythonOk ? ' Running the rule tests with python3 + numpy only.' : ''),
  );
}

async function pytest(python: string, targets: string[]) {
  const result = await execa(python, [...pytestArgs, ...targets], { cwd: root, reject: false, all: true, env });
  if (result.exitCode !== 0) {
    console.error(`[python tests] ${python} ${[...pytestArgs, ...targets].join(' ')} failed:\n${result.all}`);
  }
  return result;
}

describe('Python KeyMapper preambles (pytest)', () => {
  it.skipIf(!hasVenv && !onCI)(
    'test/python passes in .venv: rule tests and torch -> Flax end-to-end models',
    async () => {
      if (!hasVenv) {
        throw new Error(`CI is set but ${venvPython} does not exist: run \`bash .ci/setup-python.sh\` first`);
      }
      const result = await pytest(venvPython, ['test/python']);
      expect(result.exitCode, result.all).toBe(0);
      // the end-to-end files must really run here, not skip for want of torch/jax/flax (or of the built bin)
      expect(result.all ?? '', result.all).not.toMatch(/SKIPPED \[\d+\] test\/python\/test_(?:(?:models|layers|hints|nnx)_e2e|nnx_layers)\.py/);
      expect(result.all ?? '').toMatch(/\d+ passed/);
    },
    TIMEOUT,
  );

  it.skipIf(hasVenv || !systemPythonOk)(
    'rule tests pass with a plain python3 + numpy (no .venv)',
    async () => {
      const result = await pytest('python3', ['test/python/test_keymapper_rules.py']);
      expect(result.exitCode, result.all).toBe(0);
    },
    TIMEOUT,
  );
});
