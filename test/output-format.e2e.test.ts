/** `--output-format github|json|text` and `--json-schema` through the built bin. */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PLAN_SCHEMA } from '../src/cli/plan-schema.js';
import { printedSchema } from './helpers/plan-schema.js';
import { assertBuilt, cleanup, git, project, runCli, writeTree } from './helpers/project.js';

vi.setConfig({ testTimeout: 60_000 });
beforeAll(() => assertBuilt());
afterAll(cleanup);

interface Site {
  path: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  kind: string;
  proposed: boolean;
  evidence: { note: string };
  warnings: string[];
}

/** A repository whose Python code lives in `src/`. */
async function repo(): Promise<string> {
  const dir = await project({
    'README.md': '# app\n',
    'src/app/model.py': 'import torch.nn as nn\n\nnet = nn.Linear(2, 2)\nnet.load_state_dict(sd, strict=False)\noptimizer.load_state_dict(o)\n',
    'src/app/clean.py': 'x = 1\n',
    'src/app/blob.py': Buffer.from('model.load_state_dict(sd)\n\0\0binary'),
  });
  await git(dir, 'init', '-q');
  await git(dir, 'add', '-A');
  await git(dir, 'commit', '-q', '-m', 'init');
  return dir;
}

describe('--output-format github', () => {
  it('one line per proposed site and per skipped file, paths from the repository root, from whichever folder it runs', async () => {
    const dir = await repo();
    const json = await runCli(['--json', 'app'], { cwd: join(dir, 'src') });
    const plan = JSON.parse(json.stdout) as { files: { sites: Site[] }[]; skipped: { path: string; reason: string }[] };
    const site = plan.files[0]?.sites[0] as Site;
    expect(plan.skipped).toEqual([{ path: 'blob.py', reason: expect.stringMatching(/^binary/) }]);
    expect(site).toMatchObject({ path: 'model.py', proposed: true }); // the root is src/app: paths in the plan are relative to it
    const r = await runCli(['--output-format', 'github', 'app'], { cwd: join(dir, 'src') });
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')).toEqual([
      `::warning file=src/app/model.py,line=4,col=1,endLine=4,endColumn=38,title=switcheroo-migrate (module)::` +
        `\`net.load_state_dict(sd, strict=False)\` -> \`variables = KeyMapper.from_torch(sd)\`%0A${site.evidence.note}%0Awarning: ${site.warnings[0]}`,
      `::warning file=src/app/blob.py,title=switcheroo-migrate (skipped)::${plan.skipped[0]?.reason}`,
      '',
    ]);
    expect(site.warnings).toHaveLength(1);
    expect(r.stderr).toMatch(/^3 files scanned · 1 with load_state_dict · 2 sites · 1 proposed · 1 skipped · \d+ ms\n$/);
    // --check --output-format github is the same run
    const check = await runCli(['--check', '--output-format', 'github', 'app'], { cwd: join(dir, 'src') });
    expect([check.code, check.stdout]).toEqual([1, r.stdout]);
  });

  it('several paths (as pre-commit passes them) and exit 0 with no output when nothing is proposed', async () => {
    const dir = await repo();
    const r = await runCli(['--output-format=github', 'src/app/model.py', 'src/app/clean.py'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^::warning file=src\/app\/model\.py,line=4,col=1,endLine=4,endColumn=38,title=switcheroo-migrate \(module\)::[^\n]+\n$/);
    const clean = await runCli(['--output-format', 'github', 'src/app/clean.py', 'README.md'], { cwd: dir });
    expect(clean.code).toBe(0); // README.md is skipped, which --check does not count as a change
    expect(clean.stdout).toBe('::warning file=README.md,title=switcheroo-migrate (skipped)::not a Python file\n');
  });

  it('outside git, paths are given from the current folder', async () => {
    const dir = await project({ 'lib/net.py': 'model = Net()\nmodel.load_state_dict(sd)\n' });
    const r = await runCli(['--output-format', 'github', 'lib'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^::warning file=lib\/net\.py,line=2,col=1,endLine=2,endColumn=26,title=switcheroo-migrate \(module\)::/);
  });
});

describe('--output-format json and text', () => {
  it('json prints what --json prints', async () => {
    const dir = await repo();
    const zeroMs = (out: string) => ({ ...JSON.parse(out), stats: { ...JSON.parse(out).stats, ms: 0 } });
    const json = await runCli(['--json', 'src'], { cwd: dir });
    const format = await runCli(['--output-format', 'json', 'src'], { cwd: dir });
    expect(format.code).toBe(0);
    expect(zeroMs(format.stdout)).toEqual(zeroMs(json.stdout));
  });

  it('text is the default: --check prints its lines', async () => {
    const dir = await repo();
    const text = await runCli(['--check', '--output-format', 'text', 'src'], { cwd: dir });
    const plain = await runCli(['--check', 'src'], { cwd: dir });
    expect([text.code, text.stdout]).toEqual([1, plain.stdout]);
    expect(text.stdout).toBe('app/model.py:4:1: module: net.load_state_dict(sd, strict=False) -> variables = KeyMapper.from_torch(sd)\n');
  });
});

describe('--json-schema', () => {
  it('prints the schema written in src/cli/plan-schema.ts: JSON Schema draft 2020-12, exit 0', async () => {
    const r = await runCli(['--json-schema']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual(PLAN_SCHEMA);
    expect(printedSchema().$schema).toBe('https://json-schema.org/draft/2020-12/schema');
  });

  it('ignores the paths and the mode flags given with it', async () => {
    const dir = await project({});
    await writeTree(dir, { 'a.py': 'model.load_state_dict(sd)\n' });
    const r = await runCli(['--json-schema', '--check', dir]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(PLAN_SCHEMA);
  });
});
