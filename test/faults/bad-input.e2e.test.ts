/**
 * Issue 5, "Bad input", through the built bin: each case gives its one-line reason and exit code,
 * never a stack trace, and leaves the bytes on disk as they were unless the case writes.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, readFile, stat, symlink, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CLI, assertBuilt, cleanup, project, pythonParseError, readTree, runCli } from '../helpers/project.js';
import { asksForJson, assertPlan } from '../helpers/plan-schema.js';

const SITE = 'model.load_state_dict(sd)\n';
const LIMIT = 5 * 1024 * 1024;
const SUMMARY = /^\d+ files? scanned · \d+ with load_state_dict · \d+ sites? · \d+ proposed( · \d+ written · \d+ refused · \d+ errors?)?( · \d+ skipped)? · \d+ ms$/;

type Run = { code: number | undefined; stdout: string; stderr: string };

/** No stack frame, and stderr holds only `switcheroo-migrate:` sentences, the mapper line and the summary line. */
function noTrace(r: Run): void {
  expect(r.stderr).not.toMatch(/^ {4}at /m);
  for (const line of r.stderr.split('\n').filter(Boolean)) expect(line).toMatch(/^switcheroo-migrate: [^\n]+$|^mapper (?:flax|nnx|reference): [^\n]+$|^\d+ files? scanned · /);
}

/** A usage error: exit 2, nothing on stdout, exactly one line on stderr. */
function usageError(r: Run, message: string): void {
  noTrace(r);
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toBe(`switcheroo-migrate: ${message}\n`);
}

/** A file skipped with a reason: `--dry-run` on that one file prints the reason, exits 0, writes nothing. */
async function skippedAlone(dir: string, name: string, reason: string): Promise<void> {
  const before = await hashes(dir);
  for (const mode of ['--dry-run', '--check', '--yes']) {
    const r = await runCli([mode, name], { cwd: dir });
    noTrace(r);
    expect(r.code, mode).toBe(0);
    expect(r.stdout, mode).toBe(mode === '--dry-run' ? `skipped ${name}: ${reason}\n` : '');
    expect(r.stderr.trimEnd().split('\n').pop(), mode).toMatch(/ · 0 proposed( · 0 written · 0 refused · 0 errors)? · 1 skipped · \d+ ms$/);
  }
  expect(await hashes(dir)).toEqual(before);
}

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Every file's path and hash (not its bytes: a failed comparison of a 50 MB buffer is huge). */
async function hashes(dir: string): Promise<Map<string, string>> {
  return new Map([...(await readTree(dir))].map(([path, bytes]) => [path, sha(bytes)]));
}

vi.setConfig({ testTimeout: 60_000 });
beforeAll(() => assertBuilt());
afterAll(cleanup);

