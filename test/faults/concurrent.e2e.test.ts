/**
 * Issue 14, item 2: two runs on one root. A run that writes holds a lock keyed by the root; a second
 * run waits for it (bounded, with a message) and then scans what the first one left, so no run ever
 * reports `written` over bytes it did not check. A lock left by a crashed run is taken over.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { tryLockRoot } from '../../src/core/lock.js';

const CLI = join(import.meta.dirname, '..', '..', 'dist', 'cli.js');
const FILES = 30;
const TRIALS = 20;

function makeProject(): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'switcheroo-two-runs-')));
  const filler = Array.from({ length: 100 }, (_, i) => `def helper_${i}(x):\n    return x * ${i}\n`).join('\n');
  for (let i = 0; i < FILES; i++) {
    writeFileSync(join(dir, `m${String(i).padStart(2, '0')}.py`), `import torch\n\n\n${filler}\n\ndef load(model, sd):\n    model.load_state_dict(sd)\n`);
  }
  return dir;
}

const snapshot = (dir: string) => Object.fromEntries(readdirSync(dir).sort().map((n) => [n, readFileSync(join(dir, n), 'utf8')]));
const copy = (from: string) => {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'switcheroo-two-runs-trial-')));
  cpSync(from, dir, { recursive: true });
  return dir;
};
const cacheEnv = () => ({ ...process.env, XDG_CACHE_HOME: mkdtempSync(join(tmpdir(), 'switcheroo-two-runs-cache-')) });
const writtenBy = (stdout: string) => stdout.split('\n').filter((l) => l.startsWith('written  ')).map((l) => l.slice('written  '.length));

/** The lock on `dir` taken here, and a `--yes` run on it started and waiting for that lock (what it has printed by then on stderr). */
async function yesWaitingForLock(dir: string, env: NodeJS.ProcessEnv) {
  const held = await tryLockRoot(dir, env);
  if (!('lock' in held)) throw new Error('the test could not take the lock');
  const child = execa('node', [CLI, '--yes', dir], { env, reject: false });
  let stderr = '';
  await new Promise<void>((resolve) => child.stderr?.on('data', (chunk: Buffer) => {
    stderr += String(chunk);
    if (stderr.includes('waiting')) resolve();
  }));
  return { held, child, stderr };
}

