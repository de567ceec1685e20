/** Golden before/after files for every rewrite, preamble and file-format case of issue 2. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acceptAll, planText } from './helpers/plan.js';
import { pythonSyntaxErrors } from './helpers/python.js';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'engine');
const names = readdirSync(FIXTURES).filter((f) => f.endsWith('.py')).sort();
const read = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');

describe('golden rewrites (reference preamble, to keep the goldens short)', () => {
  const outputs: Record<string, string> = {};

  it.each(names)('%s', async (name) => {
    const plan = await planText(read(name), { mapper: 'reference' }, name);
    const after = acceptAll(plan);
    outputs[name] = after;
    await expect(after).toMatchFileSnapshot(join('..', 'snapshots', 'engine', name.replace(/\.py$/, '.after.py')));
    const again = await planText(after, { mapper: 'reference' }, name);
    expect(again.sites.filter((s) => s.proposed)).toEqual([]);
  });

  it('every rewritten fixture parses with python3 where its input did', async () => {
    const inputs = Object.fromEntries(names.map((n) => [n, read(n)]));
    const brokenInputs = await pythonSyntaxErrors(inputs);
    expect(Object.keys(brokenInputs)).toEqual(['syntax_error.py']);
    const broken = await pythonSyntaxErrors(Object.fromEntries(Object.entries(outputs).filter(([n]) => !(n in brokenInputs))));
    expect(broken).toEqual({});
    expect(Object.keys(outputs).length).toBe(names.length);
  });
});
