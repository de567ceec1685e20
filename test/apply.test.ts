/** applyPlans: the unchanged-since-scan check, atomic writes, modes, bytes kept around the edits, symlinks. */
import * as nodeFs from 'node:fs/promises';
import { chmod, chown, lstat, readFile, readdir, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { applyPlans, type WriteFs } from '../src/core/apply.js';
import { acceptProposed } from '../src/core/plan.js';
import { DEFAULT_SCAN_OPTIONS, scanProject } from '../src/core/scan.js';
import type { Decision, FilePlan, ScanResult, WriteResult } from '../src/core/types.js';
import { cleanup, project, pythonParseError, readTree, tempDir } from './helpers/project.js';

vi.setConfig({ testTimeout: 30_000 });
afterAll(cleanup);

const SITE = 'model.load_state_dict(sd)\n';
const REWRITTEN = 'variables = KeyMapper.from_torch(sd)';
const THREE = { 'a.py': `import torch\n\n${SITE}`, 'b.py': `import torch\n\n${SITE}`, 'c.py': `import torch\n\n${SITE}` };

async function scan(dir: string): Promise<ScanResult> {
  return scanProject(dir, DEFAULT_SCAN_OPTIONS);
}

async function applyAll(result: ScanResult, fs?: WriteFs): Promise<{ results: WriteResult[]; reported: WriteResult[] }> {
  const reported: WriteResult[] = [];
  const results = await applyPlans(result.files, acceptProposed(result.files), { root: result.root, fs }, (r) => reported.push(r));
  return { results, reported };
}

async function tempFiles(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).filter((f) => String(f).endsWith('.switcheroo-tmp')).map(String);
}

/** The expected new text of a THREE-style file: its preamble, then the rewritten call. */
function written(result: ScanResult, path: string): string {
  const plan = result.files.find((f) => f.path === path);
  if (!plan?.preamble) throw new Error(`no preamble planned for ${path}`);
  const text = plan.text.replace('model.load_state_dict(sd)', REWRITTEN);
  return text.slice(0, plan.preamble.edit.start) + plan.preamble.text + text.slice(plan.preamble.edit.end);
}

/** A written file with its preamble edit undone (the edit may span the file's own import lines). */
function withoutPreamble(written: string, plan: FilePlan | undefined): string {
  const edit = plan?.preamble?.edit;
  if (!edit) throw new Error(`no preamble planned for ${plan?.path}`);
  expect(written.split(edit.text)).toHaveLength(2);
  return written.replace(edit.text, plan.text.slice(edit.start, edit.end).replace(/\r?\n/g, plan.eol));
}