describe('two runs at once on one root', () => {
  it(`${TRIALS} trials of two --yes runs started together: each file is one run's complete output or the original, and --undo twice restores the tree`, async () => {
    const pristine = makeProject();
    const original = snapshot(pristine);
    const outputs: Record<string, Record<string, string>> = {};
    for (const name of ['aaa', 'bbb']) {
      const alone = copy(pristine);
      expect((await execa('node', [CLI, '--yes', '--target-name', name, alone], { env: cacheEnv() })).exitCode).toBe(0);
      outputs[name] = snapshot(alone);
    }
    const outcomes = { waited: 0, didNotMeet: 0 };
    for (let trial = 0; trial < TRIALS; trial++) {
      const dir = copy(pristine);
      const env = cacheEnv();
      const [a, b] = await Promise.all(['aaa', 'bbb'].map((name) => execa('node', [CLI, '--yes', '--target-name', name, dir], { env, reject: false })));
      const runs = { aaa: a!, bbb: b! };
      for (const [name, r] of Object.entries(runs)) expect(r.exitCode, `${name} in trial ${trial}: ${r.stderr}`).toBe(0);
      const wrote = { aaa: writtenBy(String(a!.stdout)), bbb: writtenBy(String(b!.stdout)) };
      expect(wrote.aaa.filter((f) => wrote.bbb.includes(f)), `files both runs report written in trial ${trial}`).toEqual([]);
      const now = snapshot(dir);
      expect(Object.keys(now), `stray files in trial ${trial}`).toEqual(Object.keys(original));
      for (const [file, text] of Object.entries(now)) {
        const owner = wrote.aaa.includes(file) ? 'aaa' : wrote.bbb.includes(file) ? 'bbb' : null;
        expect(text, `${file} in trial ${trial}`).toBe(owner ? outputs[owner]![file] : original[file]);
      }
      if (/waiting for/.test(String(a!.stderr) + String(b!.stderr))) outcomes.waited++;
      else outcomes.didNotMeet++;

      const undo = await execa('node', [CLI, '--undo', dir], { env, reject: false });
      expect(undo.exitCode, String(undo.stdout)).toBe(0);
      const again = await execa('node', [CLI, '--undo', dir], { env, reject: false });
      expect(again.exitCode, String(again.stdout)).toBe(0);
      expect(snapshot(dir), `tree after --undo twice in trial ${trial}`).toEqual(original);
    }
    console.log(`two runs: ${JSON.stringify(outcomes)} over ${TRIALS} trials`);
  }, 240_000);

  it('refuses with a clear message when another run holds the lock past the wait, and writes once it is released', async () => {
    const dir = makeProject();
    const env = { ...cacheEnv(), SWITCHEROO_LOCK_WAIT: '0' };
    const before = snapshot(dir);
    const held = await tryLockRoot(dir, env);
    if (!('lock' in held)) throw new Error('the test could not take the lock');
    const refused = await execa('node', [CLI, '--yes', dir], { env, reject: false });
    expect(refused.exitCode).toBe(1);
    expect(String(refused.stderr)).toBe(
      `switcheroo-migrate: another switcheroo-migrate run (pid ${process.pid}, started ${held.lock.holder.startedAt}) is writing under ${dir}; nothing written. Run again once it has finished.`,
    );
    expect(snapshot(dir)).toEqual(before);
    const undo = await execa('node', [CLI, '--undo', dir], { env, reject: false });
    expect([undo.exitCode, String(undo.stderr)]).toEqual([1, expect.stringContaining('another switcheroo-migrate run')]);
    await held.lock.release();
    const after = await execa('node', [CLI, '--yes', dir], { env, reject: false });
    expect(after.exitCode).toBe(0);
    expect(writtenBy(String(after.stdout))).toHaveLength(FILES);
  }, 60_000);

  it('waits for the run holding the lock, saying so, then scans what it left', async () => {
    const dir = makeProject();
    const env = cacheEnv();
    const { held, child, stderr } = await yesWaitingForLock(dir, env);
    expect(stderr).toMatch(new RegExp(`^switcheroo-migrate: waiting for another switcheroo-migrate run \\(pid ${process.pid}, started \\S+\\) writing under ${dir}`));
    expect(readdirSync(dir).every((n) => readFileSync(join(dir, n), 'utf8').includes('model.load_state_dict(sd)'))).toBe(true);
    await held.lock.release();
    const r = await child;
    expect(r.exitCode).toBe(0);
    expect(writtenBy(String(r.stdout))).toHaveLength(FILES);
  }, 60_000);

  it('scans the files as the run holding the lock left them, not as they were listed before it waited', async () => {
    // (the CLI starts a worker that lists the files while it loads: not for --yes, whose list comes after the lock)
    const dir = makeProject();
    const env = cacheEnv();
    const { held, child, stderr } = await yesWaitingForLock(dir, env);
    // what the run holding the lock adds while this one waits
    writeFileSync(join(dir, 'zz_added.py'), 'def load(model, sd):\n    model.load_state_dict(sd)\n');
    await held.lock.release();
    const r = await child;
    expect(r.exitCode).toBe(0);
    expect(writtenBy(String(r.stdout))).toHaveLength(FILES + 1);
    expect(readFileSync(join(dir, 'zz_added.py'), 'utf8')).toContain('KeyMapper.from_torch(sd)');
  }, 60_000);

  it('takes over the lock of a run that crashed (killed with SIGKILL while holding it)', async () => {
    const dir = makeProject();
    const env = cacheEnv();
    const lockModule = join(import.meta.dirname, '..', '..', 'dist', 'core', 'lock.js');
    const script = `import(${JSON.stringify(lockModule)}).then(async (m) => { const r = await m.tryLockRoot(${JSON.stringify(dir)}, process.env); if (!r.lock) process.exit(3); process.kill(process.pid, 'SIGKILL'); })`;
    const crashed = spawn('node', ['-e', script], { env, stdio: 'ignore' });
    const signal = await new Promise((resolve) => crashed.on('exit', (_code, sig) => resolve(sig)));
    expect(signal).toBe('SIGKILL');
    const r = await execa('node', [CLI, '--yes', dir], { env: { ...env, SWITCHEROO_LOCK_WAIT: '0' }, reject: false });
    expect([r.exitCode, String(r.stderr)]).toEqual([0, expect.not.stringContaining('another')]);
    expect(writtenBy(String(r.stdout))).toHaveLength(FILES);
  }, 60_000);
});
