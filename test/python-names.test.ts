/** src/core/python-names.ts against the python3 that runs the tests. */
import { execa } from 'execa';
import { expect, it } from 'vitest';
import { BUILTINS, KEYWORDS, STDLIB_MODULES } from '../src/core/python-names.js';

it("holds python3's keywords, public builtins and standard-library modules", async () => {
  const script = `import builtins, json, keyword, sys
print(json.dumps({"keywords": keyword.kwlist, "builtins": [n for n in dir(builtins) if not n.startswith("_")],
  "stdlib": [n for n in sys.stdlib_module_names if not n.startswith("_")]}))`;
  const python = JSON.parse((await execa('python3', ['-c', script])).stdout) as Record<'keywords' | 'builtins' | 'stdlib', string[]>;
  expect([...KEYWORDS].sort()).toEqual([...python.keywords].sort());
  expect(python.builtins.filter((n) => !BUILTINS.has(n))).toEqual([]);
  expect(python.stdlib.filter((n) => !STDLIB_MODULES.has(n))).toEqual([]);
  expect(python.builtins.length).toBeGreaterThan(100);
});
