/** The built bin (`node dist/cli.js`) on real temporary projects, without a terminal. */
import { chmod, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { REPO, ZOO, assertBuilt, cleanup, git, project, pythonParseError, pythonParseErrors, readTree, runCli, tempDir, writeTree } from './helpers/project.js';

const NO_TERMINAL = 'switcheroo-migrate: no terminal: showing the proposed changes as --dry-run would; pass --yes to write them\n';
const SUMMARY = /^\d+ files? scanned · \d+ with load_state_dict · \d+ sites? · \d+ proposed( · \d+ written · \d+ refused · \d+ errors?)?( · \d+ warnings?)?( · \d+ skipped)? · \d+ ms$/;
const ANSI = /\u001b\[/;
const SITE = 'model.load_state_dict(sd)\n';

const ZOO_PY = ['scripts/evaluate.py', 'scripts/train.py', 'zoo/__init__.py', 'zoo/models/__init__.py', 'zoo/models/resnet.py', 'zoo/models/vit.py'];
const ZOO_CHANGED = ['scripts/evaluate.py', 'scripts/train.py', 'zoo/models/__init__.py'];

async function zoo(): Promise<string> {
  const dir = await project(ZOO, 'switcheroo-zoo-');
  await chmod(join(dir, 'scripts/train.py'), 0o755);
  return dir;
}

function lastLine(text: string): string {
  return text.trimEnd().split('\n').pop() ?? '';
}

interface JsonPlan {
  version: number;
  root: string;
  files: { path: string; sites: Record<string, unknown>[]; preamble: { needed: boolean; line: number; endLine: number; text: string } | null }[];
  skipped: { path: string; reason: string }[];
  stats: { filesScanned: number; candidates: number; sites: number; proposed: number; ms: number };
}

async function jsonPlan(args: string[]): Promise<JsonPlan> {
  const r = await runCli(['--json', ...args]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as JsonPlan;
}

vi.setConfig({ testTimeout: 60_000 });
beforeAll(() => assertBuilt());
afterAll(cleanup);

describe('help and version', () => {
  it('--help prints the usage with every option and exits 0', async () => {
    for (const flag of ['--help', '-h']) {
      const r = await runCli([flag]);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.stdout.startsWith('Usage: switcheroo-migrate [path...] [options]\n')).toBe(true);
      for (const option of ['--dry-run', '--yes', '--json', '--check', '--output-format', '--json-schema', '--root', '--include', '--mapper', '--target-name', '--max-file-size', '--allow-dirty', '--no-color', '--help', '--version']) {
        expect(r.stdout).toContain(option);
      }
    }
  });

  it('--version prints the package version and exits 0', async () => {
    const pkg = JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-v']) {
      const r = await runCli([flag]);
      expect(r).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
    }
  });
});

describe('--dry-run on a realistic project', () => {
  it('prints unified diffs that git apply turns into exactly what --yes writes, and writes nothing', async () => {
    const dir = await zoo();
    const before = await readTree(dir);
    const r = await runCli(['--dry-run', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(ANSI);
    expect(await readTree(dir)).toEqual(before);

    // one diff per changed file, in path order, with a/ b/ headers
    const headers = [...r.stdout.matchAll(/^--- a\/(.+)\n\+\+\+ b\/(.+)$/gm)].map((m) => [m[1], m[2]]);
    expect(headers).toEqual(ZOO_CHANGED.map((p) => [p, p]));
    expect(r.stdout).toContain('-    model.load_state_dict(ckpt["model"])\n+    variables = KeyMapper.from_torch(ckpt["model"])\n');
    expect(r.stdout).toContain('-        model.load_state_dict(state["model"], strict=False)\n+        variables = KeyMapper.from_torch(state["model"])\n');
    expect(r.stdout).toContain('-    missing, unexpected = model.load_state_dict(\n+    missing, unexpected = KeyMapper.from_torch(\n');
    expect(r.stdout).toContain('+class KeyMapper:\n');
    // what is not proposed is listed, with where and why
    expect(r.stdout).toMatch(/^ {2}scripts\/train\.py:15:5 {2}non-module: not proposed: .*optimizer/m);
    expect(r.stdout).toMatch(/^ {2}scripts\/train\.py:16:5 {2}non-module: not proposed: .*scheduler/m);
    expect(r.stdout).toMatch(/^ {2}scripts\/train\.py:17:5 {2}non-module: not proposed: .*scaler/m);
    expect(r.stdout).toMatch(/^zoo\/models\/resnet\.py: nothing proposed\n {2}zoo\/models\/resnet\.py:14:16 {2}super: not proposed: /m);
    expect(r.stdout).toMatch(/^ {2}scripts\/evaluate\.py:11:27 {2}warning: `strict=False` dropped/m);
    expect(r.stdout).toMatch(/^ {2}scripts\/evaluate\.py:11:27 {2}warning: the result is used/m);
    // an explicit mode: no fallback note; the mapper and the summary are the only stderr lines
    expect(r.stderr.split('\n')).toEqual(['mapper flax: no file of the project imports flax.nnx', expect.stringMatching(SUMMARY), '']);
    expect(lastLine(r.stderr)).toMatch(SUMMARY);
    expect(lastLine(r.stderr)).toMatch(/^6 files scanned · 4 with load_state_dict · 7 sites · 3 proposed · 3 warnings · \d+ ms$/);

    const patch = join(await tempDir(), 'dry-run.patch');
    await writeFile(patch, r.stdout);
    const applied = await execa('git', ['apply', patch], { cwd: dir, reject: false });
    expect(applied.stderr).toBe('');
    expect(applied.exitCode).toBe(0);
    const viaPatch = await readTree(dir);

    const other = await zoo();
    const yes = await runCli(['--yes', other]);
    expect(yes.code).toBe(0);
    expect(await readTree(other)).toEqual(viaPatch);
  });

  it('diffs of CRLF and no-final-newline files apply with git apply too', async () => {
    const files = {
      'nonl.py': 'import torch\n\nmodel.load_state_dict(sd)',
      'crlf.py': 'import torch\r\n\r\ndef f(model, sd):\r\n    model.load_state_dict(sd)\r\n',
      'both.py': 'import torch\r\n\r\nmodel.load_state_dict(\r\n    sd,  # weights\r\n    strict=False)',
    };
    const dir = await project(files);
    const other = await project(files);
    const r = await runCli(['--dry-run', dir]);
    expect(r.stdout.match(/^\\ No newline at end of file$/gm)).toHaveLength(4);
    const patch = join(await tempDir(), 'dry-run.patch');
    await writeFile(patch, r.stdout);
    // (git counts the CR of a CRLF line it adds as trailing whitespace until the hunk has shown it a
    // CRLF context line; the preamble's import lines open their hunk at line 1, so it would warn)
    const applied = await execa('git', ['apply', '--whitespace=nowarn', patch], { cwd: dir, reject: false });
    expect(applied.stderr).toBe('');
    expect((await runCli(['--yes', other])).code).toBe(0);
    expect(await readTree(dir)).toEqual(await readTree(other));
  });

  it('the diff of a file with a BOM applies with git apply (its first line keeps the BOM)', async () => {
    const files = {
      'bom.py': Buffer.from('\ufeffimport torch\n\nmodel.load_state_dict(sd)\n', 'utf8'),
      'bom_crlf.py': Buffer.from('\ufeff"""Doc."""\r\nmodel.load_state_dict(sd)', 'utf8'),
    };
    const dir = await project(files);
    const other = await project(files);
    const r = await runCli(['--dry-run', dir]);
    const patch = join(await tempDir(), 'dry-run.patch');
    await writeFile(patch, r.stdout);
    // (git counts the CR of a CRLF line it adds as trailing whitespace until the hunk has shown it a
    // CRLF context line; the preamble's import lines open their hunk at line 1, so it would warn)
    const applied = await execa('git', ['apply', '--whitespace=nowarn', patch], { cwd: dir, reject: false });
    expect(applied.stderr).toBe('');
    expect((await runCli(['--yes', other])).code).toBe(0);
    expect(await readTree(dir)).toEqual(await readTree(other));
    expect([...((await readTree(dir)).get('bom.py') ?? []).subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  });

  it('without a mode flag and without a terminal, behaves as --dry-run and says so on stderr', async () => {
    const dir = await zoo();
    const before = await readTree(dir);
    const dry = await runCli(['--dry-run', dir]);
    const r = await runCli([dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(dry.stdout);
    expect(r.stderr.startsWith(NO_TERMINAL)).toBe(true);
    expect(lastLine(r.stderr)).toMatch(SUMMARY);
    expect(await readTree(dir)).toEqual(before);
  });

  it('defaults the path to the current directory', async () => {
    const dir = await zoo();
    const here = await runCli(['-n'], { cwd: dir });
    const there = await runCli(['-n', dir]);
    expect(here.code).toBe(0);
    expect(here.stdout).toBe(there.stdout);
  });

  it('honours FORCE_COLOR, and --no-color wins over it', async () => {
    const dir = await zoo();
    const forced = await runCli(['-n', dir], { env: { FORCE_COLOR: '1' } });
    expect(forced.stdout).toContain('\u001b[32m+    variables = KeyMapper.from_torch(ckpt["model"])\u001b[0m');
    const plain = await runCli(['-n', '--no-color', dir], { env: { FORCE_COLOR: '1' } });
    expect(plain.stdout).not.toMatch(ANSI);
    const noColor = await runCli(['-n', dir], { env: { NO_COLOR: '1' } });
    expect(noColor.stdout).toBe(plain.stdout);
  });
});

describe('--json', () => {
  it('prints only the plan, in the design shape, with relative / paths', async () => {
    const dir = await zoo();
    const before = await readTree(dir);
    const r = await runCli(['--json', dir]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.startsWith('{')).toBe(true);
    expect(r.stdout.endsWith('}\n')).toBe(true);
    const plan = JSON.parse(r.stdout) as JsonPlan;
    expect(Object.keys(plan).sort()).toEqual(['files', 'mapper', 'root', 'skipped', 'stats', 'version']);
    expect(plan.mapper).toEqual({ name: 'flax', why: 'no file of the project imports flax.nnx' });
    expect(plan.version).toBe(1);
    expect(plan.root).toBe(dir);
    expect(plan.files.map((f) => f.path)).toEqual([...ZOO_CHANGED, 'zoo/models/resnet.py']);
    expect(plan.skipped).toEqual([]);
    expect(Object.keys(plan.stats).sort()).toEqual(['candidates', 'filesScanned', 'ms', 'proposed', 'sites']);
    expect(plan.stats).toMatchObject({ filesScanned: 6, candidates: 4, sites: 7, proposed: 3 });
    expect(plan.stats.ms).toBeGreaterThanOrEqual(0);

    const sites = plan.files.flatMap((f) => f.sites);
    expect(sites).toHaveLength(plan.stats.sites);
    expect(sites.filter((s) => s.proposed)).toHaveLength(plan.stats.proposed);
    for (const f of plan.files) {
      expect(f.path).not.toMatch(/^\/|\\/);
      for (const s of f.sites) {
        expect(s.path).toBe(f.path);
        for (const key of ['line', 'column', 'endLine', 'endColumn']) expect(Number.isInteger(s[key]) && (s[key] as number) >= 1).toBe(true);
        expect(typeof s.receiver).toBe('string');
        expect(typeof s.original).toBe('string');
        expect(typeof s.replacement).toBe('string');
        expect(Array.isArray(s.warnings)).toBe(true);
      }
    }
    const train = plan.files.find((f) => f.path === 'scripts/train.py');
    expect(train?.sites.map((s) => [s.line, s.column, s.receiver, s.kind, s.proposed])).toEqual([
      [14, 5, 'model', 'module', true],
      [15, 5, 'optimizer', 'non-module', false],
      [16, 5, 'scheduler', 'non-module', false],
      [17, 5, 'scaler', 'non-module', false],
    ]);
    expect(train?.sites[0]).toMatchObject({ original: 'model.load_state_dict(ckpt["model"])', replacement: 'variables = KeyMapper.from_torch(ckpt["model"])', warnings: [] });
    expect(train?.preamble?.needed).toBe(true);
    expect(train?.preamble?.text).toContain('class KeyMapper:');
    const resnet = plan.files.find((f) => f.path === 'zoo/models/resnet.py');
    expect(resnet?.sites.map((s) => [s.kind, s.proposed])).toEqual([['super', false]]);
    expect(await readTree(dir)).toEqual(before);
  });
});

describe('--check', () => {
  it('exits 1 and lists the proposed changes when there are some', async () => {
    const dir = await zoo();
    const before = await readTree(dir);
    const r = await runCli(['--check', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      'scripts/evaluate.py:11:27: module: model.load_state_dict( -> KeyMapper.from_torch(\n' +
        'scripts/train.py:14:5: module: model.load_state_dict(ckpt["model"]) -> variables = KeyMapper.from_torch(ckpt["model"])\n' +
        'zoo/models/__init__.py:10:9: module: model.load_state_dict(state["model"], strict=False) -> variables = KeyMapper.from_torch(state["model"])\n',
    );
    expect(lastLine(r.stderr)).toMatch(SUMMARY);
    expect(await readTree(dir)).toEqual(before);
  });

  it('exits 0 on a clean project (only training state and a super() call)', async () => {
    const dir = await project({
      'train.py': 'def resume(optimizer, ckpt):\n    optimizer.load_state_dict(ckpt["optimizer"])\n',
      'net.py': 'class Net(Base):\n    def load_state_dict(self, sd, strict=True):\n        return super().load_state_dict(sd, strict)\n',
      'util.py': 'x = 1\n',
    });
    const r = await runCli(['--check', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(lastLine(r.stderr)).toMatch(/^3 files scanned · 2 with load_state_dict · 2 sites · 0 proposed · \d+ ms$/);
  });
});

describe('--yes', () => {
  it('writes every proposed change, every .py still parses, and a second run proposes nothing', async () => {
    const dir = await zoo();
    const before = await readTree(dir);
    const r = await runCli(['--yes', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(ZOO_CHANGED.map((p) => `written  ${p}\n`).join(''));
    // each written site's warnings, as --dry-run shows them, and their count in the summary
    expect(r.stderr.split('\n').slice(0, -2)).toEqual([
      '  scripts/evaluate.py:11:27  warning: `strict=False` dropped: KeyMapper.from_torch has no strict mode (pass target= to check the keys)',
      '  scripts/evaluate.py:11:27  warning: the result is used: torch returns (missing_keys, unexpected_keys), KeyMapper.from_torch returns the variables',
      '  zoo/models/__init__.py:10:9  warning: `strict=False` dropped: KeyMapper.from_torch has no strict mode (pass target= to check the keys)',
      'mapper flax: no file of the project imports flax.nnx',
    ]);
    expect(lastLine(r.stderr)).toMatch(/^6 files scanned · 4 with load_state_dict · 7 sites · 3 proposed · 3 written · 0 refused · 0 errors · 3 warnings · \d+ ms$/);

    const after = await readTree(dir);
    for (const [path, bytes] of before) {
      if (ZOO_CHANGED.includes(path)) expect(after.get(path)?.equals(bytes), path).toBe(false);
      else expect(after.get(path)?.equals(bytes), path).toBe(true);
    }
    for (const path of ZOO_PY) expect(await pythonParseError(join(dir, path))).toBe('');

    const train = after.get('scripts/train.py')?.toString() ?? '';
    expect(train.startsWith('#!/usr/bin/env python3\n"""Train a model from the zoo, resuming from a checkpoint."""\nfrom __future__ import annotations\n')).toBe(true);
    expect(train.split('class KeyMapper:')).toHaveLength(2);
    expect(train.indexOf('class KeyMapper:')).toBeLessThan(train.indexOf('def resume('));
    expect(train).toContain('    variables = KeyMapper.from_torch(ckpt["model"])\n    optimizer.load_state_dict(ckpt["optimizer"])\n');
    expect((await stat(join(dir, 'scripts/train.py'))).mode & 0o777).toBe(0o755);
    const evaluate = after.get('scripts/evaluate.py')?.toString() ?? '';
    expect(evaluate).toContain('    missing, unexpected = KeyMapper.from_torch(\n        torch.load(checkpoint),  # the EMA weights\n    )\n');

    const check = await runCli(['--check', dir]);
    expect(check.code).toBe(0);
    expect(check.stdout).toBe('');
    // left: the optimizer, scheduler and scaler calls, and the super() call
    expect(lastLine(check.stderr)).toMatch(/^6 files scanned · 2 with load_state_dict · 4 sites · 0 proposed · \d+ ms$/);
    const again = await runCli(['--yes', dir]);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe('');
    expect(lastLine(again.stderr)).toMatch(/ · 0 proposed · 0 written · 0 refused · 0 errors · \d+ ms$/);
    expect(await readTree(dir)).toEqual(after);
  });

  it('with a single .py file as the path, touches only that file', async () => {
    const dir = await zoo();
    const before = await readTree(dir);
    const plan = await jsonPlan([join(dir, 'scripts/train.py')]);
    expect(plan.root).toBe(join(dir, 'scripts'));
    expect(plan.files.map((f) => f.path)).toEqual(['train.py']);
    expect(plan.stats).toMatchObject({ filesScanned: 1, candidates: 1, sites: 4, proposed: 1 });

    const r = await runCli(['--yes', 'scripts/train.py'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('written  train.py\n');
    const after = await readTree(dir);
    for (const [path, bytes] of before) expect(after.get(path)?.equals(bytes), path).toBe(path !== 'scripts/train.py');
    expect(await pythonParseError(join(dir, 'scripts/train.py'))).toBe('');
  });
});

describe('a larger project (scanned on worker threads)', () => {
  it('finds, writes and re-checks every site', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 48; i++) {
      const pkg = `pkg${i % 4}`;
      files[`${pkg}/__init__.py`] = '';
      files[`${pkg}/mod${String(i).padStart(2, '0')}.py`] =
        i % 3 === 0
          ? `import torch\n\n\ndef load_${i}(model, opt, path):\n    ckpt = torch.load(path)\n    model.load_state_dict(ckpt["model"])\n    opt.load_state_dict(ckpt["opt"])\n`
          : `def f_${i}(x):\n    return x + ${i}\n`;
    }
    files['link_to_mod00.py'] = ''; // replaced by a symlink below: its file is planned once, as itself
    const dir = await project(files);
    await rm(join(dir, 'link_to_mod00.py'));
    await symlink(join(dir, 'pkg0', 'mod00.py'), join(dir, 'link_to_mod00.py'));
    delete files['link_to_mod00.py'];
    // Workers scanning every file, then this thread alone: the plans must not differ.
    const pooled = await runCli(['--json', dir], { env: { SWITCHEROO_POOL: 'always' } });
    const alone = await runCli(['--json', dir], { env: { SWITCHEROO_POOL: 'never' } });
    expect(pooled.code, pooled.stderr).toBe(0);
    const withoutMs = (out: string) => ({ ...JSON.parse(out), stats: { ...JSON.parse(out).stats, ms: 0 } });
    expect(withoutMs(pooled.stdout)).toEqual(withoutMs(alone.stdout));
    const plan = JSON.parse(pooled.stdout) as JsonPlan;
    const expected = Object.keys(files).filter((p) => files[p]?.includes('load_state_dict')).sort();
    expect(plan.files.map((f) => f.path)).toEqual(expected);
    expect(plan.stats).toMatchObject({ filesScanned: 52, candidates: 16, sites: 32, proposed: 16 });
    for (const f of plan.files) {
      expect(f.sites.map((s) => [s.line, s.kind, s.proposed])).toEqual([[6, 'module', true], [7, 'non-module', false]]);
    }

    const r = await runCli(['--yes', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(expected.map((p) => `written  ${p}\n`).join(''));
    expect(await pythonParseErrors(Object.keys(files).map((p) => join(dir, p)))).toEqual([]);
    const again = await runCli(['--check', dir]);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe('');
  });
});

describe('long runs of comment lines (the Python grammar is quadratic in them)', () => {
  it('finds the sites around 20,000 commented-out lines at the right lines and keeps the comments', async () => {
    const block = '    # old = old_model(x)  # TODO remove\n'.repeat(20_000);
    const source = `import torch\n\n\nclass Runner:\n    def load(self, sd):\n        self.net.load_state_dict(sd)\n${block}    def again(self, sd):\n        self.net.load_state_dict(sd, strict=False)  # trailing\n`;
    const dir = await project({ 'runner.py': source });
    const plan = await jsonPlan([dir]);
    expect(plan.files[0]?.sites.map((s) => [s.line, s.column, s.original])).toEqual([
      [6, 9, 'self.net.load_state_dict(sd)'],
      [20_008, 9, 'self.net.load_state_dict(sd, strict=False)'],
    ]);
    const r = await runCli(['--yes', dir]);
    expect(r.code).toBe(0);
    const text = await readFile(join(dir, 'runner.py'), 'utf8');
    // the preamble's edit replaces lines line..endLine-1: put them back
    const preamble = plan.files[0]?.preamble ?? { line: 1, endLine: 1, text: '' };
    const replaced = source.split('\n').slice(preamble.line - 1, preamble.endLine - 1).map((l) => `${l}\n`).join('');
    expect(text.replace(preamble.text, replaced)).toBe(
      source.replace('self.net.load_state_dict(sd)\n', 'variables = KeyMapper.from_torch(sd)\n')
        .replace('self.net.load_state_dict(sd, strict=False)  # trailing', 'variables = KeyMapper.from_torch(sd)  # trailing'),
    );
    expect(await pythonParseError(join(dir, 'runner.py'))).toBe('');
  });
});

describe('--yes in a git work tree', () => {
  it('refuses files git reports as modified or untracked unless --allow-dirty, and writes the others', async () => {
    const dir = await project({ 'clean.py': SITE, 'edited.py': SITE, 'staged.py': SITE });
    await git(dir, 'init', '-q');
    await git(dir, 'add', '-A');
    await git(dir, 'commit', '-q', '-m', 'init');
    await writeTree(dir, { 'edited.py': `${SITE}# work in progress\n`, 'staged.py': `${SITE}x = 1\n`, 'new.py': SITE });
    await git(dir, 'add', 'staged.py');
    const before = await readTree(dir);

    const r = await runCli(['--yes', dir]);
    expect(r.code).toBe(1);
    const dirty = 'refused  %s: git reports uncommitted changes to this file; commit or stash them, or pass --allow-dirty\n';
    expect(r.stdout).toBe(['edited.py', 'new.py', 'staged.py'].map((p) => dirty.replace('%s', p)).join('') + 'written  clean.py\n');
    expect(lastLine(r.stderr)).toMatch(/ · 4 proposed · 1 written · 3 refused · 0 errors · \d+ ms$/);
    const after = await readTree(dir);
    for (const p of ['edited.py', 'new.py', 'staged.py']) expect(after.get(p)?.equals(before.get(p) ?? Buffer.alloc(0)), p).toBe(true);
    expect(after.get('clean.py')?.toString()).toContain('variables = KeyMapper.from_torch(sd)');

    const allowed = await runCli(['--yes', '--allow-dirty', dir]);
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toBe('written  edited.py\nwritten  new.py\nwritten  staged.py\n');

    // --dry-run, --check and --json never ask: they write nothing anyway
    expect((await runCli(['--check', dir])).code).toBe(0);
  });

  it('a clean work tree is written without --allow-dirty', async () => {
    const dir = await zoo();
    await git(dir, 'init', '-q');
    await git(dir, 'add', '-A');
    await git(dir, 'commit', '-q', '-m', 'init');
    const r = await runCli(['--yes', join(dir, 'scripts')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('written  evaluate.py\nwritten  train.py\n');
  });
});

describe('options that shape the proposal', () => {
  it('--include non-module proposes the optimizer, scheduler and scaler sites too', async () => {
    const dir = await zoo();
    const plan = await jsonPlan(['--include', 'non-module', dir]);
    expect(plan.stats).toMatchObject({ sites: 7, proposed: 6 });
    const train = plan.files.find((f) => f.path === 'scripts/train.py');
    expect(train?.sites.map((s) => [s.receiver, s.kind, s.proposed])).toEqual([
      ['model', 'module', true],
      ['optimizer', 'non-module', true],
      ['scheduler', 'non-module', true],
      ['scaler', 'non-module', true],
    ]);
    const r = await runCli(['--dry-run', '--include', 'non-module', dir]);
    expect(r.stdout).toContain('-    optimizer.load_state_dict(ckpt["optimizer"])\n');
    // four rewrites in one function: each named after its receiver, none overwriting another
    expect(r.stdout).toContain('+    model_variables = KeyMapper.from_torch(ckpt["model"])\n+    optimizer_variables = KeyMapper.from_torch(ckpt["optimizer"])\n');
    expect(r.stdout).toContain('+    scaler_variables = KeyMapper.from_torch(ckpt["scaler"])\n');
    // super() is never proposed
    expect(plan.files.find((f) => f.path === 'zoo/models/resnet.py')?.sites[0]?.proposed).toBe(false);

    // super() and unsupported sites have no rewrite: asking to propose them is a usage error, not a no-op
    for (const kind of ['super', 'unsupported', 'non-module,unsupported', 'modules']) {
      const bad = await runCli(['--include', kind, dir]);
      expect(bad.code, kind).toBe(2);
      expect(bad.stdout).toBe('');
      expect(bad.stderr).toMatch(/^switcheroo-migrate: --include takes non-module and unknown; super and unsupported sites are never proposed \(got "\w+(-\w+)?"\) \(see --help\)\n$/);
    }
    expect((await runCli(['--check', '--include', 'non-module,', dir])).code).toBe(1);
  });

  it('--target-name changes the name statement rewrites assign', async () => {
    const dir = await zoo();
    const r = await runCli(['--dry-run', '--target-name', 'params', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('+    params = KeyMapper.from_torch(ckpt["model"])\n');
    expect(r.stdout).toContain('+        params = KeyMapper.from_torch(state["model"])\n');
    expect(r.stdout).not.toContain('+    variables = KeyMapper.from_torch(');
    // a used result is not assigned, so the name does not appear there
    expect(r.stdout).toContain('+    missing, unexpected = KeyMapper.from_torch(\n');

    for (const bad of ['1params', 'my-vars', '', 'class', 'None', 'KeyMapper', 'jnp', 'len']) {
      const b = await runCli(['--dry-run', '--target-name', bad, dir]);
      expect(b.code, bad).toBe(2);
      expect(b.stderr.split('\n').filter(Boolean), bad).toHaveLength(1);
    }
    const unicode = await runCli(['--dry-run', '--target-name', 'münchen', dir]);
    expect(unicode.stdout).toContain('+    münchen = KeyMapper.from_torch(ckpt["model"])\n');
    // a name the function uses (resume() calls torch.load): the rewrite is named after its receiver instead, even once the project's evidence is settled
    const shadowing = await jsonPlan(['--target-name', 'torch', dir]);
    const train = shadowing.files.find((f) => f.path === 'scripts/train.py')?.sites[0];
    expect(train).toMatchObject({ kind: 'module', proposed: true, replacement: 'model_torch = KeyMapper.from_torch(ckpt["model"])', target: 'model_torch' });
    expect(train?.targetWhy).toBe('`torch` is already used in `resume`: named after the receiver');
  });

  it('--mapper reference injects a different KeyMapper than the default flax one', async () => {
    const dir = await zoo();
    const flax = await jsonPlan([dir]);
    const explicit = await jsonPlan(['--mapper', 'flax', dir]);
    const reference = await jsonPlan(['--mapper', 'reference', dir]);
    const text = (p: JsonPlan) => p.files.find((f) => f.path === 'scripts/train.py')?.preamble?.text ?? '';
    expect(text(flax)).toBe(text(explicit));
    expect(text(flax)).toContain('class KeyMapper:');
    expect(text(reference)).toContain('class KeyMapper:');
    expect(text(reference)).not.toBe(text(flax));
    expect(text(flax)).toContain('def from_torch(cls, state, target=None, hints=None):');
    expect(text(reference)).not.toContain('target=None, hints=None');

    // the written reference flavour parses too
    const r = await runCli(['--yes', '--mapper', 'reference', dir]);
    expect(r.code).toBe(0);
    for (const path of ZOO_CHANGED) expect(await pythonParseError(join(dir, path))).toBe('');
    const train = await readFile(join(dir, 'scripts/train.py'), 'utf8');
    expect(train).toContain(text(reference));

    const bad = await runCli(['--mapper', 'haiku', dir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('switcheroo-migrate: --mapper takes flax, nnx or reference (got "haiku") (see --help)\n');
  });
});

describe('usage errors exit 2 with one line on stderr', () => {
  const oneLine = (r: { code: number | undefined; stdout: string; stderr: string }) => {
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^switcheroo-migrate: [^\n]+\n$/);
    expect(r.stderr).not.toMatch(/\bat .+:\d+:\d+/); // no stack frame
  };

  it('a path that does not exist, with and without a mode flag', async () => {
    const dir = await tempDir();
    const missing = join(dir, 'no-such-project');
    for (const args of [[missing], ['--dry-run', missing], ['--json', missing], ['--yes', missing]]) {
      const r = await runCli(args);
      oneLine(r);
      expect(r.stderr).toBe(`switcheroo-migrate: ${missing}: no such file or directory\n`);
    }
  });

  it('a path that is a file not ending in .py', async () => {
    const dir = await project({ 'notes.txt': SITE, 'setup.cfg': '[metadata]\n' });
    for (const name of ['notes.txt', 'setup.cfg']) {
      const r = await runCli(['--check', name], { cwd: dir });
      oneLine(r);
      expect(r.stderr).toBe(`switcheroo-migrate: ${name}: not a Python file (expected a directory, a .py file or a .ipynb notebook)\n`);
    }
  });

  it('an unknown option', async () => {
    const r = await runCli(['--frobnicate', '.']);
    oneLine(r);
    expect(r.stderr).toBe("switcheroo-migrate: Unknown option '--frobnicate' (see --help)\n");
  });

  it('two mode flags, and two paths to --undo', async () => {
    const dir = await zoo();
    const before = await readTree(dir);
    for (const [args, message] of [
      [['--yes', '--check', dir], 'choose one of --yes, --check'],
      [['--dry-run', '--json', dir], 'choose one of --dry-run, --json'],
      [['-n', '-y', dir], 'choose one of --dry-run, --yes'],
    ] as const) {
      const r = await runCli([...args]);
      oneLine(r);
      expect(r.stderr).toBe(`switcheroo-migrate: ${message} (see --help)\n`);
    }
    const undo = await runCli(['--undo', dir, dir]);
    oneLine(undo);
    expect(undo.stderr).toBe('switcheroo-migrate: --undo takes one path (the root whose runs to undo) (see --help)\n');
    oneLine(await runCli(['--dry-run', '--max-file-size', 'lots', dir]));
    expect(await readTree(dir)).toEqual(before);
  });
});

describe('discovery', () => {
  it('in a git work tree: tracked and untracked files, not ignored ones', async () => {
    const dir = await project({
      'src/model.py': SITE,
      'build/generated.py': SITE, // tracked, so scanned even though a walk would skip build/
      '.gitignore': 'ignored.py\nlogs/\n',
    });
    await git(dir, 'init', '-q');
    await git(dir, 'add', '-A');
    await git(dir, 'commit', '-q', '-m', 'init');
    await writeTree(dir, { 'untracked.py': SITE, 'ignored.py': SITE, 'logs/run.py': SITE, 'pkg/new.py': SITE });

    const plan = await jsonPlan([dir]);
    expect(plan.files.map((f) => f.path)).toEqual(['build/generated.py', 'pkg/new.py', 'src/model.py', 'untracked.py']);
    expect(plan.stats.filesScanned).toBe(4);
    expect(plan.skipped).toEqual([]);

    // a subdirectory of the work tree as the root: paths are relative to it
    const sub = await jsonPlan([join(dir, 'src')]);
    expect(sub.root).toBe(join(dir, 'src'));
    expect(sub.files.map((f) => f.path)).toEqual(['model.py']);
  });

  it('a directory git ignores, named as the path, is walked rather than coming up empty', async () => {
    const dir = await project({ '.gitignore': 'experiments/\n', 'src/model.py': SITE, 'experiments/run.py': SITE, 'experiments/deep/x.py': SITE });
    await git(dir, 'init', '-q');
    await git(dir, 'add', '-A');
    await git(dir, 'commit', '-q', '-m', 'init');
    expect((await jsonPlan([dir])).files.map((f) => f.path)).toEqual(['src/model.py']);
    const ignored = await jsonPlan([join(dir, 'experiments')]);
    expect(ignored.files.map((f) => f.path)).toEqual(['deep/x.py', 'run.py']);
    const check = await runCli(['--check', 'experiments'], { cwd: dir });
    expect(check.code).toBe(1);
  });

  it('outside git: a walk that skips .git, node_modules, __pycache__, virtualenvs, site-packages, build, dist and hidden dirs', async () => {
    const outside = await project({ 'elsewhere.py': SITE });
    const dir = await project({
      'app.py': SITE,
      'pkg/__init__.py': '',
      'pkg/model.py': SITE,
      'pkg/deep/er/net.py': SITE,
      'dotted.name/ok.py': SITE,
      '.git/hooks/x.py': SITE,
      'node_modules/pkg/x.py': SITE,
      'pkg/__pycache__/x.py': SITE,
      'env/pyvenv.cfg': 'home = /usr/bin\n', // a virtualenv with an unusual name
      'env/lib/x.py': SITE,
      'lib/python3.12/site-packages/torch/x.py': SITE,
      'build/x.py': SITE,
      'pkg/dist/x.py': SITE,
      '.hidden/x.py': SITE,
      '.tox/py312/x.py': SITE,
      'notes.txt': SITE,
      'model.pyc': SITE,
    });
    await symlink(outside, join(dir, 'linked-dir'));
    const plan = await jsonPlan([dir]);
    expect(plan.files.map((f) => f.path)).toEqual(['app.py', 'dotted.name/ok.py', 'pkg/deep/er/net.py', 'pkg/model.py']);
    expect(plan.stats).toMatchObject({ filesScanned: 5, candidates: 4, sites: 4 });
    expect(plan.skipped).toEqual([]);
  });

  it('reports binary, non-UTF-8 and oversized files as skipped, with a reason, and exits 0', async () => {
    // 10 MB: one site and one long comment line (many short lines would mostly time the grammar's scanner)
    const big = Buffer.from(`${SITE}# ${'x'.repeat(10 * 1024 * 1024)}\n`);
    const dir = await project({
      'good.py': SITE,
      'binary.py': Buffer.from('model.load_state_dict(sd)\n\u0000\u0001\u0002\n', 'latin1'),
      'latin1.py': Buffer.from('# café\nmodel.load_state_dict(sd)\n', 'latin1'),
      'big.py': big,
      'empty.py': '',
    });
    const plan = await jsonPlan([dir]);
    expect(plan.files.map((f) => f.path)).toEqual(['good.py']);
    expect(plan.skipped).toEqual([
      { path: 'big.py', reason: `larger than the size limit (${big.length} > 5242880 bytes; see --max-file-size)` },
      { path: 'binary.py', reason: 'binary file (contains a NUL byte)' },
      { path: 'latin1.py', reason: 'not valid UTF-8' },
    ]);

    const r = await runCli(['--dry-run', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`skipped big.py: larger than the size limit (${big.length} > 5242880 bytes; see --max-file-size)\n`);
    expect(r.stdout).toContain('skipped binary.py: binary file (contains a NUL byte)\n');
    expect(r.stdout).toContain('skipped latin1.py: not valid UTF-8\n');
    expect(lastLine(r.stderr)).toMatch(/ · 1 proposed · 3 skipped · \d+ ms$/);

    const check = await runCli(['--check', dir]);
    expect(check.code).toBe(1); // good.py; the skipped files do not change the verdict

    // a larger limit lets the big file in
    const roomy = await jsonPlan(['--max-file-size', '20m', dir]);
    expect(roomy.files.map((f) => f.path)).toEqual(['big.py', 'good.py']);
    expect(roomy.skipped.map((s) => s.path)).toEqual(['binary.py', 'latin1.py']);

    const yes = await runCli(['--yes', dir]);
    expect(yes.code).toBe(0);
    expect(yes.stdout).toBe('written  good.py\n');
    expect((await readFile(join(dir, 'big.py'))).equals(big)).toBe(true);
  }, 60_000);
});

describe('a reader that goes away', () => {
  // (`switcheroo-migrate --json . | head` printed Node's stack trace for EPIPE, in every mode)
  it('ends the run quietly, with its own exit code, when stdout is closed before it prints (| head)', async () => {
    assertBuilt();
    const dir = await project(Object.fromEntries(Array.from({ length: 4 }, (_, k) => [`m${k}.py`, 'import torch\nmodel.load_state_dict(sd)\n'])));
    for (const [mode, code] of [['--json', 0], ['--dry-run', 0], ['--check', 1], ['--json-schema', 0]] as const) {
      // `true` reads nothing and is gone long before node has started
      const r = await execa('bash', ['-c', 'node "$1" "$2" "$3" 2>"$3/stderr.txt" | true; echo "${PIPESTATUS[0]}"', 'sh', join(REPO, 'dist', 'bin.cjs'), mode, dir], { reject: false });
      const stderr = await readFile(join(dir, 'stderr.txt'), 'utf8');
      expect(stderr, mode).not.toMatch(/EPIPE|Error|error/);
      expect(r.stdout.trim(), mode).toBe(String(code));
    }
  }, 60_000);
});
