/**
 * Issue 17: a plan that let go of its text (`--json`, `--check`) must not keep it alive by a slice.
 * V8 keeps a whole string alive for any slice or concatenation of 13 characters or more cut from
 * it, and a plan's strings are cut from its file's text. Measured on the heap: plans whose strings
 * are slices of 1 MB texts hold far less than those texts once `withoutText` has copied them.
 */
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { expect, it } from 'vitest';
import { withoutText } from '../src/core/plan-text.js';
import type { FilePlan, Site } from '../src/core/types.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const PLANS = 8;
const TEXT = 1 << 20;

function heapUsed(): number {
  gc();
  gc();
  return getHeapStatistics().used_heap_size;
}

/** A plan whose site strings (long and short) are slices of its own 1 MB text, as a real plan's are. */
function slicedPlan(i: number): FilePlan {
  const lines = Array.from({ length: TEXT / 64 }, (_, n) => `x_${i}_${n} = compute(${n}, ${i})`.padEnd(63, ' ') + '\n');
  const text = lines.join('') + `        self.encoder_backbone_model.load_state_dict(state_${i})\n`;
  const at = text.indexOf('self.encoder_backbone_model');
  const site = {
    receiver: text.slice(at, at + 'self.encoder_backbone_model'.length),
    original: text.slice(at, text.indexOf(')', at) + 1),
    kind: text.slice(at, at + 4), // short: a copy of its own whatever V8 does
    clues: [{ subject: text.slice(at, at + 27), source: { path: `models/trainer_${i}.py`, text: text.slice(at - 8, text.length - 1), rule: 'assignment' } }],
  } as unknown as Site;
  return { path: `models/trainer_${i}.py`, absPath: `/p/models/trainer_${i}.py`, sites: [site], preamble: null, hash: 'h', text, bom: false, eol: '\n', parseError: null };
}

it('plans without their text keep none of it alive, and keep every string', () => {
  let plans: FilePlan[] | null = Array.from({ length: PLANS }, (_, i) => slicedPlan(i));
  const originals = plans.map((plan) => JSON.parse(JSON.stringify({ ...plan, text: null })) as FilePlan);
  plans = plans.map(withoutText);
  expect(plans).toEqual(originals);
  expect(plans.every((plan) => plan.text === null)).toBe(true);
  const holding = heapUsed();
  plans = null;
  const without = heapUsed();
  // the texts are 8 MB; the plans without them a few kB
  expect(holding - without).toBeLessThan(TEXT);
});
