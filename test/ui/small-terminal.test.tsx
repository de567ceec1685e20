/**
 * Issue 15 item 11: at 80x24 and 60x20 no screen draws over the header or the footer, and the
 * help scrolls to its last line.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { copyFixture, KEYS, renderApp } from './harness.js';

let app: ReturnType<typeof renderApp> | null = null;
afterEach(() => app?.unmount());

const SIZES = [
  { columns: 80, rows: 24 },
  { columns: 60, rows: 20 },
];

/** The frame's lines: no more than the terminal has (one is kept free), the header's two lines on top. */
function expectFramed(frame: string, size: { columns: number; rows: number }) {
  const lines = frame.split('\n');
  expect(lines.length).toBeLessThanOrEqual(size.rows - 1);
  expect(lines[0]).toMatch(/^change \d+\/7 · file \d\/3 /);
  expect(lines[1]).toMatch(/^scanned 3 files · 7 sites in 3 files/);
  return lines;
}

describe.each(SIZES)('at $columns x $rows', (size) => {
  it('the help keeps the header and its title, and scrolls to its end', async () => {
    const root = await copyFixture();
    app = renderApp(root, {}, size);
    await app.see('scanned 3 files');
    await app.press('?');
    let frame = await app.see('Keys');
    let lines = expectFramed(frame, size);
    expect(lines[2]).toBe('Keys');
    expect(frame).toMatch(/↓ \d+ more \(PgDn\/space\)/);
    await expect(frame).toMatchFileSnapshot(`../../snapshots/ui/help-${size.columns}x${size.rows}.txt`);
    // a line at a time, then a page at a time, to the last line
    await app.press(KEYS.down);
    frame = await app.see('↑ 1 more (PgUp)');
    const atEnd = (f: string) => f.replace(/\s+/g, ' ').includes('calls KeyMapper is accepted.');
    for (let i = 0; i < 5 && !atEnd(frame); i++) {
      await app.press(KEYS.pageDown);
      frame = app.frame();
    }
    lines = expectFramed(frame, size);
    expect(lines[2]).toBe('Keys');
    expect(atEnd(frame)).toBe(true);
    expect(frame).not.toMatch(/↓ \d+ more/);
    await app.press(KEYS.esc);
    expectFramed(await app.see('y/⏎ accept'), size);
  });

  it('the review, the editor, the summary and the quit question keep the header and the footer', async () => {
    const root = await copyFixture();
    app = renderApp(root, {}, size);
    await app.see('scanned 3 files');
    const footer = (frame: string) => frame.split('\n').at(-1);
    expect(footer(expectFramed(app.frame(), size).join('\n'))).toMatch(/^y\/⏎ accept/);
    await app.press('e');
    expect(footer(expectFramed(await app.see('Ctrl-S save'), size).join('\n'))).toMatch(/^Ctrl-S save/);
    await app.press(KEYS.esc, 'A');
    expect(footer(expectFramed(await app.see('Summary'), size).join('\n'))).toMatch(/^w write/);
    await app.press('q');
    expect(footer(expectFramed(await app.see('Quit without writing?'), size).join('\n'))).toMatch(/^q\/y quit/);
  });

  it('under a filter and a search the header takes a third line, and the frame still fits with the selection in view', async () => {
    const root = await copyFixture();
    app = renderApp(root, {}, size);
    await app.see('scanned 3 files');
    await app.press('/', 'm', 'o', 'd', 'e', 'l', KEYS.enter, 'P');
    const frame = await app.see('filter: proposed');
    const lines = expectFramed(frame, size);
    expect(lines[2]).toMatch(/^filter: proposed · 3 of 7 sites shown/);
    expect(frame).toMatch(/ ▸\*\d+:\d+ +· pending +module +model\.load_state_dict/);
    expect(lines.at(-1)).toMatch(/^y\/⏎ accept/);
    // the list, the diff's title and the diff's last line (its marker, right above the message) all drawn: nothing over another
    expect(lines.filter((l) => /^── .*net\.py:17:5 · model · module · pending/.test(l))).toHaveLength(1);
    expect(lines.at(-3)).toMatch(/^ {2}↓ \d+ more lines below/);
    expect(lines.at(-2)).toMatch(/^Filter: proposed/);
  });
});