describe('a file changed on disk between scan and write', () => {
  it.each([
    ['same size, different bytes', (s: string) => s.replace('(sd)', '(xy)')],
    ['a different size', (s: string) => `${s}print("resumed")\n`],
    ['only its mode touched is still written', null],
  ] as const)('%s', async (_name, change) => {
    const dir = await project(THREE);
    const result = await scan(dir);
    expect(result.files.map((f) => f.path)).toEqual(['a.py', 'b.py', 'c.py']);
    const changed = change ? change(THREE['b.py']) : THREE['b.py'];
    if (change) {
      expect(changed).not.toBe(THREE['b.py']);
      if (_name.startsWith('same size')) expect(Buffer.byteLength(changed)).toBe(Buffer.byteLength(THREE['b.py']));
      await writeFile(join(dir, 'b.py'), changed);
    } else {
      await chmod(join(dir, 'b.py'), 0o600);
    }

    const { results, reported } = await applyAll(result);
    expect(reported).toEqual(results);
    if (change) {
      expect(results).toEqual([
        { path: 'a.py', status: 'written', reason: '' },
        { path: 'b.py', status: 'refused', reason: 'changed on disk since the scan' },
        { path: 'c.py', status: 'written', reason: '' },
      ]);
      expect(await readFile(join(dir, 'b.py'), 'utf8')).toBe(changed);
    } else {
      expect(results.map((r) => r.status)).toEqual(['written', 'written', 'written']);
      expect((await stat(join(dir, 'b.py'))).mode & 0o7777).toBe(0o600);
    }
    expect(await readFile(join(dir, 'a.py'), 'utf8')).toBe(written(result, 'a.py'));
    expect(await readFile(join(dir, 'c.py'), 'utf8')).toBe(written(result, 'c.py'));
    expect(await tempFiles(dir)).toEqual([]);
    for (const f of ['a.py', 'b.py', 'c.py']) expect(await pythonParseError(join(dir, f))).toBe('');
  });

  it.each([false, true])('a file deleted since the scan is refused, not recreated, and the others are written (undo journal: %s)', async (journal) => {
    const dir = await project(THREE);
    const result = await scan(dir);
    await rm(join(dir, 'b.py'));
    const journalEnv = journal ? { XDG_CACHE_HOME: await tempDir('switcheroo-cache-') } : undefined;
    const results = await applyPlans(result.files, acceptProposed(result.files), { root: result.root, journalEnv });
    expect(results).toEqual([
      { path: 'a.py', status: 'written', reason: '' },
      { path: 'b.py', status: 'refused', reason: 'the file was deleted since the scan' },
      { path: 'c.py', status: 'written', reason: '' },
    ]);
    expect([...(await readTree(dir)).keys()]).toEqual(['a.py', 'c.py']);
  });

  it('a file changed between its check and its rename is refused: the check is made again just before the rename', async () => {
    const dir = await project(THREE);
    const result = await scan(dir);
    const fs: WriteFs = {
      readFile: (p) => nodeFs.readFile(p),
      stat: (p) => nodeFs.stat(p),
      chmod: (p, m) => nodeFs.chmod(p, m),
      rename: (from, to) => nodeFs.rename(from, to),
      rm: (p, o) => nodeFs.rm(p, o),
      async writeFile(p, data, options) {
        await nodeFs.writeFile(p, data, options);
        // Another program saves b.py while its new version is being staged.
        if (p.includes('.b.py.')) await writeFile(join(dir, 'b.py'), '# saved meanwhile\n');
      },
    };
    const { results } = await applyAll(result, fs);
    expect(results.map((r) => [r.path, r.status, r.reason])).toEqual([
      ['a.py', 'written', ''],
      ['b.py', 'refused', 'changed on disk since the scan'],
      ['c.py', 'written', ''],
    ]);
    expect(await readFile(join(dir, 'b.py'), 'utf8')).toBe('# saved meanwhile\n');
    expect(await tempFiles(dir)).toEqual([]);
  });
});

describe('modes and read-only files', () => {
  it('a read-only file (0444) is reported, left untouched, and the others are written', async () => {
    const dir = await project(THREE);
    await chmod(join(dir, 'b.py'), 0o444);
    const result = await scan(dir);
    const { results } = await applyAll(result);
    expect(results).toEqual([
      { path: 'a.py', status: 'written', reason: '' },
      { path: 'b.py', status: 'error', reason: 'the file is read-only' },
      { path: 'c.py', status: 'written', reason: '' },
    ]);
    expect(await readFile(join(dir, 'b.py'), 'utf8')).toBe(THREE['b.py']);
    expect((await stat(join(dir, 'b.py'))).mode & 0o7777).toBe(0o444);
    expect(await tempFiles(dir)).toEqual([]);
  });

  it.each([0o755, 0o640, 0o600, 0o775])('keeps mode %o', async (mode) => {
    const dir = await project({ 'train.py': `#!/usr/bin/env python3\nimport torch\n\n${SITE}` });
    await chmod(join(dir, 'train.py'), mode);
    const before = await stat(join(dir, 'train.py'));
    const result = await scan(dir);
    const { results } = await applyAll(result);
    expect(results).toEqual([{ path: 'train.py', status: 'written', reason: '' }]);
    const after = await stat(join(dir, 'train.py'));
    expect(after.mode & 0o7777).toBe(mode);
    expect(after.ino).not.toBe(before.ino); // replaced by rename, not rewritten in place
    expect(await readFile(join(dir, 'train.py'), 'utf8')).toContain(`\n${REWRITTEN}\n`);
  });

  it('keeps the owner and group of a file written by root', async () => {
    if (process.getuid?.() !== 0) return; // only root can hand a file to another owner
    const dir = await project({ 'theirs.py': `import torch\n\n${SITE}` });
    await chown(join(dir, 'theirs.py'), 1234, 2345);
    await chmod(join(dir, 'theirs.py'), 0o4750); // chown after chmod would clear the setuid bit
    const result = await scan(dir);
    const { results } = await applyAll(result);
    expect(results).toEqual([{ path: 'theirs.py', status: 'written', reason: '' }]);
    const after = await stat(join(dir, 'theirs.py'));
    expect([after.uid, after.gid, after.mode & 0o7777]).toEqual([1234, 2345, 0o4750]);
  });
});

