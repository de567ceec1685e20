/** The built bin's non-interactive modes on a project whose names and source hold escape sequences and bidi controls. */
import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { planFile } from '../src/core/plan.js';
import { DEFAULT_SCAN_OPTIONS } from '../src/core/scan.js';
import { C1_CSI, CLEAR, CLIPBOARD, HOSTILE, RAW_CONTROL, REVERSE, RLO, SHOWN, TITLE_OSC } from './helpers/hostile.js';
import { CLI, assertBuilt, cleanup, git, project, readTree, runCli } from './helpers/project.js';

vi.setConfig({ testTimeout: 60_000 });
beforeAll(() => assertBuilt());
afterAll(cleanup);

const hasScript = spawnSync('script', ['--version']).status === 0;

/** The bin with stdout and stderr on a terminal (`script` gives it a pseudo-terminal); what the terminal received. */
function onTerminal(cwd: string, args: string[], env: Record<string, string> = {}): string {
  const command = ['node', CLI, ...args].map((a) => `'${a}'`).join(' ');
  const run = spawnSync('script', ['-qec', command, '/dev/null'], { cwd, encoding: 'utf8', env: { ...process.env, ...env, XDG_CACHE_HOME: cwd } });
  if (run.status !== 0 && run.status !== 1) throw new Error(`script failed (${run.status}): ${run.stderr}`);
  return run.stdout;
}

