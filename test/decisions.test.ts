/** What a decision writes (issue 15, item 6): arguments kept as written, an emptied change removes its line, the preamble follows real uses. */
import { describe, expect, it } from 'vitest';
import { checkEdit } from '../src/core/check.js';
import { preambleIncluded, renderFile } from '../src/core/plan.js';
import type { Decision } from '../src/core/types.js';
import { acceptAll, planText } from './helpers/plan.js';

const decide = (entries: [string, Decision][]) => new Map(entries);

describe('a multi-line call', () => {
  it('keeps its argument as written when nothing is dropped: no trailing comma is added', async () => {
    const plan = await planText('import torch\n\n\ndef f(model, sd):\n    model.load_state_dict(\n        sd\n    )\n');
    expect(plan.sites[0]?.replacement).toBe('variables = KeyMapper.from_torch(\n        sd\n    )');
  });

  it('keeps a trailing comma only where the call had one', async () => {
    const plan = await planText('def f(model, sd):\n    model.load_state_dict(\n        sd,\n        strict=False,\n    )\n    model.load_state_dict(\n        sd,\n        strict=False\n    )\n');
    expect(plan.sites.map((s) => s.replacement)).toEqual([
      'variables = KeyMapper.from_torch(\n        sd,\n    )',
      'variables = KeyMapper.from_torch(\n        sd\n    )',
    ]);
  });
});

describe('an edit that removes the call', () => {
  const text = 'import torch\n\n\ndef f(model, sd):\n    model.load_state_dict(sd)\n    return model\n';

  it('removes its line, and the preamble does not go into a file that no longer calls KeyMapper', async () => {
    const plan = await planText(text);
    const id = plan.sites[0]?.id ?? '';
    for (const empty of ['', '   ', '\n']) {
      const decisions = decide([[id, { type: 'edited', text: empty }]]);
      expect(renderFile(plan, decisions), JSON.stringify(empty)).toBe('import torch\n\n\ndef f(model, sd):\n    return model\n');
      expect(preambleIncluded(plan, decisions)).toBe(false);
    }
  });

  it('keeps the rest of a line it shares, without the `;` between (an edit is the whole line: the rest is what is left of it)', async () => {
    const plan = await planText('def f(model, sd):\n    x = 1; model.load_state_dict(sd)\n    model.load_state_dict(sd); y = 2\n');
    const [first, second] = plan.sites;
    const decisions = decide([
      [first!.id, { type: 'edited', text: '    x = 1' }],
      [second!.id, { type: 'edited', text: '    y = 2' }],
    ]);
    expect(renderFile(plan, decisions)).toBe('def f(model, sd):\n    x = 1\n    y = 2\n');
    expect(preambleIncluded(plan, decisions)).toBe(false);
  });

  it('the preamble follows the edits that still call KeyMapper, and accepted changes', async () => {
    const plan = await planText(text);
    const id = plan.sites[0]?.id ?? '';
    expect(preambleIncluded(plan, decide([[id, { type: 'edited', text: 'params = KeyMapper.from_torch(sd)["params"]' }]]))).toBe(true);
    expect(preambleIncluded(plan, decide([[id, { type: 'edited', text: 'pass  # KeyMapperless' }]]))).toBe(false);
    expect(preambleIncluded(plan, decide([[id, { type: 'accepted' }]]))).toBe(true);
    expect(acceptAll(plan)).toMatch(/^class KeyMapper:$/m);
  });

  it('is checked the way it is written: removing the only statement of a block does not parse', async () => {
    const plan = await planText('def f(model, sd):\n    if sd:\n        model.load_state_dict(sd)\n    return model\n');
    const id = plan.sites[0]?.id ?? '';
    expect(await checkEdit(plan, id, '')).toMatch(/^the edit does not parse/);
    expect(await checkEdit(plan, id, '        pass')).toBeNull();
    // the edit is the whole line: a statement at column 0 under the if is an indentation error
    expect(await checkEdit(plan, id, 'pass')).toMatch(/^the edit does not parse/);
    const alone = await planText(text);
    expect(await checkEdit(alone, alone.sites[0]?.id ?? '', '')).toBeNull();
  });
});
