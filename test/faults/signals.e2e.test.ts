/** Issue 5: SIGINT/SIGTERM while --yes writes 50 files never leaves a mixed, truncated or temp file. */
import { cpSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { expect, it } from 'vitest';
import { rng } from '../helpers/fuzz.js';

const CLI = join(import.meta.dirname, '..', '..', 'dist', 'cli.js');
const FILES = 50;
const TRIALS = 30;

function makeProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'switcheroo-signal-'));
  const filler = Array.from({ length: 400 }, (_, i) => `def helper_${i}(x):\n    return x * ${i}  # filler line\n`).join('\n');
  for (let i = 0; i < FILES; i++) {
    writeFileSync(join(dir, `m${String(i).padStart(2, '0')}.py`), `import torch\n\n\n${filler}\n\ndef load(model, sd):\n    model.load_state_dict(sd)\n`);
  }
  return dir;
}

const snapshot = (dir: string) => Object.fromEntries(readdirSync(dir).sort().map((n) => [n, readFileSync(join(dir, n), 'utf8')]));

it(`${TRIALS} signals at random moments: every file is its original or its full new version`, async () => {
  const pristine = makeProject();
  const before = snapshot(pristine);
  const done = mkdtempSync(join(tmpdir(), 'switcheroo-signal-done-'));
  cpSync(pristine, done, { recursive: true });
  const full = await execa('node', [CLI, '--yes', done]);
  expect(full.exitCode).toBe(0);
  const after = snapshot(done);

  const random = rng(42);
  const outcomes = { interrupted: 0, completed: 0, beforeHandlers: 0, partial: 0 };
  for (let trial = 0; trial < TRIALS; trial++) {
    const dir = mkdtempSync(join(tmpdir(), 'switcheroo-signal-trial-'));
    cpSync(pristine, dir, { recursive: true });
    const signal = trial % 2 === 0 ? 'SIGINT' : 'SIGTERM';
    const child = execa('node', [CLI, '--yes', dir], { reject: false });
    const delay = Math.floor(random() * 15);
    let sent = false;
    const send = () => { if (!sent) { sent = true; setTimeout(() => child.kill(signal), delay); } };
    // Half the trials fire once writing has begun; the others at a random moment of the whole run.
    if (trial % 4 < 2) child.stdout?.once('data', send);
    else setTimeout(send, Math.floor(random() * 400));
    const result = await child;
    send();
    const files = readdirSync(dir);
    expect(files.filter((n) => !n.endsWith('.py')), `temp files left in trial ${trial}`).toEqual([]);
    const now = snapshot(dir);
    let written = 0;
    for (const [name, text] of Object.entries(now)) {
      expect([before[name], after[name]], `${name} in trial ${trial}`).toContain(text);
      if (text === after[name]) written++;
    }
    // Once writing began, what the run printed is what happened: each file it wrote, and, when interrupted, each it did not.
    const lines = String(result.stdout).split('\n').filter(Boolean);
    const said = (word: string) => lines.filter((l) => l.startsWith(`${word}  `)).map((l) => l.slice(word.length + 2).split(':')[0]).sort();
    const changed = Object.keys(now).filter((name) => now[name] !== before[name]).sort();
    if (lines.length === 0) {
      expect(changed, `files changed without a line in trial ${trial}`).toEqual([]); // stopped while scanning
    } else {
      expect(said('written'), `written lines in trial ${trial}`).toEqual(changed);
      expect(said('not written'), `not-written lines in trial ${trial}`).toEqual(Object.keys(now).filter((n) => !changed.includes(n)).sort());
    }
    if (result.exitCode === 130) outcomes.interrupted++;
    else if (result.signal) outcomes.beforeHandlers++;
    else outcomes.completed++;
    if (written > 0 && written < FILES) outcomes.partial++;
    // Killed by the signal itself only outside the handlers' lifetime: before they are installed
    // (nothing written yet), or in Node's own teardown after the run has ended (everything written;
    // seen once under heavy load). Never with some files written and others not.
    const ok = result.exitCode === 130 || (result.exitCode === 0 && written === FILES) || (Boolean(result.signal) && (written === 0 || written === FILES));
    expect(ok, `exit ${result.exitCode} / ${result.signal} with ${written} written`).toBe(true);
  }
  console.log(`signals: ${JSON.stringify(outcomes)} over ${TRIALS} trials x ${FILES} files`);
  expect(outcomes.interrupted).toBeGreaterThan(0);
}, 180_000);
