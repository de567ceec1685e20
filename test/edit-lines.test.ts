/** Issue 15 item 10 in the core: an edit is the statement's whole lines, with their real indentation. */
import { describe, expect, it } from 'vitest';
import { checkEdit } from '../src/core/check.js';
import { originalLines, proposedLines, renderFile } from '../src/core/plan.js';
import type { Decision, FilePlan } from '../src/core/types.js';
import { diffRows } from '../src/ui/diff-rows.js';
import { planText } from './helpers/plan.js';

const edited = (plan: FilePlan, line: number, text: string, others: Array<[number, Decision]> = []) =>
  renderFile(
    plan,
    new Map<string, Decision>([
      [plan.sites.find((s) => s.line === line)!.id, { type: 'edited', text }],
      ...others.map(([l, d]): [string, Decision] => [plan.sites.find((s) => s.line === l)!.id, d]),
    ]),
  );

describe("a site's lines", () => {
  it('are the whole statement: the names a used result goes to, every line of a multi-line one, indentation and all', async () => {
    const plan = await planText(
      'def f(model, sd):\n    if sd:\n        missing, unexpected = model.load_state_dict(sd, strict=False)\n    out = wrap(\n        model.load_state_dict(sd),\n    )\n    x = 1; model.load_state_dict(sd)\n',
    );
    const [used, nested, joined] = plan.sites;
    expect(originalLines(plan, used!)).toBe('        missing, unexpected = model.load_state_dict(sd, strict=False)');
    expect(proposedLines(plan, used!)).toBe('        missing, unexpected = KeyMapper.from_torch(sd)');
    expect(originalLines(plan, nested!)).toBe('    out = wrap(\n        model.load_state_dict(sd),\n    )');
    expect(originalLines(plan, joined!)).toBe('    x = 1; model.load_state_dict(sd)');
  });

  it('in the header of a compound statement, are the lines of the call, not its body', async () => {
    const plan = await planText('def f(model, sd):\n    if model.load_state_dict(sd):\n        print("loaded")\n        print("twice")\n');
    expect(originalLines(plan, plan.sites[0]!)).toBe('    if model.load_state_dict(sd):');
  });

  it('keep a CRLF file CRLF, and give the editor LF line ends', async () => {
    const plan = await planText('import torch\r\n\r\ndef f(model, sd):\r\n    model.load_state_dict(\r\n        sd)\r\n');
    expect(originalLines(plan, plan.sites[0]!)).toBe('    model.load_state_dict(\n        sd)');
    const text = edited(plan, 4, '    params = KeyMapper.from_torch(\n        sd)');
    expect(text).toContain('def f(model, sd):\r\n    params = KeyMapper.from_torch(\r\n        sd)\r\n');
  });
});

describe('an edit of the lines', () => {
  it('writes them as given; blank removes them, line break and all', async () => {
    const plan = await planText('def f(model, sd):\n    missing, unexpected = model.load_state_dict(sd)\n    return missing\n');
    expect(edited(plan, 2, '    params = KeyMapper.from_torch(sd)\n    missing = []').endsWith('def f(model, sd):\n    params = KeyMapper.from_torch(sd)\n    missing = []\n    return missing\n')).toBe(true);
    expect(edited(plan, 2, '').endsWith('def f(model, sd):\n    return missing\n')).toBe(true);
  });

  it('is parse-checked as the lines it replaces, and says which of them breaks', async () => {
    const plan = await planText('def f(model, sd):\n    if sd:\n        model.load_state_dict(sd)\n    return model\n');
    const site = plan.sites[0]!;
    expect(await checkEdit(plan, site.id, '        variables = KeyMapper.from_torch(sd)\n        model = None')).toBe(null);
    expect(await checkEdit(plan, site.id, '        variables = KeyMapper.from_torch(sd)\n        model = (')).toMatch(/^the edit does not parse: line 2 of the edit/);
    // a line added at column 0 under the if ends the function: the line after it is indented for nothing
    expect(await checkEdit(plan, site.id, '        variables = KeyMapper.from_torch(sd)\nmodel = None')).toBe('the edit does not parse: the file breaks at line 5, column 4: unexpected indent');
  });

  it('leaves another call on its lines to its own decision, unless the edit rewrites it too', async () => {
    const plan = await planText('def f(model, ema, sd):\n    model.load_state_dict(sd); model2.load_state_dict(sd)\n');
    expect(plan.sites).toHaveLength(2);
    const [first, second] = plan.sites;
    const lines = proposedLines(plan, first!);
    // the first call edited, the second accepted: both written
    const both = edited(plan, 2, lines.replace('variables', 'params'), []);
    expect(both).toContain('    params = KeyMapper.from_torch(sd); model2.load_state_dict(sd)\n');
    const withSecond = renderFile(
      plan,
      new Map<string, Decision>([
        [first!.id, { type: 'edited', text: lines.replace('variables', 'params') }],
        [second!.id, { type: 'accepted' }],
      ]),
    );
    expect(withSecond).toMatch(/ {4}params = KeyMapper\.from_torch\(sd\); \w+ = KeyMapper\.from_torch\(sd\)\n/);
    // an edit that rewrites the whole line: the line is the edit's, whatever the second call's decision
    const rewritten = renderFile(
      plan,
      new Map<string, Decision>([
        [first!.id, { type: 'edited', text: '    a = 1\n    b = 2' }],
        [second!.id, { type: 'accepted' }],
      ]),
    );
    expect(rewritten).toContain('def f(model, ema, sd):\n    a = 1\n    b = 2\n');
    expect(rewritten).not.toContain('load_state_dict');
    // and the review says so on the second call
    const decisions = new Map<string, Decision>([[first!.id, { type: 'edited', text: '    a = 1\n    b = 2' }], [second!.id, { type: 'accepted' }]]);
    expect(diffRows(plan, second!, decisions, 3)).toContainEqual({ kind: 'note', tone: 'info', text: 'This call is written as your edit of line 2 has it.' });
  });
});
