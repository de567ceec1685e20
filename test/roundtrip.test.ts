/** Issue 4's round trip: the built tool rewrites a torch loading script, and the result loads real weights into Flax. */
import { cpSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const PYTHON = join(ROOT, '.venv', 'bin', 'python');
const hasVenv = existsSync(PYTHON);
if (!hasVenv && !process.env.CI) console.warn('roundtrip: skipped: no .venv with torch/jax/flax (run bash .ci/setup-python.sh)');

it.skipIf(!hasVenv && !process.env.CI)('switcheroo-migrate --yes turns a torch loading script into one whose variables run the Flax model', async () => {
  expect(hasVenv, 'CI must have .venv (bash .ci/setup-python.sh)').toBe(true);
  const project = mkdtempSync(join(tmpdir(), 'switcheroo-roundtrip-'));
  cpSync(join(ROOT, 'test', 'fixtures', 'roundtrip', 'project'), project, { recursive: true });
  const run = await execa('node', [join(ROOT, 'dist', 'cli.js'), '--yes', project], { reject: false });
  expect(run.exitCode, run.stderr).toBe(0);
  const script = readFileSync(join(project, 'load_weights.py'), 'utf8');
  expect(script).toContain('variables = KeyMapper.from_torch(torch.load(sys.argv[1], map_location="cpu"))');
  expect(script).toMatch(/^class KeyMapper:/m);

  const drive = await execa(PYTHON, [join(ROOT, 'test', 'fixtures', 'roundtrip', 'drive.py'), project], { reject: false });
  expect(drive.exitCode, drive.stderr).toBe(0);
  const result = JSON.parse(drive.stdout.trim().split('\n').pop() ?? '{}') as { same_tree: boolean; max_abs_diff: number };
  expect(result.same_tree).toBe(true);
  expect(result.max_abs_diff).toBeLessThan(1e-4);
}, 120_000);
