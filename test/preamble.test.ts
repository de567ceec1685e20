/**
 * The preamble in real files (issue 15, items 1, 2 and 4): it never takes over a name the file
 * binds, it is added wherever a module-level KeyMapper is missing and never over another binding of
 * that name, and it goes below the whole leading import region with its imports in the file's
 * sections. Each rewritten file is imported and run in the test venv.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { acceptAll, planText } from './helpers/plan.js';
import { cleanup, writeTree } from './helpers/project.js';
import { runInVenv, VENV_PYTHON, venvHas, venvRequired } from './helpers/venv.js';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', 'engine', name), 'utf8');
const rewrite = async (text: string, path = 'fixture.py') => acceptAll(await planText(text, {}, path));

afterAll(cleanup);

/** Python that checks a KeyMapper's output: prefix stripping (all/any), kernels (range), warnings and a target (re). */
const CHECK_MAPPER = `
import warnings as std_warnings
import numpy
def check_mapper(KeyMapper):
    v = KeyMapper.from_torch({"module.fc.weight": numpy.ones((3, 2)), "module.fc.bias": numpy.zeros(3)})
    assert v["params"]["fc"]["kernel"].shape == (2, 3), v
    mixed = KeyMapper.from_torch({"module.a.weight": numpy.ones((3, 2)), "b.weight": numpy.ones((3, 2))})
    assert set(mixed["params"]) == {"module", "b"}, mixed  # not every key has the prefix: kept
    conv = KeyMapper.from_torch({"conv.weight": numpy.ones((4, 3, 2, 2))})
    assert conv["params"]["conv"]["kernel"].shape == (2, 2, 3, 4), conv
    with std_warnings.catch_warnings(record=True) as caught:
        std_warnings.simplefilter("always")
        KeyMapper.from_torch({"attn.bias_k": numpy.ones((1, 1, 2))})
    assert any("manual mapping" in str(w.message) for w in caught), caught
    target = {"params": {"seq": {"layers_0": {"kernel": numpy.zeros((2, 3)), "bias": numpy.zeros(3)}}}}
    t = KeyMapper.from_torch({"seq.0.weight": numpy.ones((3, 2)), "seq.0.bias": numpy.zeros(3)}, target=target)
    assert t["params"]["seq"]["layers_0"]["kernel"].shape == (2, 3), t
`;

describe("item 1: the preamble's imports never replace the file's names", () => {
  it('imports numpy, re and warnings under private names where the file binds them, and reaches a rebound builtin through builtins', async () => {
    const after = await rewrite(fixture('shadowed_names.py'));
    expect(after).not.toMatch(/^import numpy as np$/m);
    expect(after).not.toMatch(/^import (re|warnings)$/m);
    expect(after).toMatch(/^import numpy as _km_np$/m);
    expect(after).toMatch(/^import re as _km_re$/m);
    expect(after).toMatch(/^import warnings as _km_warnings$/m);
    expect(after).toMatch(/^import builtins as _km_builtins$/m);
    expect(after).toContain('_km_builtins.any(');
    // the file's own `import jax.numpy as np` is not that module's name in the class: jnp is free, so it is imported
    expect(after).toMatch(/^import jax\.numpy as jnp$/m);
  });

  it('a `from numpy import *` file: private imports, and all/any/range reached through builtins', async () => {
    const after = await rewrite(fixture('star_import.py'));
    expect(after).toMatch(/^import numpy as _km_np$/m);
    expect(after).toContain('_km_builtins.all(');
    expect(after).toContain('_km_builtins.range(');
    expect(after).not.toContain('_km_builtins.isinstance(');
  });

  it('reuses the file\'s own import of the same module under the same name, and adds no line for it', async () => {
    const after = await rewrite('import re\nimport warnings\n\nimport jax.numpy as jnp\nimport numpy as np\n\n\ndef f(model, sd):\n    model.load_state_dict(sd)\n');
    expect(after.slice(0, after.indexOf('class KeyMapper'))).toBe('import re\nimport warnings\n\nimport jax.numpy as jnp\nimport numpy as np\n\n\n');
  });

  it.skipIf(!venvRequired)('the rewritten files import and run in the venv with their own names intact', async () => {
    const files = { 'shadowed.py': await rewrite(fixture('shadowed_names.py')), 'star.py': await rewrite(fixture('star_import.py')) };
    const r = await runInVenv(files, `${CHECK_MAPPER}
import jax.numpy, torch
import shadowed, star
assert shadowed.np is jax.numpy, shadowed.np
assert shadowed.re == "not the re module" and shadowed.warnings("a") == ["a"] and shadowed.any() == "the file's own any"
check_mapper(shadowed.KeyMapper)
check_mapper(star.KeyMapper)
torch.save({"fc.weight": torch.ones(3, 2)}, "ckpt.pt")
zeros, name, kept = shadowed.load(object(), "ckpt.pt")
assert name == "not the re module" and kept == ["kept"] and zeros.shape == (2,)
assert list(star.load(object(), {"fc.weight": numpy.ones((3, 2))})) == [1, 2]
print("ok")
`);
    expect(r.output).toMatch(/ok\s*$/);
    expect(r.code).toBe(0);
  }, 120_000);
});