/** Output that may hold our own colours (SGR) and line redraws (`\r`, ESC [K), and nothing else a terminal acts on. */
function expectNoProjectControls(out: string) {
  for (const raw of [TITLE_OSC, CLEAR, `b${REVERSE}X`, CLIPBOARD, C1_CSI, RLO]) expect(out).not.toContain(raw);
  const ours = out.replace(/\u001b\[[0-9;]*[mK]/g, '').replace(/\r/g, '');
  expect(ours).not.toMatch(RAW_CONTROL);
}

async function gitProject(): Promise<string> {
  const dir = await project(HOSTILE, 'switcheroo-hostile-');
  await git(dir, 'init', '-q');
  await git(dir, 'add', '-A');
  await git(dir, 'commit', '-qm', 'hostile');
  return dir;
}

describe('--dry-run', () => {
  it('to a pipe keeps the exact bytes: git apply takes the patch, and it gives what --yes writes', async () => {
    const dir = await gitProject();
    const r = await runCli(['--dry-run', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`-    model.load_state_dict(torch.load("${TITLE_OSC}w${CLEAR}.pt"))\n`);
    expect(r.stdout).toContain(`+++ b/b${REVERSE}X.py\n`);
    // the notes are not part of the patch: shown, never raw
    expect(r.stdout).toContain(`  a.py:5:5  warning: control characters at 5:39 (U+001B ESC), 5:48 (U+0007 BEL), 5:50 (U+001B ESC)`);
    expect(r.stdout).toContain(`  ${SHOWN.rlo}:5:2  warning: bidirectional control characters at 5:31 (U+202E RLO)`);
    expect(r.stdout).toContain(`  d.py:5:5  warning: control characters at 5:10 (U+001B ESC), 5:25 (U+0007 BEL), 5:52 (U+009B CSI)`);
    expect(r.stdout).toMatch(/^ {2}d\.py:5:5 {2}non-module: not proposed: `opt\["\\x1b\]52;c;cHduZWQ=\\x07"\]` /m); // the reason quotes the receiver, shown

    const patch = `${dir}.patch`;
    await writeFile(patch, r.stdout);
    const check = await git(dir, 'apply', '--check', patch);
    expect(check.exitCode).toBe(0);
    await git(dir, 'apply', patch);
    const applied = await readTree(dir);
    await git(dir, 'checkout', '--', '.');
    expect((await runCli(['--yes', dir])).code).toBe(0);
    const written = await readTree(dir);
    expect([...applied.keys()]).toEqual([...written.keys()]);
    for (const [path, bytes] of written) expect(applied.get(path)?.equals(bytes), path).toBe(true);
  });

  it.skipIf(!hasScript)(`to a terminal shows every control character as an escape${hasScript ? '' : ' (skipped: no `script` to make a terminal)'}`, async () => {
    const dir = await gitProject();
    for (const env of [{ NO_COLOR: '1' }, { FORCE_COLOR: '1' }]) {
      const out = onTerminal(dir, ['--dry-run', '.'], env);
      expectNoProjectControls(out);
      const text = out.replace(/\u001b\[[0-9;]*m/g, ''); // our colours and marks left out
      for (const shown of [`-    model.load_state_dict(${SHOWN.title})`, `--- a/${SHOWN.reverse}`, SHOWN.bidiComment, '5:52 (U+009B CSI)']) {
        expect(text.includes(shown), shown).toBe(true);
      }
      expect(text).toContain('warning: bidirectional control characters at 5:31 (U+202E RLO)');
      expect(text.match(/\d+ sites · \d+ proposed/)?.[0]).toBe('6 sites · 4 proposed'); // the summary line
    }
    // with colour, each escape is marked (inverse) inside its line's colour
    expect(onTerminal(dir, ['--dry-run', '.'], { FORCE_COLOR: '1' })).toContain('torch.load("\u001b[7m\\x1b\u001b[27m]0;PWNED');
    expect(onTerminal(dir, ['--dry-run', '.'], { NO_COLOR: '1' }).replace(/\u001b\[K/g, '')).not.toContain('\u001b');
  });
});

describe('the other modes', () => {
  it('--json escapes every control character as JSON does, and each site says what its line holds', async () => {
    const dir = await project(HOSTILE, 'switcheroo-hostile-');
    const r = await runCli(['--json', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout.replaceAll('\n', '')).not.toMatch(RAW_CONTROL);
    const plan = JSON.parse(r.stdout) as { files: { path: string; sites: { id: string; original: string; warnings: string[] }[] }[] };
    const site = (path: string) => plan.files.find((f) => f.path === path)?.sites[0];
    expect(site('a.py')?.original).toBe(`model.load_state_dict(torch.load("${TITLE_OSC}w${CLEAR}.pt"))`);
    expect(site(`c${RLO}yp.py`)?.warnings[0]).toMatch(/^bidirectional control characters at 5:31 \(U\+202E RLO\), 5:35 \(U\+2066 LRI\), 5:44 \(U\+2069 PDI\): /);
    expect(site('a.py')?.warnings[0]).toMatch(/^control characters at 5:39 \(U\+001B ESC\)/);
    expect(site(`b${REVERSE}X.py`)?.warnings).toEqual([]);
    // The same warnings as the core plans (the JSON is the plan).
    const core = await planFile('a.py', join(dir, 'a.py'), await readFile(join(dir, 'a.py')), DEFAULT_SCAN_OPTIONS);
    expect(site('a.py')?.warnings).toEqual(core.sites[0]?.warnings);
  });

  it('--check, --yes and --undo print paths and source shown, never raw, even to a pipe', async () => {
    const dir = await gitProject();
    const check = await runCli(['--check', dir]);
    expect(check.code).toBe(1);
    expectNoProjectControls(check.stdout + check.stderr);
    expect(check.stdout).toContain(`a.py:5:5: module: model.load_state_dict(${SHOWN.title}) -> variables = KeyMapper.from_torch(${SHOWN.title})`);
    expect(check.stdout).toContain(`${SHOWN.reverse}:5:5: module:`);

    const yes = await runCli(['--yes', dir]);
    expect(yes.code).toBe(0);
    expectNoProjectControls(yes.stdout + yes.stderr);
    expect(yes.stdout).toContain(`written  ${SHOWN.reverse}\n`);
    expect(yes.stdout).toContain(`written  ${SHOWN.rlo}\n`);

    const undo = await runCli(['--undo', dir]);
    expect(undo.code).toBe(0);
    expectNoProjectControls(undo.stdout + undo.stderr);
    expect(undo.stdout).toContain(`restored  ${SHOWN.reverse}\n`);
  });

  it('an error that echoes a path shows it', async () => {
    const dir = await project(HOSTILE, 'switcheroo-hostile-');
    const r = await runCli([join(dir, `missing${TITLE_OSC}${RLO}.py`)]);
    expect(r.code).toBe(2);
    expectNoProjectControls(r.stderr);
    expect(r.stderr).toContain('missing\\x1b]0;PWNED\\x07\\u202e.py');
  });
});
