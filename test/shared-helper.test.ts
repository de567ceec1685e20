/** `--preamble module`: where the shared helper goes and how each file imports it, as Python would run that file. */
import { describe, expect, it } from 'vitest';
import { helperImportFor, helperPlace, type Layout } from '../src/core/shared-helper.js';
import type { SharedHelper } from '../src/core/types.js';
import { getParser } from '../src/core/parser.js';
import { withHelperImport } from '../src/core/plan.js';
import { DEFAULT_SCAN_OPTIONS } from '../src/core/scan.js';
import { planText } from './helpers/plan.js';

/** Directories holding `__init__.py`. */
const layout = (...packages: string[]): Layout => ({ isPackage: (dir) => packages.includes(dir) });
const helper = (place: ReturnType<typeof helperPlace>): SharedHelper => ({ ...place, absPath: `/p/${place.path}`, text: '' });

describe('where the helper goes', () => {
  it('into the top package holding most changed files, imported from its top', () => {
    const l = layout('pkg', 'pkg/sub', 'pkg/sub/deep', 'other');
    expect(helperPlace(l, ['pkg/sub/deep/a.py', 'pkg/b.py', 'other/c.py', 'scripts/d.py'], null)).toEqual({ path: 'pkg/keymapper.py', module: 'pkg.keymapper', entry: '' });
    // a src layout: the package's top is src/pkg, run with src on sys.path
    expect(helperPlace(layout('src/pkg', 'src/pkg/m'), ['src/pkg/m/a.py'], null)).toEqual({ path: 'src/pkg/keymapper.py', module: 'pkg.keymapper', entry: 'src' });
  });

  it('beside scripts that share a directory, else in the deepest directory holding them all', () => {
    expect(helperPlace(layout(), ['tools/a.py', 'tools/b.ipynb'], null)).toEqual({ path: 'tools/keymapper.py', module: 'keymapper', entry: 'tools' });
    expect(helperPlace(layout(), ['exp/one/a.py', 'exp/two/b.py'], null)).toEqual({ path: 'exp/keymapper.py', module: 'keymapper', entry: 'exp' });
    expect(helperPlace(layout(), ['a.py', 'exp/b.py'], null)).toEqual({ path: 'keymapper.py', module: 'keymapper', entry: '' });
  });

  it('where PATH says, refusing a path Python cannot import', () => {
    expect(helperPlace(layout('pkg', 'pkg/util'), ['x.py'], 'pkg/util/km.py')).toEqual({ path: 'pkg/util/km.py', module: 'pkg.util.km', entry: '' });
    // a directory that is no package is a sys.path entry of its own: `km` with `my-tools` on the path
    expect(helperPlace(layout(), ['x.py'], 'my-tools/km.py')).toEqual({ path: 'my-tools/km.py', module: 'km', entry: 'my-tools' });
    expect(() => helperPlace(layout('pkg', 'pkg/my-sub'), ['x.py'], 'pkg/my-sub/km.py')).toThrow('--preamble module=pkg/my-sub/km.py: Python cannot import that path');
  });
});

describe('how each file imports it', () => {
  const l = layout('pkg', 'pkg/sub');
  const shared = helper(helperPlace(l, ['pkg/sub/a.py'], null));

  it('from its own sys.path entry where that reaches the helper: no warning', () => {
    expect(helperImportFor(l, 'pkg/sub/a.py', '', shared)).toEqual({ module: 'pkg.keymapper', warning: null });
    expect(helperImportFor(l, 'train.py', '', shared)).toEqual({ module: 'pkg.keymapper', warning: null });
    // a script above a non-package directory reaches it as a namespace package
    const tools = helper(helperPlace(layout(), ['tools/a.py'], 'tools/km.py'));
    expect(helperImportFor(layout(), 'run.py', '', tools)).toEqual({ module: 'tools.km', warning: null });
  });

  it('says which sys.path entry a script elsewhere needs, unless it imports the package already', () => {
    expect(helperImportFor(l, 'scripts/export.py', 'import torch\n', shared)).toEqual({
      module: 'pkg.keymapper',
      warning: 'the shared KeyMapper is `pkg.keymapper` (pkg/keymapper.py): running this file needs the project root on sys.path (PYTHONPATH), and it runs with `scripts` there',
    });
    expect(helperImportFor(l, 'scripts/eval.py', 'from pkg.sub.a import f\n', shared).warning).toBeNull();
  });
});

describe('a file under --preamble module', () => {
  it('gets the import where the class would go, and nothing where it already imports or defines KeyMapper', async () => {
    const options = { ...DEFAULT_SCAN_OPTIONS, preamble: 'module' as const };
    const plain = await planText('import torch\n\nmodel = torch.nn.Linear(2, 2)\nmodel.load_state_dict(sd)\n', options);
    expect(plain.preamble?.text).toBe('\nfrom keymapper import KeyMapper\n');
    // placed again once the scanner knows the helper is in a package: first-party, after torch
    const placed = withHelperImport(await getParser(), plain, { module: 'pkg.keymapper', warning: 'needs the root on sys.path' }, options);
    expect(placed.preamble?.text).toBe('\nfrom pkg.keymapper import KeyMapper\n');
    expect(placed.sites.map((s) => s.warnings)).toEqual([['needs the root on sys.path']]);
    expect(placed.sites.map((s) => s.replacement)).toEqual(plain.sites.map((s) => s.replacement));
    for (const text of ['from elsewhere import KeyMapper\nmodel.load_state_dict(sd)\n', 'class KeyMapper:\n    @classmethod\n    def from_torch(cls, sd):\n        return sd\n\n\nmodel.load_state_dict(sd)\n']) {
      expect((await planText(text, options)).preamble).toBeNull();
    }
  });
});