describe('bytes around the edits are kept', () => {
  it('CRLF, a BOM and no final newline', async () => {
    const original = '\ufeff# -*- coding: utf-8 -*-\r\nimport torch\r\n\r\ndef load(model, sd):\r\n    model.load_state_dict(sd)  # done\r\n\r\nload(None, {})';
    const dir = await project({ 'crlf.py': Buffer.from(original, 'utf8') });
    const result = await scan(dir);
    const plan = result.files[0];
    expect(plan).toMatchObject({ path: 'crlf.py', bom: true, eol: '\r\n' });
    expect(plan?.preamble?.text).not.toMatch(/(?<!\r)\n/);
    const { results } = await applyAll(result);
    expect(results).toEqual([{ path: 'crlf.py', status: 'written', reason: '' }]);

    const out = await readFile(join(dir, 'crlf.py'));
    expect([...out.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = out.subarray(3).toString('utf8');
    expect(text).not.toMatch(/(?<!\r)\n/); // every line ending is still CRLF
    expect(text.endsWith('\r\nload(None, {})')).toBe(true);
    // take the preamble out again: what is left is the original with only the call replaced
    expect(withoutPreamble(text, plan)).toBe(original.slice(1).replace('model.load_state_dict(sd)', REWRITTEN));
    expect(text.startsWith('# -*- coding: utf-8 -*-\r\nimport re\r\nimport warnings\r\n\r\nimport jax.numpy as jnp\r\n')).toBe(true);
    expect(await pythonParseError(join(dir, 'crlf.py'), { bom: true })).toBe('');
  });

  it('a multi-line call in a CRLF file keeps CRLF inside the replacement', async () => {
    const original = 'import torch\r\n\r\nmodel.load_state_dict(\r\n    torch.load("w.pt"),  # weights\r\n    strict=False,\r\n)\r\n';
    const dir = await project({ 'multi.py': original });
    const result = await scan(dir);
    await applyAll(result);
    const text = await readFile(join(dir, 'multi.py'), 'utf8');
    expect(text).not.toMatch(/(?<!\r)\n/);
    expect(text).toContain('variables = KeyMapper.from_torch(\r\n    torch.load("w.pt"),  # weights\r\n');
    expect(await pythonParseError(join(dir, 'multi.py'))).toBe('');
  });

  it('LF, no BOM, tab indentation and non-ASCII text before the site', async () => {
    const original = 'import torch\n\n# 模型权重 🚀\nif True:\n\tx = "é"; model.load_state_dict(sd)\n';
    const dir = await project({ 'tabs.py': original });
    const result = await scan(dir);
    await applyAll(result);
    const out = await readFile(join(dir, 'tabs.py'));
    expect(out[0]).toBe(0x69); // no BOM added
    const text = out.toString('utf8');
    expect(withoutPreamble(text, result.files[0])).toBe(original.replace('model.load_state_dict(sd)', REWRITTEN));
  });

  it('edited and skipped decisions: only decided sites change, and nothing is written without one', async () => {
    const dir = await project({ 'two.py': `import torch\n\n${SITE}net.load_state_dict(sd2)\n`, 'none.py': `import torch\n\n${SITE}` });
    const result = await scan(dir);
    const [none, two] = result.files;
    const decisions = new Map<string, Decision>([
      [two?.sites[0]?.id ?? '', { type: 'skipped' }],
      [two?.sites[1]?.id ?? '', { type: 'edited', text: 'params = KeyMapper.from_torch(sd2)["params"]' }],
    ]);
    expect(none?.path).toBe('none.py');
    const results = await applyPlans(result.files, decisions, { root: result.root });
    expect(results).toEqual([{ path: 'two.py', status: 'written', reason: '' }]);
    const text = await readFile(join(dir, 'two.py'), 'utf8');
    expect(withoutPreamble(text, two)).toBe(`import torch\n\n${SITE}params = KeyMapper.from_torch(sd2)["params"]\n`);
    expect(await readFile(join(dir, 'none.py'), 'utf8')).toBe(`import torch\n\n${SITE}`);
  });
});

describe('failures while writing', () => {
  const enospc = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });

  /** The real file system, except that writing b.py's temporary file stops half-way with ENOSPC. */
  function fullDisk(calls: string[]): WriteFs {
    return {
      readFile: (p) => nodeFs.readFile(p),
      stat: (p) => nodeFs.stat(p),
      async writeFile(p, data, options) {
        calls.push(`writeFile ${p}`);
        if (p.includes('.b.py.')) {
          await nodeFs.writeFile(p, data.subarray(0, Math.floor(data.length / 2)), options);
          throw enospc();
        }
        await nodeFs.writeFile(p, data, options);
      },
      chmod: (p, m) => nodeFs.chmod(p, m),
      async rename(from, to) {
        calls.push(`rename ${from} -> ${to}`);
        await nodeFs.rename(from, to);
      },
      async rm(p, options) {
        calls.push(`rm ${p}`);
        await nodeFs.rm(p, options);
      },
    };
  }

  it('a write that fails mid-way (ENOSPC) leaves the original intact, no temp file, and the others written', async () => {
    const dir = await project(THREE);
    const result = await scan(dir);
    const calls: string[] = [];
    const { results } = await applyAll(result, fullDisk(calls));
    expect(results).toEqual([
      { path: 'a.py', status: 'written', reason: '' },
      { path: 'b.py', status: 'error', reason: 'no space left on the device' },
      { path: 'c.py', status: 'written', reason: '' },
    ]);
    expect(await readFile(join(dir, 'b.py'), 'utf8')).toBe(THREE['b.py']);
    expect(await tempFiles(dir)).toEqual([]);
    expect(await readFile(join(dir, 'a.py'), 'utf8')).toBe(written(result, 'a.py'));
    expect(await readFile(join(dir, 'c.py'), 'utf8')).toBe(written(result, 'c.py'));
    // the temporary file sat next to the original, and the failed one was removed
    const tmpB = calls.find((c) => c.startsWith('writeFile') && c.includes('.b.py.'))?.slice('writeFile '.length);
    expect(tmpB).toMatch(new RegExp(`^${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/\\.b\\.py\\.[0-9a-f]+\\.switcheroo-tmp$`));
    expect(calls).toContain(`rm ${tmpB}`);
    expect(calls.filter((c) => c.startsWith('rename'))).toHaveLength(2);
  });

  it('a failing rename leaves the original intact and no temp file', async () => {
    const dir = await project(THREE);
    const result = await scan(dir);
    const fs: WriteFs = {
      ...fullDisk([]),
      writeFile: (p, d, o) => nodeFs.writeFile(p, d, o),
      async rename(from, to) {
        if (to.endsWith('a.py')) throw Object.assign(new Error('EACCES: permission denied, rename'), { code: 'EACCES' });
        await nodeFs.rename(from, to);
      },
    };
    const { results } = await applyAll(result, fs);
    expect(results.map((r) => [r.path, r.status, r.reason])).toEqual([
      ['a.py', 'error', 'permission denied'],
      ['b.py', 'written', ''],
      ['c.py', 'written', ''],
    ]);
    expect(await readFile(join(dir, 'a.py'), 'utf8')).toBe(THREE['a.py']);
    expect(await tempFiles(dir)).toEqual([]);
  });

  it('stops between files when asked to', async () => {
    const dir = await project(THREE);
    const result = await scan(dir);
    let n = 0;
    const results = await applyPlans(result.files, acceptProposed(result.files), { root: result.root, stopped: () => n++ >= 1 });
    // Every file is accounted for: the ones not written say so.
    expect(results.map((r) => [r.path, r.status])).toEqual([['a.py', 'written'], ['b.py', 'not-written'], ['c.py', 'not-written']]);
    expect(results[1]?.reason).toBe('the run was interrupted before this file');
    expect(await readFile(join(dir, 'b.py'), 'utf8')).toBe(THREE['b.py']);
  });
});

