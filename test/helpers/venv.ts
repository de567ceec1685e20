/** Running generated Python in the test venv (.venv: torch, jax, flax; see .ci/setup-python.sh). */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { REPO, project, type Tree } from './project.js';

export const VENV_PYTHON = join(REPO, '.venv', 'bin', 'python');

/** True when the venv is there; without it the tests that need it skip, except on CI where they fail. */
export const hasVenv = existsSync(VENV_PYTHON);
export const venvRequired = hasVenv || Boolean(process.env.CI);

/** Python modules the venv has (pycodestyle, isort: checks of the generated files' style). */
export async function venvHas(...modules: string[]): Promise<boolean> {
  if (!hasVenv) return false;
  return (await execa(VENV_PYTHON, ['-c', `import ${modules.join(', ')}`], { reject: false })).exitCode === 0;
}

/** Runs `script` with the venv's python in a fresh directory holding `files` (importable from there). */
export async function runInVenv(files: Tree, script: string): Promise<{ code: number; output: string; dir: string }> {
  if (!hasVenv) throw new Error(`${VENV_PYTHON} is missing: run \`bash .ci/setup-python.sh\``);
  const dir = await project(files, 'switcheroo-venv-');
  const r = await execa(VENV_PYTHON, ['-c', script], { cwd: dir, reject: false, all: true, env: { PYTHONDONTWRITEBYTECODE: '1', PYTHONPATH: [dir, process.env.PYTHONPATH].filter(Boolean).join(':') } });
  return { code: r.exitCode ?? -1, output: String(r.all), dir };
}
