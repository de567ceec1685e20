/** A project whose paths and source hold ESC/OSC/CSI sequences and bidi controls: the review shows them, never emits them. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { displayWidth } from '../../src/core/columns.js';
import { HOSTILE, RAW_CONTROL, SHOWN, TITLE_OSC } from '../helpers/hostile.js';
import { cleanup, project } from '../helpers/project.js';
import { KEYS, SIZE, renderApp } from './harness.js';

let app: ReturnType<typeof renderApp> | null = null;
afterEach(() => app?.unmount());
afterAll(cleanup);

/** No frame drawn so far holds a control character or a tab (which Ink would count as no column). */
function expectClean(frames: string[]) {
  for (const frame of frames) {
    expect(frame).not.toMatch(RAW_CONTROL);
    expect(frame).not.toContain('\t');
  }
}

async function start() {
  const root = await project(HOSTILE, 'switcheroo-hostile-');
  app = renderApp(root);
  await app.see('scanned 5 files');
  return { root, app };
}

describe('a project whose text holds control characters', () => {
  it('lists and diffs it with every control shown as an escape, columns counted as shown', async () => {
    const { app } = await start();
    let frame = app.frame();
    expect(frame.split(SHOWN.title).length - 1).toBe(2); // both sides of the diff (the list row is cut)
    expect(frame).toContain(`${SHOWN.reverse}  1 site`);
    expect(frame).toContain(`${SHOWN.rlo}  1 site`);
    expect(frame).toMatch(/⚠ control characters at 5:39 \(U\+001B ESC\), 5:48 \(U\+0007 BEL\), 5:50 \(U\+001B ESC\)/);
    await expect(frame).toMatchFileSnapshot('../../snapshots/ui/control-chars.txt');

    await app.press('j');
    frame = await app.see(`── ${SHOWN.reverse}:5:5 · model`);
    const title = frame.split('\n').find((line) => line.startsWith('── '))!;
    expect(displayWidth(title)).toBe(SIZE.columns); // the rule fills the line as shown
    expect(frame).toContain(`change 2/6 · file 2/5`);

    await app.press('j');
    frame = await app.see(`── ${SHOWN.rlo}:5:2 · model`);
    expect(frame).toContain(`-     model.load_state_dict(sd)  ${SHOWN.bidiComment}`); // the tab: 4 columns
    expect(frame).toMatch(/⚠ bidirectional control characters at 5:31 \(U\+202E RLO\), 5:35 \(U\+2066 LRI\), 5:44 \(U\+2069 PDI\)/);

    await app.press('j');
    frame = await app.see(`── d.py:5:5 · ${SHOWN.clipboard} · non-module`);
    expect(frame).toContain(`Not proposed: \`${SHOWN.clipboard}\` `); // the reason quotes the receiver
    expect(frame).toContain(SHOWN.c1);
    await app.press('j', 'j');
    frame = await app.see('── 模型.py:5:5');
    // the tab goes on to the next stop of 4, counted across the word-diff's segments
    expect(frame).toContain('-     model.load_state_dict(sd)   # 模型');
    expect(frame).toContain('+     variables = KeyMapper.from_torch(sd)    # 模型');
    expectClean(app.rawFrames());
  });

  it('edits inline, summarises, writes and reports with the paths shown, never emitted', async () => {
    const { root, app } = await start();
    await app.press('e');
    let frame = await app.see('Editing a.py line 5');
    expect(frame).toContain(`      model.load_state_dict(${SHOWN.title})`); // the original line
    expect(frame).toContain(`variables = KeyMapper.from_torch(${SHOWN.title})`); // the buffer, caret at its end
    await app.press(KEYS.esc);
    await app.see('change 1/6 · file 1/5');
    await app.press('A');
    frame = await app.see('Summary · 4 changes in 4 files will be written.');
    const rows = frame.split('\n').filter((line) => line.includes('1 change · KeyMapper preamble added'));
    expect(rows).toHaveLength(4);
    const column = (line: string) => displayWidth(line.slice(0, line.indexOf('1 change')));
    expect(new Set(rows.map(column)).size).toBe(1); // the paths padded as shown: 模型.py is 7 columns, b\x1b[7mX.py 12
    expect(rows.some((row) => row.startsWith(SHOWN.reverse))).toBe(true);
    await app.waitFor((f) => !f.includes('asking git'), 'git asked');
    await app.press('w', 'w'); // the summary opened by itself: the first w highlights Write, the second writes
    expect(await app.waitForExit()).toBe(0);
    frame = app.frame();
    expect(frame).toContain(`✔ written     ${SHOWN.reverse}`);
    expect(frame).toContain(`✔ written     ${SHOWN.rlo}`);
    expect(await readFile(join(root, 'a.py'), 'utf8')).toContain(`variables = KeyMapper.from_torch(torch.load("${TITLE_OSC}w`);
    expectClean(app.rawFrames());
  });
});