describe('bad file contents', () => {
  it('invalid UTF-8 in a file holding load_state_dict: skipped, "not valid UTF-8"', async () => {
    const dir = await project({ 'bad.py': Buffer.concat([Buffer.from('# caf'), Buffer.from([0xe9, 0x0a]), Buffer.from(SITE)]) });
    await skippedAlone(dir, 'bad.py', 'not valid UTF-8');
  });

  it('a carriage return without a line feed (Python breaks the line there, the parser does not): skipped, with its line, in a .py file or a notebook; CRLF is planned', async () => {
    const reason = (place: string) => `a carriage return without a line feed on ${place}: Python reads it as a line break, the parser does not (convert the line endings to LF or CRLF)`;
    const dir = await project({
      // old Mac line endings: the whole file is one line to tree-sitter
      'mac.py': 'import torch\r# a note\rmodel.load_state_dict(sd)\r',
      // a stray CR in a comment: to the parser the call is part of the comment, to Python it is code
      'stray.py': 'import torch\n# a note\rmodel.load_state_dict(sd)\n',
      'windows.py': 'import torch\r\nmodel.load_state_dict(sd)\r\n',
      // a notebook's cells are compiled from strings, with the same rule
      'cells.ipynb': JSON.stringify({
        cells: [
          { cell_type: 'code', metadata: {}, execution_count: null, outputs: [], source: ['import torch\n'] },
          { cell_type: 'code', metadata: {}, execution_count: null, outputs: [], source: ['x = 1\n', '# a note\rmodel.load_state_dict(sd)\n'] },
        ],
        metadata: {},
        nbformat: 4,
        nbformat_minor: 5,
      }),
    });
    await skippedAlone(dir, 'mac.py', reason('line 1'));
    await skippedAlone(dir, 'stray.py', reason('line 2'));
    await skippedAlone(dir, 'cells.ipynb', reason('cell 2, line 2'));
    const r = await runCli(['--json', 'windows.py'], { cwd: dir });
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan.skipped).toEqual([]);
    expect(plan.files[0].sites.map((s: { line: number; proposed: boolean }) => [s.line, s.proposed])).toEqual([[2, true]]);
  });

  it('a NUL byte: skipped as binary', async () => {
    const dir = await project({ 'nul.py': Buffer.from(`${SITE}x = 1\u0000\n`, 'utf8') });
    await skippedAlone(dir, 'nul.py', 'binary file (contains a NUL byte)');
  });

  it('a 0-byte file and a file holding only a BOM: read, nothing to propose, exit 0, left as they are', async () => {
    const dir = await project({ 'empty.py': '', 'bom.py': Buffer.from([0xef, 0xbb, 0xbf]) });
    const before = await hashes(dir);
    for (const name of ['empty.py', 'bom.py']) {
      for (const mode of ['--dry-run', '--check', '--yes']) {
        const r = await runCli([mode, name], { cwd: dir });
        noTrace(r);
        expect(r.code).toBe(0);
        expect(r.stdout).toBe('');
        // --dry-run and --yes say the mapper above the summary; --check does not
        expect(r.stderr).toMatch(/^(mapper flax: no file of the project imports flax\.nnx\n)?1 file scanned · 0 with load_state_dict · 0 sites · 0 proposed( · 0 written · 0 refused · 0 errors)? · \d+ ms\n$/);
      }
      const json = await runCli(['--json', name], { cwd: dir });
      expect(json.code).toBe(0);
      expect(JSON.parse(json.stdout)).toMatchObject({ files: [], skipped: [], stats: { filesScanned: 1, candidates: 0, sites: 0 } });
    }
    expect(await hashes(dir)).toEqual(before);
    expect((await readFile(join(dir, 'bom.py'))).length).toBe(3);
  });

  it('a 50 MB file: skipped by the default 5 MiB limit, the reason naming --max-file-size', async () => {
    const dir = await project({ 'huge.py': SITE });
    await truncate(join(dir, 'huge.py'), 50 * 1024 * 1024); // sparse: quick to make, never read
    const hash = sha(await readFile(join(dir, 'huge.py')));
    const reason = `larger than the size limit (${50 * 1024 * 1024} > ${LIMIT} bytes; see --max-file-size)`;
    await skippedAlone(dir, 'huge.py', reason);
    const json = await runCli(['--json', '.'], { cwd: dir });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ files: [], skipped: [{ path: 'huge.py', reason }], stats: { filesScanned: 0 } });
    expect((await stat(join(dir, 'huge.py'))).size).toBe(50 * 1024 * 1024);
    expect(sha(await readFile(join(dir, 'huge.py')))).toBe(hash);
  });
});

describe('mixed CRLF/LF line endings', () => {
  // The edits (preamble and statement rewrites) use the first line ending in the file; every other
  // byte, including each line's own ending, is kept.
  const cases = [
    { first: 'CRLF', eol: '\r\n', input: 'import torch\r\n\r\ndef load(model, sd):\n    model.load_state_dict(sd)\r\n    return model\n' },
    { first: 'LF', eol: '\n', input: 'import torch\n\r\ndef load(model, sd):\r\n    model.load_state_dict(sd)\n    return model\r\n' },
  ];
  for (const { first, eol, input } of cases) {
    it(`first ending ${first}: rewritten, parses, edits use ${first}, the other lines keep their own`, async () => {
      const dir = await project({ 'mixed.py': input });
      const plan = JSON.parse((await runCli(['--json', 'mixed.py'], { cwd: dir })).stdout) as { files: { preamble: { line: number; endLine: number; text: string } }[] };
      const preamble = plan.files[0]!.preamble; // its text already in the edits' line ending

      const r = await runCli(['--yes', 'mixed.py'], { cwd: dir });
      noTrace(r);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('written  mixed.py\n');
      const out = (await readFile(join(dir, 'mixed.py'))).toString('utf8');
      // the preamble's edit replaces lines line..endLine-1 (import torch, with its own imports around it)
      const lines = input.split(/(?<=\n)/);
      const head = lines.slice(0, preamble.line - 1).join('');
      const body = lines.slice(preamble.endLine - 1).join('');
      expect(out).toBe(`${head}${preamble.text}${body.replace('model.load_state_dict(sd)', 'variables = KeyMapper.from_torch(sd)')}`);
      expect(preamble.text).toContain(lines[0]); // `import torch` with its own line ending
      expect(preamble.text.replaceAll(eol, '')).not.toMatch(/[\r\n]/);
      expect(await pythonParseError(join(dir, 'mixed.py'))).toBe('');
      expect((await runCli(['--check', 'mixed.py'], { cwd: dir })).code).toBe(0); // nothing left to propose
    });
  }
});

