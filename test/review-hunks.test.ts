/**
 * Issue 15 item 9: the review's diff is the diff of the file as it will be written, the preamble
 * included when it goes in: hunk for hunk what `--dry-run` prints, and what `git diff` shows once
 * the file is written, at any context.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptProposed, renderFile } from '../src/core/plan.js';
import { DEFAULT_SCAN_OPTIONS, scanProject } from '../src/core/scan.js';
import type { Decision, Decisions, FilePlan, Site } from '../src/core/types.js';
import { diffRows, focusRow, type DiffRow } from '../src/ui/diff-rows.js';
import { assertBuilt, cleanup, git, project, readTree, runCli } from './helpers/project.js';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'review');

let plans: FilePlan[];
let train: FilePlan;
let sample: FilePlan;
beforeAll(async () => {
  plans = (await scanProject(FIXTURE, DEFAULT_SCAN_OPTIONS)).files;
  train = plans.find((p) => p.path === 'train.py')!;
  sample = plans.find((p) => p.path === 'sample.py')!;
});
afterAll(cleanup);

/** Hunks as text: the header (without the review's label) and the body lines. */
type HunkText = string[];

function reviewHunks(rows: readonly DiffRow[]): HunkText[] {
  const hunks: HunkText[] = [];
  for (const row of rows) {
    if (row.kind === 'hunk') hunks.push([row.text.replace(/ @@.*$/, ' @@')]);
    else if (row.kind === 'line') {
      const sign = row.line.kind === 'add' ? '+' : row.line.kind === 'del' ? '-' : ' ';
      hunks[hunks.length - 1]?.push(sign + row.line.segments.map((s) => s.text).join(''));
    }
  }
  return hunks;
}

/** Hunks of a unified diff; git's one-line sides (`-10`) are written as the tool writes them (`-10,1`), its function names dropped. */
function patchHunks(patch: string): HunkText[] {
  const hunks: HunkText[] = [];
  const lines = patch.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const header = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/.exec(lines[i] ?? '');
    if (!header) continue;
    const [, a, b = '1', c, d = '1'] = header;
    const hunk = [`@@ -${a},${b} +${c},${d} @@`];
    // the body: as many old and new lines as the header counts (notes follow a --dry-run diff)
    let old = Number(b);
    let neu = Number(d);
    while (old > 0 || neu > 0) {
      const line = lines[++i] ?? '';
      if (line.startsWith('\\')) continue;
      hunk.push(line);
      if (line[0] !== '+') old--;
      if (line[0] !== '-') neu--;
    }
    hunks.push(hunk);
  }
  return hunks;
}