describe('symlinks and the root', () => {
  it('a .py symlink to a file inside the root is planned once, at its real path, and written there', async () => {
    const dir = await project({ 'models/real.py': `import torch\n\n${SITE}`, '.shared/hidden.py': `import torch\n\n${SITE}` });
    await symlink('models/real.py', join(dir, 'alias.py'));
    await symlink(join(dir, 'models/real.py'), join(dir, 'models/zz_absolute.py'));
    await symlink('.shared/hidden.py', join(dir, 'via_link.py')); // the target is in a dir the walk skips
    const result = await scan(dir);
    expect(result.files.map((f) => [f.path, f.absPath])).toEqual([
      ['.shared/hidden.py', join(dir, '.shared/hidden.py')],
      ['models/real.py', join(dir, 'models/real.py')],
    ]);
    expect(result.skipped).toEqual([]);
    expect(result.stats.sites).toBe(2);

    const { results } = await applyAll(result);
    expect(results.map((r) => [r.path, r.status])).toEqual([
      ['.shared/hidden.py', 'written'],
      ['models/real.py', 'written'],
    ]);
    expect((await lstat(join(dir, 'alias.py'))).isSymbolicLink()).toBe(true);
    expect(await readlink(join(dir, 'alias.py'))).toBe('models/real.py');
    expect((await lstat(join(dir, 'via_link.py'))).isSymbolicLink()).toBe(true);
    expect(await readFile(join(dir, 'models/real.py'), 'utf8')).toBe(written(result, 'models/real.py'));
  });

  it('a .py symlink to a file outside the root is skipped with a reason, and that file is never written', async () => {
    const outside = await project({ 'lib.py': `import torch\n\n${SITE}` });
    const dir = await project({ 'own.py': `import torch\n\n${SITE}` });
    await symlink(join(outside, 'lib.py'), join(dir, 'lib.py'));
    const result = await scan(dir);
    expect(result.files.map((f) => f.path)).toEqual(['own.py']);
    expect(result.skipped).toEqual([{ path: 'lib.py', reason: 'symlink to a file outside the root' }]);
    await applyAll(result);
    expect(await readFile(join(outside, 'lib.py'), 'utf8')).toBe(`import torch\n\n${SITE}`);
  });

  it('refuses a plan whose file lies outside the root it is given', async () => {
    const outside = await project({ 'lib.py': `import torch\n\n${SITE}` });
    const dir = await project({});
    const result = await scan(outside);
    const results = await applyPlans(result.files, acceptProposed(result.files), { root: dir });
    expect(results).toEqual([{ path: 'lib.py', status: 'refused', reason: 'the file lies outside the root' }]);
    expect(await readFile(join(outside, 'lib.py'), 'utf8')).toBe(`import torch\n\n${SITE}`);
  });
});
