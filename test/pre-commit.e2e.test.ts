/**
 * The pre-commit hook (.pre-commit-hooks.yaml): pre-commit's own validator accepts the manifest, its
 * entry does what a hook must with the files pre-commit passes, and `pre-commit try-repo` installs
 * it from a clone of this repository (npm builds it from git: src/build/prepare.mjs) and runs it.
 * pre-commit comes from .venv (`bash .ci/setup-python.sh`); without it these skip, except on CI.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { REPO, assertBuilt, cleanup, git, project, runCli, tempDir } from './helpers/project.js';
import { VENV_PYTHON, venvRequired } from './helpers/venv.js';

const PRE_COMMIT = join(REPO, '.venv', 'bin', 'pre-commit');
const MANIFEST = join(REPO, '.pre-commit-hooks.yaml');
const hasPreCommit = existsSync(PRE_COMMIT);
if (venvRequired && !hasPreCommit && !process.env.CI) console.warn('[pre-commit] .venv has no pre-commit: run `bash .ci/setup-python.sh`; these tests are skipped');
const run = hasPreCommit || Boolean(process.env.CI);

vi.setConfig({ testTimeout: 60_000 });
beforeAll(() => assertBuilt());
afterAll(cleanup);

interface Hook {
  id: string;
  entry: string;
  language: string;
  files: string;
  types_or: string[];
  require_serial: boolean;
}

/** The manifest as pre-commit loads it (YAML, through the venv's PyYAML, which pre-commit uses). */
async function hooks(): Promise<Hook[]> {
  const r = await execa(VENV_PYTHON, ['-c', 'import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))', MANIFEST]);
  return JSON.parse(r.stdout) as Hook[];
}

/** pre-commit without the npm and git settings of whatever runs the tests (`npm test` sets npm_config_*). */
function cleanEnv(home: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^(npm_|GIT_|INIT_CWD$)/i.test(k)) env[k] = v;
  return { ...env, PRE_COMMIT_HOME: home, PRE_COMMIT_COLOR: 'never' };
}

/** A user's repository with changes pre-commit would pass to the hook. */
async function userRepo(): Promise<string> {
  const dir = await project({
    'models.py': 'import torch.nn as nn\n\n\nclass Net(nn.Module):\n    pass\n',
    'a.py': 'from models import Net\n\nnet = Net()\nnet.load_state_dict(sd)\n',
    'sub/b.py': 'import torch\n\nmodel = torch.nn.Linear(2, 2)\nmodel.load_state_dict(torch.load("w.pt"))\n',
    'clean.py': 'x = 1\n',
    'notes.md': '# model.load_state_dict(sd)\n',
  });
  await git(dir, 'init', '-q');
  await git(dir, 'add', '-A');
  return dir;
}

describe.skipIf(!run)('pre-commit', () => {
  it("pre-commit's own validator accepts the manifest, and refuses a broken copy of it", async () => {
    const ok = await execa(PRE_COMMIT, ['validate-manifest', MANIFEST], { reject: false, all: true });
    expect(ok.exitCode, String(ok.all)).toBe(0);
    const dir = await tempDir();
    const broken = join(dir, '.pre-commit-hooks.yaml');
    await writeFile(broken, (await readFile(MANIFEST, 'utf8')).replace('language: node', 'language: nodejs'));
    const bad = await execa(PRE_COMMIT, ['validate-manifest', broken], { reject: false, all: true });
    expect(bad.exitCode).toBe(1);
    expect(String(bad.all)).toMatch(/nodejs/);
  });

  it('one hook, switcheroo-migrate: --check on the staged .py and .ipynb files, in one process', async () => {
    const [hook, ...others] = await hooks();
    expect(others).toEqual([]);
    expect(hook).toMatchObject({ id: 'switcheroo-migrate', language: 'node', types_or: ['python', 'jupyter'], require_serial: true });
    expect(hook?.entry.split(' ').slice(0, 2)).toEqual(['switcheroo-migrate', '--check']);
    const files = new RegExp(hook?.files as string);
    expect(['a.py', 'sub/b.py', 'nb/train.ipynb'].filter((f) => files.test(f))).toHaveLength(3);
    expect(['notes.md', 'a.pyi', 'setup.cfg', 'scripts/run'].filter((f) => files.test(f))).toEqual([]);
  });

  it('its entry, as pre-commit runs it from the repository root: exit 1 naming each site, 0 when none; one file or several, the same verdict', async () => {
    const [hook] = await hooks();
    const args = (hook?.entry as string).split(' ').slice(1);
    const dir = await userRepo();
    const several = await runCli([...args, 'a.py', 'sub/b.py', 'clean.py'], { cwd: dir });
    expect(several.code).toBe(1);
    expect(several.stdout).toBe(
      'a.py:4:1: module: net.load_state_dict(sd) -> variables = KeyMapper.from_torch(sd)\n' +
        'sub/b.py:4:1: module: model.load_state_dict(torch.load("w.pt")) -> variables = KeyMapper.from_torch(torch.load("w.pt"))\n',
    );
    // pre-commit may split the files across runs: a file alone is judged as among the others
    const alone = await runCli([...args, 'a.py'], { cwd: dir });
    expect(alone).toMatchObject({ code: 1, stdout: 'a.py:4:1: module: net.load_state_dict(sd) -> variables = KeyMapper.from_torch(sd)\n' });
    const clean = await runCli([...args, 'clean.py', 'models.py'], { cwd: dir });
    expect(clean).toMatchObject({ code: 0, stdout: '' });
  });

  it(
    'try-repo installs the hook from a clone of this repository and runs it: exit 1 naming the sites, the Markdown file not passed',
    async () => {
      const dir = await userRepo();
      const home = await tempDir('switcheroo-pre-commit-home-');
      const r = await execa(PRE_COMMIT, ['try-repo', REPO, 'switcheroo-migrate', '--files', 'a.py', 'sub/b.py', 'notes.md', 'clean.py'], {
        cwd: dir,
        env: cleanEnv(home),
        extendEnv: false,
        reject: false,
        all: true,
        timeout: 540_000,
      });
      const out = String(r.all);
      const log = join(home, 'pre-commit.log');
      expect(r.exitCode, existsSync(log) ? await readFile(log, 'utf8') : out).toBe(1);
      expect(out).toMatch(/^switcheroo-migrate\.+Failed$/m);
      expect(out).toContain('a.py:4:1: module: net.load_state_dict(sd) -> variables = KeyMapper.from_torch(sd)\n');
      expect(out).toContain('sub/b.py:4:1: module: model.load_state_dict(torch.load("w.pt"))');
      expect(out).toMatch(/^3 files scanned · 2 with load_state_dict · 2 sites · 2 proposed · \d+ ms$/m); // notes.md never reached it
    },
    600_000,
  );
});