describe('item 2: only a module-level mapper counts as having KeyMapper', () => {
  it('a function-local import of KeyMapper elsewhere does not stop the preamble', async () => {
    const plan = await planText(fixture('keymapper_local_import.py'));
    expect(plan.preamble).not.toBeNull();
    expect(acceptAll(plan)).toMatch(/^class KeyMapper:$/m);
  });

  it('a module-level def, assignment or other class named KeyMapper: its sites are not proposed, and it says why', async () => {
    const cases = {
      'def KeyMapper(state):\n    return state\n': /line 4: `def KeyMapper\(state\):`/,
      'KeyMapper = load_mapper()\n': /line 4: `KeyMapper = load_mapper\(\)`/,
      'class KeyMapper:\n    pass\n': /line 4: `class KeyMapper:`/,
      'for KeyMapper in mappers:\n    pass\n': /line 4: `for KeyMapper in mappers:/,
      'try:\n    from km import KeyMapper\nexcept ImportError:\n    KeyMapper = None\n': /line 7: `KeyMapper = None`/,
    };
    for (const [binding, reason] of Object.entries(cases)) {
      const plan = await planText(`import torch\n\n\n${binding}\n\ndef load(model, sd):\n    model.load_state_dict(sd)\n`);
      expect(plan.preamble, binding).toBeNull();
      expect(plan.sites.map((s) => s.proposed), binding).toEqual([false]);
      expect(plan.sites[0]?.reason, binding).toMatch(reason);
      expect(plan.sites[0]?.reason).toMatch(/^`KeyMapper` is bound in this file to something else/);
    }
  });

  it('an import of KeyMapper, or a mapper class, at module level: no preamble; under TYPE_CHECKING: a preamble', async () => {
    for (const binding of ['from mylib import KeyMapper\n', 'class KeyMapper:\n    @classmethod\n    def from_torch(cls, sd):\n        return sd\n']) {
      const plan = await planText(`import torch\n${binding}\n\ndef load(model, sd):\n    model.load_state_dict(sd)\n`);
      expect(plan.preamble, binding).toBeNull();
      expect(plan.sites[0]?.proposed, binding).toBe(true);
    }
    const typing = await planText('from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from mylib import KeyMapper\n\n\ndef load(model, sd):\n    model.load_state_dict(sd)\n');
    expect(typing.preamble).not.toBeNull();
  });

  it.skipIf(!venvRequired)('the file with a function-local import runs its rewritten function in the venv', async () => {
    const r = await runInVenv({ 'local.py': await rewrite(fixture('keymapper_local_import.py')) }, `${CHECK_MAPPER}
import numpy, local
local.load(object(), {"fc.weight": numpy.ones((3, 2))})
check_mapper(local.KeyMapper)
print("ok")
`);
    expect(r.output).toMatch(/ok\s*$/);
  }, 120_000);
});

describe('item 4: the preamble goes below the whole import region, its imports in the sections', () => {
  it('after guarded imports (if/try) that follow the sections, with re and warnings among the standard library', async () => {
    const after = await rewrite(fixture('guarded_imports.py'), 'pkg/training_utils.py');
    expect(after).toContain('import math\nimport re\nimport warnings\nfrom typing import Any, Dict, Optional\n\nimport jax.numpy as jnp\nimport numpy as np\nimport torch\n');
    expect(after).toContain('except ImportError:\n    xformers = None\n\n\nclass KeyMapper:\n');
    expect(after.indexOf('class KeyMapper')).toBeGreaterThan(after.indexOf('from peft import'));
  });

  it('never between local imports: a missing standard-library section goes above the third-party one', async () => {
    const basic = await rewrite('import torch\n\nfrom models import Net\n\n\ndef load(path):\n    Net().load_state_dict(torch.load(path))\n');
    expect(basic.slice(0, basic.indexOf('class KeyMapper'))).toBe(
      'import re\nimport warnings\n\nimport jax.numpy as jnp\nimport numpy as np\nimport torch\n\nfrom models import Net\n\n\n',
    );
    const local = await rewrite(fixture('local_imports.py'));
    expect(local).toContain('import os\nimport re\nimport sys\nimport warnings\n\nimport jax.numpy as jnp\nimport numpy as np\nimport torch\nfrom torch import nn\n\nfrom .layers import Block\n');
  });

  it('a file that mixes its sections gets the lines as one group after its imports, a blank line between', async () => {
    const after = await rewrite('import torch\nimport os\nfrom models import Net\n\n\ndef load(path):\n    Net().load_state_dict(torch.load(path))\n');
    expect(after.slice(0, after.indexOf('class KeyMapper'))).toBe(
      'import torch\nimport os\nfrom models import Net\n\nimport jax.numpy as jnp\nimport numpy as np\nimport re\nimport warnings\n\n\n',
    );
  });

  it.skipIf(!venvRequired)('the diffusers-shaped package imports and runs, and pycodestyle (E402) and isort pass on it', async () => {
    const files = {
      'pkg/__init__.py': '',
      'pkg/models.py': 'UNet2DConditionModel = object\n',
      'pkg/utils.py': 'deprecate = None\n\ndef is_peft_available():\n    return False\n\ndef is_transformers_available():\n    return False\n',
      'pkg/training_utils.py': await rewrite(fixture('guarded_imports.py'), 'pkg/training_utils.py'),
      'local/__init__.py': '',
      'local/layers.py': 'Block = object\n',
      'local/utils.py': 'load_config = None\n',
      'local/restore.py': await rewrite(fixture('local_imports.py'), 'local/restore.py'),
    };
    const r = await runInVenv(files, `${CHECK_MAPPER}
import numpy
import pkg.training_utils as m
import local.restore
m.load_unet(object(), {"fc.weight": numpy.ones((3, 2))})
check_mapper(m.KeyMapper)
check_mapper(local.restore.KeyMapper)
print("ok")
`);
    expect(r.output).toMatch(/ok\s*$/);
    if (!(await venvHas('pycodestyle', 'isort')) && !process.env.CI) {
      console.warn('[preamble] pycodestyle or isort missing from .venv: run `bash .ci/setup-python.sh`; the style checks are skipped');
      return;
    }
    const originals = { 'pkg/original.py': fixture('guarded_imports.py'), 'local/original.py': fixture('local_imports.py') };
    await writeTree(r.dir, originals);
    // the fixtures pass both (diffusers' own isort settings: black's profile, two lines after the imports), and so must the results
    for (const file of ['pkg/training_utils.py', 'local/restore.py', ...Object.keys(originals)]) {
      const e402 = await execa(VENV_PYTHON, ['-m', 'pycodestyle', '--select=E402', file], { cwd: r.dir, reject: false, all: true });
      expect(e402.all, file).toBe('');
      const isort = await execa(VENV_PYTHON, ['-m', 'isort', '--profile', 'black', '--lines-after-imports', '2', '--check-only', '--diff', file], { cwd: r.dir, reject: false, all: true });
      expect(isort.exitCode, `${file}\n${isort.all}`).toBe(0);
    }
  }, 120_000);
});