describe('special files named .py inside a project', () => {
  it('a FIFO and a directory named like Python files are passed over (the scan never waits on the FIFO); a symlinked file is planned once', async () => {
    const dir = await project({ 'ok.py': SITE, 'dir.py/inner.py': SITE });
    await execa('mkfifo', [join(dir, 'pipe.py')]);
    await symlink('ok.py', join(dir, 'link.py'));
    const r = await runCli(['--json', '.'], { cwd: dir, timeout: 20_000 });
    noTrace(r);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout) as { files: Array<{ path: string }>; skipped: unknown[] };
    expect(plan.files.map((f) => f.path)).toEqual(['dir.py/inner.py', 'ok.py']);
    expect(plan.skipped).toEqual([]);
  });
});

describe('bad path arguments exit 2 with one line', () => {
  it('a path that does not exist: a missing .py file, a dangling symlink, a symlink loop', async () => {
    const dir = await project({ 'ok.py': SITE });
    await symlink('nowhere.py', join(dir, 'dangling.py'));
    await symlink('loop-b.py', join(dir, 'loop-a.py'));
    await symlink('loop-a.py', join(dir, 'loop-b.py'));
    const before = await hashes(dir);
    for (const mode of [[], ['--dry-run'], ['--yes'], ['--json']]) {
      usageError(await runCli([...mode, 'missing.py'], { cwd: dir }), 'missing.py: no such file or directory');
      usageError(await runCli([...mode, 'sub/missing'], { cwd: dir }), 'sub/missing: no such file or directory');
      usageError(await runCli([...mode, 'dangling.py'], { cwd: dir }), 'dangling.py: no such file or directory');
      usageError(await runCli([...mode, 'loop-a.py'], { cwd: dir }), 'loop-a.py: symlink loop');
    }
    expect(await hashes(dir)).toEqual(before);
  });

  it('a file not ending in .py, even one holding Python', async () => {
    const dir = await project({ 'train': `#!/usr/bin/env python3\n${SITE}`, 'model.py.bak': SITE });
    const before = await hashes(dir);
    for (const name of ['train', 'model.py.bak']) {
      for (const mode of [[], ['--yes'], ['--json']]) {
        usageError(await runCli([...mode, name], { cwd: dir }), `${name}: not a Python file (expected a directory, a .py file or a .ipynb notebook)`);
      }
    }
    expect(await hashes(dir)).toEqual(before);
  });
});

/** setpriv runs the bin as nobody: root reads a chmod 000 directory anyway, so the case needs another user. */
const asRoot = process.getuid?.() === 0;
const setpriv = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));
const unreadableSkip = asRoot && !setpriv ? 'running as root without setpriv: a chmod 000 directory stays readable' : '';

async function runUnprivileged(args: string[], cwd: string): Promise<Run> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== 'FORCE_COLOR' && k !== 'NO_COLOR' && !k.startsWith('GIT_')) env[k] = v;
  env.XDG_CACHE_HOME = join(cwd, '.cache'); // nothing is written in these runs; never the user's cache
  const [cmd, pre] = asRoot ? [setpriv!, ['--reuid=65534', '--regid=65534', '--clear-groups', 'node']] : ['node', []];
  const r = await execa(cmd, [...pre, CLI, ...args], { cwd, env, extendEnv: false, reject: false, stdin: 'ignore', stripFinalNewline: false, timeout: 60_000 });
  const run = { code: r.exitCode, stdout: String(r.stdout), stderr: String(r.stderr) };
  if (run.code === 0 && asksForJson(args)) assertPlan(run.stdout, `switcheroo-migrate ${args.join(' ')}`);
  return run;
}

describe('a directory without permission to read', () => {
  it.skipIf(Boolean(unreadableSkip))(`is skipped with a reason inside the root, and is a usage error as the root ${unreadableSkip}`, async () => {
    const dir = await project({ 'ok.py': SITE, 'locked/x.py': SITE });
    await chmod(dir, 0o755); // mkdtemp makes it 0700: the unprivileged user must be able to reach it
    await chmod(join(dir, 'locked'), 0o000);
    try {
      const json = await runUnprivileged(['--json', '.'], dir);
      noTrace(json);
      expect(json.code).toBe(0);
      expect(json.stderr).toBe('');
      const plan = JSON.parse(json.stdout) as { files: { path: string }[]; skipped: unknown[] };
      expect(plan.files.map((f) => f.path)).toEqual(['ok.py']);
      expect(plan.skipped).toEqual([{ path: 'locked', reason: 'directory cannot be read' }]);

      const dry = await runUnprivileged(['--dry-run', '.'], dir);
      noTrace(dry);
      expect(dry.code).toBe(0);
      expect(dry.stdout).toContain('skipped locked: directory cannot be read\n');

      usageError(await runUnprivileged(['--dry-run', 'locked'], dir), `cannot read the directory ${join(dir, 'locked')}`);
      usageError(await runUnprivileged(['locked/x.py'], dir), 'locked/x.py: permission denied');
    } finally {
      await chmod(join(dir, 'locked'), 0o755);
    }
    expect((await readTree(dir)).get('locked/x.py')?.toString()).toBe(SITE);
  });
});

