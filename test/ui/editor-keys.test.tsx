/**
 * Issue 15 item 10: the inline editor holds the statement's whole lines with their real indentation,
 * and its keys do what they do in any editor, however they reach it (Backspace is DEL, 0x7f, in
 * tmux and most terminals; Delete is ESC [ 3 ~; two quick Backspaces come in one read).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { copyFixture, KEYS, renderApp } from './harness.js';

let app: ReturnType<typeof renderApp> | null = null;
afterEach(() => app?.unmount());

const KEY = { backspace: '\u007f', delete: '\u001b[3~', home: '\u001b[H', end: '\u001b[F', right: '\u001b[C' };

async function start() {
  const root = await copyFixture();
  app = renderApp(root);
  await app.see('scanned 3 files');
  return { root, app };
}

async function writeAll(app: NonNullable<typeof app>) {
  await app.press('w');
  await app.see('Summary');
  await app.press('w');
  return app.waitForExit();
}

describe('the inline editor', () => {
  it('holds the whole line, indented as in the file; Backspace, Delete and Enter act as in any editor', async () => {
    const { root, app } = await start();
    await app.press('e');
    // the statement's line with its four spaces, the caret at its end
    let frame = await app.see('Editing models/net.py line 17');
    expect(frame.split('\n')).toContain('      variables = KeyMapper.from_torch(checkpoint["model"])');
    // two quick Backspaces, in one read: two characters erased, no DEL byte in the text
    await app.press(KEY.backspace + KEY.backspace);
    frame = await app.waitFor((f) => f.split('\n').includes('      variables = KeyMapper.from_torch(checkpoint["model"'), 'two characters erased');
    await app.press('])');
    // Delete erases forward: the word after the indentation
    await app.press(KEY.home, KEY.right, KEY.right, KEY.right, KEY.right);
    for (let i = 0; i < 'variables'.length; i++) await app.press(KEY.delete);
    await app.press('params', KEY.end);
    // Enter starts the new line at the indentation of the one above
    await app.press(KEYS.enter, 'params = dict(params)', KEYS.ctrlS);
    await app.see('✎ 1 edited');
    await app.press('k', 'k');
    frame = await app.see('+     params = dict(params)');
    expect(frame).toContain('+     params = KeyMapper.from_torch(checkpoint["model"])');
    expect(await writeAll(app)).toBe(0);
    const written = await readFile(join(root, 'models/net.py'), 'utf8');
    expect(written).toContain('    checkpoint = torch.load(path)\n    params = KeyMapper.from_torch(checkpoint["model"])\n    params = dict(params)\n    optimizer');
    expect(written).not.toContain('\u007f');
  });

  it('edits a site whose result is used as its whole statement: the names it assigns too', async () => {
    const { root, app } = await start();
    await app.press('j', 'j', 'j');
    await app.see('── train.py:10:27 · model');
    await app.press('e');
    await app.see('      missing, unexpected = KeyMapper.from_torch(state)');
    await app.press(KEY.home, KEY.right, KEY.right, KEY.right, KEY.right);
    for (let i = 0; i < 'missing, unexpected'.length; i++) await app.press(KEY.delete);
    await app.press('variables', KEYS.ctrlS);
    await app.see('✎ 1 edited');
    expect(await writeAll(app)).toBe(0);
    expect(await readFile(join(root, 'train.py'), 'utf8')).toContain('    variables = KeyMapper.from_torch(state)\n    print(missing, unexpected)\n');
  });

  it('takes pasted lines as they are, without indenting them again', async () => {
    const { root, app } = await start();
    await app.press('e');
    await app.see('Ctrl-S: save');
    await app.press(`${'\u007f'.repeat(57)}`);
    await app.press('    a = 1\r    b = 2', KEYS.ctrlS);
    await app.see('✎ 1 edited');
    expect(await writeAll(app)).toBe(0);
    expect(await readFile(join(root, 'models/net.py'), 'utf8')).toContain('    checkpoint = torch.load(path)\n    a = 1\n    b = 2\n    optimizer');
  });
});
