/** The built bin's review in tmux on a project with a package, scripts and a notebook, under --preamble module (issue 11). */
import { cp, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, hasTmux, killTmux, session } from './tmux.js';

afterAll(() => killTmux());

describe.skipIf(!hasTmux)('the review of a notebook change and the shared helper, in tmux', () => {
  it('shows the notebook cell, the helper as a new file, and writes both', async () => {
    const root = await mkdtemp(join(tmpdir(), 'switcheroo-tmux-issue11-'));
    await cp(join(import.meta.dirname, '..', 'fixtures', 'issue11', 'shared'), root, { recursive: true });
    const cache = await mkdtemp(join(tmpdir(), 'switcheroo-cache-'));
    const command = `cd '${root}' && XDG_CACHE_HOME='${cache}' NO_COLOR=1 node '${BIN}' --preamble module --mapper reference .; echo "EXIT=$?"; sleep 600`;
    const { settled, press, send } = session('issue11', command, 120, 40);
    // the helper's place is known once every file is read: settle on the end of the scan
    const first = await settled('scanned 9 files');
    expect(first).toContain('mypkg/train/restore.py:8:5 · model · module · pending');
    expect(first).toContain('+ from mypkg.keymapper import KeyMapper');
    expect(first).toContain('@@ -0,0 +1,55 @@ mypkg/keymapper.py (new file)  the shared KeyMapper, written once with the first accepted change');
    await expect(first).toMatchFileSnapshot('../../snapshots/ui/tmux-shared-helper.txt');
    send('PageDown');
    await settled('+ class KeyMapper:');
    // the notebook's change: its cell and the cell's own line numbers
    await press('j', 'mypkg/train/restore.py:9:5');
    await press('j', 'mypkg/train/restore.py:10:5');
    const notebook = await press('j', 'notebooks/demo.ipynb · cell 3 · line 2 · layer · module · pending');
    expect(notebook).toContain('@@ -1,2 +1,2 @@ cell 3');
    expect(notebook).toContain('+ variables = KeyMapper.from_torch(nn.Linear(2, 2).state_dict())');
    expect(notebook).toContain('⚠ the shared KeyMapper is `mypkg.keymapper` (mypkg/keymapper.py): running this file needs the project root on sys.path');
    await expect(await settled('notebooks/demo.ipynb · cell 3 · line 2')).toMatchFileSnapshot('../../snapshots/ui/tmux-notebook.txt');
    await press('A', 'Summary · 7 changes in 6 files will be written.');
    await press('w', 'Press w or Enter to write 6 files');
    const done = await press('w', 'EXIT=');
    expect(done).toContain('EXIT=0');
    expect(done).toMatch(/written +mypkg\/keymapper\.py/);
    expect(await readFile(join(root, 'mypkg', 'keymapper.py'), 'utf8')).toContain('class KeyMapper:');
    expect(await readFile(join(root, 'notebooks', 'demo.ipynb'), 'utf8')).toContain('"from mypkg.keymapper import KeyMapper"');
  }, 120_000);
});