describe('a symlink loop among directories', () => {
  it('discovery terminates and finds each file once', async () => {
    const dir = await project({ 'a/b/net.py': SITE, 'top.py': SITE });
    await symlink('..', join(dir, 'a/b/up')); // a/b/up -> a
    await symlink('../..', join(dir, 'a/b/root')); // a/b/root -> the root
    await symlink('../a', join(dir, 'a/self')); // a/self -> a
    const json = await runCli(['--json', '.'], { cwd: dir });
    noTrace(json);
    expect(json.code).toBe(0);
    const plan = JSON.parse(json.stdout) as { files: { path: string }[]; skipped: unknown[]; stats: { filesScanned: number } };
    expect(plan.files.map((f) => f.path)).toEqual(['a/b/net.py', 'top.py']);
    expect(plan.skipped).toEqual([]);
    expect(plan.stats.filesScanned).toBe(2);
  });
});

describe('all of it in one project', () => {
  it('--dry-run, --json and --check exit as designed and write nothing; --yes writes only the good files', async () => {
    const dir = await project({
      'good.py': SITE,
      'mixed.py': `import torch\r\n${SITE}`,
      'bad.py': Buffer.from([0x23, 0xff, 0x0a, ...Buffer.from(SITE)]),
      'nul.py': `${SITE}\u0000`,
      'empty.py': '',
      'bom.py': Buffer.from([0xef, 0xbb, 0xbf]),
      'huge.py': SITE,
      'loops/a/x.py': SITE,
      'notes.txt': SITE,
    });
    await truncate(join(dir, 'huge.py'), 50 * 1024 * 1024);
    await symlink('..', join(dir, 'loops/a/up'));
    await symlink('y.py', join(dir, 'loops/x-loop.py'));
    await symlink('x-loop.py', join(dir, 'loops/y.py'));
    const skipped = [
      { path: 'bad.py', reason: 'not valid UTF-8' },
      { path: 'huge.py', reason: `larger than the size limit (${50 * 1024 * 1024} > ${LIMIT} bytes; see --max-file-size)` },
      { path: 'loops/x-loop.py', reason: 'symlink loop' },
      { path: 'loops/y.py', reason: 'symlink loop' },
      { path: 'nul.py', reason: 'binary file (contains a NUL byte)' },
    ];
    const before = await hashes(dir);

    const json = await runCli(['--json', '.'], { cwd: dir });
    noTrace(json);
    expect(json.code).toBe(0);
    expect(json.stderr).toBe('');
    const plan = JSON.parse(json.stdout) as { files: { path: string }[]; skipped: unknown[]; stats: Record<string, number> };
    expect(plan.files.map((f) => f.path)).toEqual(['good.py', 'loops/a/x.py', 'mixed.py']);
    expect(plan.skipped).toEqual(skipped);
    expect(plan.stats).toMatchObject({ filesScanned: 7, candidates: 3, sites: 3, proposed: 3 });

    const dry = await runCli(['--dry-run', '.'], { cwd: dir });
    noTrace(dry);
    expect(dry.code).toBe(0);
    expect(dry.stdout.endsWith(skipped.map((s) => `skipped ${s.path}: ${s.reason}\n`).join(''))).toBe(true);
    expect(dry.stderr.trimEnd().split('\n').at(-1)).toMatch(SUMMARY);
    expect(dry.stderr).toMatch(/ · 3 proposed · 5 skipped · \d+ ms\n$/);

    const check = await runCli(['--check', '.'], { cwd: dir });
    noTrace(check);
    expect(check.code).toBe(1);
    expect(await hashes(dir)).toEqual(before);

    const yes = await runCli(['--yes', '.'], { cwd: dir });
    noTrace(yes);
    expect(yes.code).toBe(0);
    expect(yes.stdout).toBe('written  good.py\nwritten  loops/a/x.py\nwritten  mixed.py\n');
    expect(yes.stderr).toMatch(/ · 3 written · 0 refused · 0 errors · 5 skipped · \d+ ms\n$/);
    const after = await hashes(dir);
    for (const [path, hash] of before) expect(after.get(path) === hash, path).toBe(!['good.py', 'loops/a/x.py', 'mixed.py'].includes(path));
    for (const path of ['good.py', 'loops/a/x.py', 'mixed.py']) expect(await pythonParseError(join(dir, path))).toBe('');
    expect((await runCli(['--check', '.'], { cwd: dir })).code).toBe(0);
  });
});