/** Per file, the hunks of the built bin's `--dry-run`. */
async function dryRunHunks(root: string): Promise<Map<string, HunkText[]>> {
  const { stdout, code } = await runCli(['--dry-run', root]);
  expect(code).toBe(0);
  const files = new Map<string, HunkText[]>();
  for (const part of stdout.split(/^--- a\//m).slice(1)) {
    const path = part.slice(0, part.indexOf('\n'));
    files.set(path, patchHunks(part));
  }
  return files;
}

/** `git diff -U<context>` of the file once written under the decisions. */
async function gitHunks(plan: FilePlan, decisions: Decisions, context: number): Promise<HunkText[]> {
  const root = await project({ [plan.path]: plan.text });
  await git(root, 'init', '-q');
  await git(root, 'add', '.');
  await git(root, 'commit', '-qm', 'before');
  await writeFile(join(root, plan.path), renderFile(plan, decisions));
  return patchHunks(String((await git(root, 'diff', `-U${context}`, '--no-color')).stdout));
}

const site = (plan: FilePlan, line: number) => plan.sites.find((s) => s.line === line) as Site;
const decide = (...entries: Array<[Site, Decision]>): Decisions => new Map(entries.map(([s, d]) => [s.id, d]));
const ACCEPT: Decision = { type: 'accepted' };

describe('the review shows the hunks of the file as it will be written', () => {
  it('hunk for hunk what --dry-run prints, the preamble with the first change', async () => {
    assertBuilt();
    const dryRun = await dryRunHunks(FIXTURE);
    const decisions = acceptProposed(plans);
    for (const plan of plans) {
      const shown = plan.sites.filter((s) => s.proposed).flatMap((s) => reviewHunks(diffRows(plan, s, decisions, 3)));
      const expected = dryRun.get(plan.path) ?? [];
      expect(expected.length).toBeGreaterThan(0);
      // every hunk the review shows is one --dry-run prints, and every one --dry-run prints is shown
      for (const hunk of shown) expect(expected).toContainEqual(hunk);
      for (const hunk of expected) expect(shown).toContainEqual(hunk);
    }
  });

  it('with the line numbers of the written file: nanoGPT train.py:58 is below the preamble', async () => {
    const model = site(train, 58);
    const decisions = decide([model, ACCEPT]);
    const rows = diffRows(train, model, decisions, 3);
    const written = renderFile(train, decisions).split('\n');
    const original = train.text.split('\n');
    const lines = rows.flatMap((r) => (r.kind === 'line' ? [r.line] : []));
    for (const line of lines) {
      const text = line.segments.map((s) => s.text).join('');
      if (line.newLine !== null) expect(written[line.newLine - 1]).toBe(text);
      if (line.oldLine !== null) expect(original[line.oldLine - 1]).toBe(text);
    }
    const change = lines.find((l) => l.kind === 'add' && l.tags.includes(model.id));
    expect(change?.newLine).toBeGreaterThan(200);
    expect(rows[0]?.kind === 'note' && rows[0].text).toMatch(/^Proposed:/);
  });

  // Each case: the decisions, the site selected, the context. A pending site is shown as accepting it writes.
  // `carries`: the selected change is the file's first, which shows the preamble: then every hunk git shows is on screen.
  type Case = { plan: FilePlan; selected: Site; decisions: Decisions; writes: Decisions; carries: boolean };
  const cases: Array<[string, () => Case, number[]]> = [
    ['one site accepted', () => ({ plan: train, selected: site(train, 58), decisions: decide([site(train, 58), ACCEPT]), writes: decide([site(train, 58), ACCEPT]), carries: true }), [0, 3, 8]],
    [
      'two accepted, the second selected',
      () => {
        const both = decide([site(train, 58), ACCEPT], [site(train, 80), ACCEPT]);
        return { plan: train, selected: site(train, 80), decisions: both, writes: both, carries: false };
      },
      [0, 3],
    ],
    [
      'an edit',
      () => {
        const edited = decide([site(train, 58), { type: 'edited', text: 'params = KeyMapper.from_torch(state_dict)' }]);
        return { plan: train, selected: site(train, 58), decisions: edited, writes: edited, carries: true };
      },
      [0, 3],
    ],
    // the first change is still pending: it shows the preamble, and this one counts it in its line numbers
    ['a pending site, as accepting it writes', () => ({ plan: train, selected: site(train, 80), decisions: new Map(), writes: decide([site(train, 80), ACCEPT]), carries: false }), [0, 3]],
    ['a first change skipped, the second shows the preamble', () => ({ plan: train, selected: site(train, 80), decisions: decide([site(train, 58), { type: 'skipped' }]), writes: decide([site(train, 80), ACCEPT]), carries: true }), [3]],
    ['the change right under the imports: one hunk with the preamble', () => ({ plan: sample, selected: sample.sites[0]!, decisions: new Map(), writes: decide([sample.sites[0]!, ACCEPT]), carries: true }), [0, 3]],
  ];
  for (const [name, make, contexts] of cases) {
    for (const context of contexts) {
      it(`${name}, context ${context}: the hunks git diff shows once written`, async () => {
        const { plan, selected, decisions, writes, carries } = make();
        const shown = reviewHunks(diffRows(plan, selected, decisions, context));
        const expected = await gitHunks(plan, writes, context);
        expect(shown.length).toBeGreaterThan(0);
        for (const hunk of shown) expect(expected).toContainEqual(hunk);
        // the selected change's hunks and, with the file's first change, the preamble's
        const own = expected.filter((hunk) => hunk.some((line) => line.startsWith('-') && line.includes(selected.original)));
        expect(shown).toHaveLength(carries ? expected.length : own.length);
      });
    }
  }

  it('keeps the change in view where it shares its hunk with the preamble', () => {
    const rows = diffRows(sample, sample.sites[0]!, new Map(), 3);
    expect(reviewHunks(rows)).toHaveLength(1);
    const focus = focusRow(rows, sample.sites[0]!.id);
    const row = rows[focus];
    expect(row?.kind === 'line' && row.line.kind).toBe('del');
    expect(row?.kind === 'line' && row.line.segments.map((s) => s.text).join('')).toBe('model.load_state_dict(torch.load("ckpt.pt"))');
    expect(focus).toBeGreaterThan(200);
  });

  it('says where the preamble is when another change shows it', () => {
    const rows = diffRows(train, site(train, 80), decide([site(train, 58), ACCEPT]), 3);
    expect(rows.some((r) => r.kind === 'hunk' && r.text.includes('preamble'))).toBe(false);
    expect(rows.some((r) => r.kind === 'note' && /^New line numbers count the KeyMapper preamble \(new lines \d+-\d+\), shown with the change at line 58\.$/.test(r.text))).toBe(true);
  });
});

describe('--dry-run and git agree', () => {
  it('--dry-run applies with git apply and gives what --yes writes', async () => {
    assertBuilt();
    const root = await project(Object.fromEntries([...(await readTree(FIXTURE))].map(([path, bytes]) => [path, bytes])));
    await git(root, 'init', '-q');
    await git(root, 'add', '.');
    await git(root, 'commit', '-qm', 'before');
    const { stdout } = await runCli(['--dry-run', root]);
    await writeFile(join(root, 'dry.diff'), stdout);
    expect((await git(root, 'apply', 'dry.diff')).exitCode).toBe(0);
    const applied = await readFile(join(root, 'train.py'), 'utf8');
    expect(applied).toBe(renderFile(train, acceptProposed([train])));
  });
});
