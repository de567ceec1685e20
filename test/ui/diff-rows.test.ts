import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SCAN_OPTIONS, scanProject } from '../../src/core/scan.js';
import type { Decision, FilePlan } from '../../src/core/types.js';
import { diffRows, viewport, type DiffRow } from '../../src/ui/diff-rows.js';
import { FIXTURE } from './harness.js';

let net: FilePlan;
let train: FilePlan;
beforeAll(async () => {
  const { files } = await scanProject(FIXTURE, DEFAULT_SCAN_OPTIONS);
  [net, train] = files as [FilePlan, FilePlan];
});

const hunks = (rows: DiffRow[]) => rows.flatMap((r) => (r.kind === 'hunk' ? [r.text] : []));
const notes = (rows: DiffRow[]) => rows.flatMap((r) => (r.kind === 'note' ? [r.text] : []));
const decide = (...entries: Array<[string, Decision['type']]>) => new Map(entries.map(([id, type]) => [id, { type } as Decision]));

describe('diff rows', () => {
  it('shows the change, then its warnings, then the preamble with the first pending change, numbered as written', () => {
    const site = net.sites.find((s) => s.proposed)!;
    const rows = diffRows(net, site, new Map(), 3);
    // the change lies below the preamble: its new line numbers count it
    expect(hunks(rows)).toEqual([expect.stringMatching(/^@@ -14,7 \+[1-9]\d\d+,7 @@$/), expect.stringMatching(/^@@ -1,\d+ \+1,\d+ @@  KeyMapper preamble \(added once/)]);
    const warning = rows.findIndex((r) => r.kind === 'note' && r.text.startsWith('⚠'));
    const preamble = rows.findIndex((r) => r.kind === 'hunk' && r.text.includes('preamble'));
    expect(warning).toBeLessThan(preamble);
    const train9 = train.sites[0]!;
    // right under the imports, the change and the preamble are one hunk, as --dry-run and git show them
    expect(hunks(diffRows(train, train9, new Map(), 3))).toEqual([expect.stringMatching(/^@@ -1,12 \+1,\d+ @@  KeyMapper preamble/)]);
  });

  it('has the preamble follow the file decisions', () => {
    const [first, second] = train.sites as [FilePlan['sites'][0], FilePlan['sites'][0]];
    // a skipped change shows what accepting it writes: the preamble with it, not added yet
    const skippedAll = decide([first.id, 'skipped'], [second.id, 'skipped']);
    expect(hunks(diffRows(train, first, skippedAll, 3))).toEqual([expect.stringMatching(/preamble \(added once a change/)]);
    const otherAccepted = decide([first.id, 'skipped'], [second.id, 'accepted']);
    // the second change is the first one written now: it shows the preamble; the first counts it in its numbers
    expect(hunks(diffRows(train, second, otherAccepted, 3))[0]).toMatch(/preamble \(added: a change of this file is accepted\)/);
    expect(notes(diffRows(train, first, otherAccepted, 3))).not.toContainEqual(expect.stringMatching(/^New line numbers/));
    // only the first change carries it; the others say where it is
    expect(hunks(diffRows(train, second, new Map(), 0))).toEqual([expect.stringMatching(/^@@ -10,1 \+[1-9]\d\d+,1 @@$/)]);
    expect(notes(diffRows(train, second, new Map(), 0))).toContainEqual(expect.stringMatching(/^New line numbers count the KeyMapper preamble \(new lines \d+-\d+\), shown with the change at line 9\.$/));
    // unless the preamble is in its own hunk
    expect(hunks(diffRows(train, second, new Map(), 3))).toEqual([expect.stringMatching(/^@@ -1,13 \+1,\d+ @@  KeyMapper preamble/)]);
    expect(notes(diffRows(train, second, new Map(), 3))).not.toContainEqual(expect.stringMatching(/^New line numbers/));
  });

  it('shows an edit, word-highlighted, and explains sites that are not proposed', () => {
    const site = net.sites.find((s) => s.kind === 'module')!;
    const rows = diffRows(net, site, new Map([[site.id, { type: 'edited', text: '    weights = f(checkpoint["model"])' }]]), 0);
    const added = rows.find((r) => r.kind === 'line' && r.line.kind === 'add');
    const segments = added?.kind === 'line' ? added.line.segments : [];
    expect(segments.filter((s) => s.changed).map((s) => s.text).join('')).toContain('weights');
    expect(segments.filter((s) => !s.changed).map((s) => s.text).join('')).toContain('(checkpoint["model"])');
    // lines only added (the preamble's) have no words that differ: nothing is highlighted in them
    const preambleLines = diffRows(net, site, new Map(), 3).flatMap((r) => (r.kind === 'line' && r.line.tags.includes('preamble') ? r.line.segments : []));
    expect(preambleLines.length).toBeGreaterThan(100);
    expect(preambleLines.some((s) => s.changed)).toBe(false);
    const superSite = net.sites.find((s) => s.kind === 'super')!;
    expect(hunks(diffRows(net, superSite, new Map(), 3))).toEqual([]);
    expect(notes(diffRows(net, superSite, new Map(), 3))[0]).toMatch(/^Not proposed: super\(\) call .*never rewritten\.$/);
  });

  it("says under the change where each of its hints came from, a head count's origin on a line of its own", () => {
    const site = train.sites[0]!;
    const hinted = {
      ...site,
      hints: [
        { module: 'encoder.layers.*.self_attn', value: 'attention:4', text: 'nn.TransformerEncoderLayer(d, nhead)', path: 'model.py', line: 10, note: '4 heads: the default of `nhead` in `Net.__init__` (model.py:4)' },
        { module: 'tokens', value: 'embedding', text: 'nn.Embedding(10, 4)', path: 'model.py', line: 9 },
      ],
    };
    const shown = notes(diffRows({ ...train, sites: [hinted, ...train.sites.slice(1)] }, hinted, new Map(), 3));
    expect(shown).toEqual(expect.arrayContaining([
      "hint 'encoder.layers.*.self_attn': 'attention:4' from model.py:10 `nn.TransformerEncoderLayer(d, nhead)`",
      '  4 heads: the default of `nhead` in `Net.__init__` (model.py:4)',
      "hint 'tokens': 'embedding' from model.py:9 `nn.Embedding(10, 4)`",
    ]));
    const first = shown.findIndex((t) => t.startsWith('hint '));
    expect(shown[first + 1]).toMatch(/^  4 heads/);
    expect(shown.findIndex((t) => t.startsWith('⚠'))).toBeGreaterThan(first);
  });
});

describe('viewport', () => {
  it('fits everything, or cuts with a marker line above and below', () => {
    expect(viewport(5, 0, 10)).toEqual({ start: 0, count: 5, above: 0, below: 0, maxScroll: 0 });
    expect(viewport(20, 0, 10)).toEqual({ start: 0, count: 9, above: 0, below: 11, maxScroll: 11 });
    expect(viewport(20, 5, 10)).toEqual({ start: 5, count: 8, above: 5, below: 7, maxScroll: 11 });
    expect(viewport(20, 99, 10)).toEqual({ start: 11, count: 9, above: 11, below: 0, maxScroll: 11 });
  });
});
