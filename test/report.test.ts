/** The summary line and counts in words (issue 15, items 8 and 14). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dryRunText, jsonChunks, letGo, summaryLine } from '../src/cli/report.js';
import { painter } from '../src/cli/color.js';
import { acceptProposed, planFile } from '../src/core/plan.js';
import { DEFAULT_SCAN_OPTIONS } from '../src/core/scan.js';
import { count } from '../src/core/count.js';
import { preambleSource } from '../src/core/preamble-source.js';
import type { ScanResult } from '../src/core/types.js';
import { REPO } from './helpers/project.js';

const result = (n: number): ScanResult => ({
  root: '/p',
  mapper: { name: 'flax', why: 'the default' },
  files: [],
  skipped: Array.from({ length: n }, (_, i) => ({ path: `${i}.py`, reason: 'binary' })),
  stats: { filesScanned: n, candidates: n, sites: n, proposed: n, ms: 1 },
});

describe('counts in words', () => {
  it('one file, one site, one warning; two of each', () => {
    expect(count(1, 'file')).toBe('1 file');
    expect(count(2, 'file')).toBe('2 files');
    expect(count(0, 'site')).toBe('0 sites');
    expect(count(1, 'match', 'matches')).toBe('1 match');
    expect(summaryLine(result(1), [{ path: 'a.py', status: 'written', reason: '' }], 5, 1)).toBe(
      '1 file scanned · 1 with load_state_dict · 1 site · 1 proposed · 1 written · 0 refused · 0 errors · 1 warning · 1 skipped · 5 ms',
    );
    expect(summaryLine(result(2), null, 5, 2)).toBe('2 files scanned · 2 with load_state_dict · 2 sites · 2 proposed · 2 warnings · 2 skipped · 5 ms');
    expect(summaryLine(result(2), null, 5, 0)).toBe('2 files scanned · 2 with load_state_dict · 2 sites · 2 proposed · 2 skipped · 5 ms');
  });

  it('no "1 files" or "1 sites" left in the source: counts go through count()', () => {
    const files = ['src/cli/run.ts', 'src/ui/header.tsx', 'src/ui/write-view.tsx', 'src/ui/review-state.ts', 'src/ui/review-decide.ts', 'src/ui/diff-view.tsx', 'src/ui/edit-view.tsx', 'src/ui/help-view.tsx'];
    for (const file of files) {
      const source = readFileSync(join(REPO, file), 'utf8');
      expect(source, file).not.toMatch(/\$\{[^}]+\} (files|sites|changes|lines|keys|warnings)\b/);
    }
  });
});

describe('--json, a file at a time', () => {
  const plan = (path: string, text: string) => planFile(path, `/p/${path}`, Buffer.from(text), DEFAULT_SCAN_OPTIONS);

  it('prints, piece by piece, what JSON.stringify prints of the whole document, with and without files', async () => {
    const files = [await plan('a.py', 'import torch\nmodel.load_state_dict(sd)\n'), await plan('b/c.py', 'import torch\n\n\ndef f(net, sd):\n    net.load_state_dict(sd, strict=False)\n')];
    for (const r of [{ ...result(2), files }, result(0), { ...result(0), files: files.slice(0, 1) }]) {
      const chunks = [...jsonChunks(r, r.files)];
      expect(chunks).toHaveLength(r.files.length + 2);
      const text = chunks.join('');
      const doc = JSON.parse(text);
      expect(doc.files.map((f: { path: string }) => f.path)).toEqual(r.files.map((f) => f.path));
      expect(doc.files[0]?.sites[0]?.replacement).toBe(r.files[0]?.sites[0]?.replacement);
      expect([doc.version, doc.root, doc.mapper, doc.skipped, doc.stats]).toEqual([1, r.root, r.mapper, r.skipped, r.stats]);
      expect(text).toBe(`${JSON.stringify(doc, null, 2)}\n`);
    }
  });

  it('lets each file go as it is printed', () => {
    const list = ['a', 'b', 'c'];
    const seen: string[][] = [];
    for (const item of letGo(list)) seen.push([item, ...list]);
    expect(seen).toEqual([['a', 'b', 'c'], ['b', 'c'], ['c']]);
    expect(list).toEqual([]);
  });

  it('escapes every control character, in any piece', async () => {
    const file = await plan('x\u001b[31m\u2028\u0085.py', 'model.load_state_dict(sd)\n');
    const text = [...jsonChunks(result(1), [file])].join('');
    expect(text).not.toMatch(/[\u001b\u2028\u0085]/);
    expect(text).toContain('x\\u001b[31m\\u2028\\u0085.py');
    expect(JSON.parse(text).files[0].path).toBe(file.path);
  });

  it('escapes the preamble\u2019s text too, and keeps it whole', async () => {
    const file = await plan('a.py', 'model.load_state_dict(sd)\n');
    const preamble = file.preamble;
    if (!preamble) throw new Error('no preamble');
    const text = `import os  # \u001b[31m\u202e\u0085 "quoted" \\ tab\t\n${preamble.text}`;
    const printed = [...jsonChunks(result(1), [{ ...file, preamble: { ...preamble, text } }])].join('');
    expect(printed).not.toMatch(/[\u001b\u202e\u0085]/);
    expect(printed).toContain('# \\u001b[31m\\u202e\\u0085 \\"quoted\\" \\\\ tab\\t\\n');
    const doc = JSON.parse(printed);
    expect(doc.files[0].preamble.text).toBe(text);
    expect(printed.replace(/\\u(202e|0085)/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))).toBe(`${JSON.stringify(doc, null, 2)}\n`);
  });

  it('prints a preamble with the class body escaped once a run exactly as the whole text escaped, whether or not it holds that body', async () => {
    const file = await plan('a.py', 'model.load_state_dict(sd)\n');
    const preamble = file.preamble;
    if (!preamble) throw new Error('no preamble');
    const body = preambleSource('flax').body;
    expect(preamble.text).toContain(body);
    const variants = [
      preamble.text,
      // emoji (surrogate pairs) against both ends of the body, controls before and after it
      `# \u2028\n\u{1F600}${body}\u{1F600}\u0085 "q" \\`,
      // the body changed (a control inside it): not the body escaped once, the whole text escaped
      preamble.text.replace('class KeyMapper', 'class KeyMapper\u001b\u0085'),
      body,
      '',
    ];
    for (const text of variants) {
      const printed = [...jsonChunks(result(1), [{ ...file, preamble: { ...preamble, text } }])].join('');
      expect(printed).not.toMatch(/[\u001b\u2028\u0085]/);
      expect(JSON.parse(printed).files[0].preamble.text).toBe(text);
      const unescaped = printed.replace(/\\u(2028|0085)/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
      expect(unescaped).toBe(`${JSON.stringify(JSON.parse(printed), null, 2)}\n`);
    }
  });
});

describe('--dry-run notes', () => {
  it("lists a site that is not proposed with its reason and its control-character warnings, not the warnings of a rewrite it does not show", async () => {
    // super() in an override: not proposed; its rewrite would no longer evaluate `super()`, but none is shown
    const text = 'import torch\n\n\nclass Net(torch.nn.Module):\n    def load_state_dict(self, sd, strict=True):\n        return super().load_state_dict(sd, strict)  # \x07\n';
    const plan = await planFile('net.py', '/p/net.py', Buffer.from(text), DEFAULT_SCAN_OPTIONS);
    const [site] = plan.sites;
    expect(site?.proposed).toBe(false);
    expect(site?.warnings.some((w) => w.includes('is no longer evaluated'))).toBe(true);
    const out = dryRunText({ ...result(0), files: [plan] }, acceptProposed([plan]), painter(false), true);
    expect(out).toMatch(/net\.py:6:16 {2}super: not proposed: /);
    expect(out).toMatch(/net\.py:6:16 {2}warning: control character at 6:55 /);
    expect(out).not.toMatch(/no longer evaluated|strict/);
  });
});

describe('package-lock.json', () => {
  it("names the same bin as package.json, so that `npm install` on a fresh checkout leaves it as committed", () => {
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { name: string; version: string; bin: unknown };
    const lock = JSON.parse(readFileSync(join(REPO, 'package-lock.json'), 'utf8')) as { name: string; version: string; packages: Record<string, { bin?: unknown; version?: string }> };
    expect(lock.packages['']?.bin).toEqual(pkg.bin);
    expect([lock.name, lock.version, lock.packages['']?.version]).toEqual([pkg.name, pkg.version, pkg.version]);
  });
});
