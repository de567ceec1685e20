import type { Key } from 'ink';
import { describe, expect, it } from 'vitest';
import { commandFor, editorKeys, footerText, reviewFooterKeys, reviewKeys, summaryKeys, textOpFor } from '../../src/ui/keys.js';
import { NO_KEY } from './press.js';

const key = (patch: Partial<Key>): Key => ({ ...NO_KEY, ...patch });

describe('key map', () => {
  it('maps every documented key of the review', () => {
    const cases: Array<[string, Partial<Key>, string]> = [
      ['y', {}, 'accept'], ['', { return: true }, 'accept'], ['n', {}, 'skip'], ['e', {}, 'edit'],
      ['a', {}, 'accept-file'], ['d', {}, 'skip-file'], ['A', { shift: true }, 'accept-all'], ['u', {}, 'undo'],
      ['j', {}, 'down'], ['', { downArrow: true }, 'down'], ['k', {}, 'up'], ['', { upArrow: true }, 'up'],
      ['+', {}, 'more-context'], ['-', {}, 'less-context'], ['?', {}, 'help'], ['w', {}, 'summary'],
      ['q', {}, 'quit'], ['', { escape: true }, 'clear'], ['c', { ctrl: true }, 'interrupt'], ['', { pageDown: true }, 'page-down'],
      // issue 13: search, filters, jumps and folds, none of them on a key the review had
      ['/', {}, 'search'], ['', { tab: true }, 'next-match'], ['', { tab: true, shift: true }, 'previous-match'],
      ['p', {}, 'filter-pending'], ['P', { shift: true }, 'filter-proposed'], ['t', {}, 'filter-kind'], ['T', { shift: true }, 'filter-kind-back'],
      ['m', {}, 'filter-matches'], [']', {}, 'next-file'], ['[', {}, 'previous-file'], ['g', {}, 'first'], ['G', { shift: true }, 'last'],
      ['z', {}, 'fold'], ['Z', { shift: true }, 'fold-all'],
    ];
    for (const [input, patch, command] of cases) expect(commandFor(reviewKeys, input, key(patch)), input || JSON.stringify(patch)).toBe(command);
    expect(commandFor(reviewKeys, 'x', NO_KEY)).toBe(null);
    expect(commandFor(reviewKeys, 'y', key({ ctrl: true }))).toBe(null);
  });

  it('no two bindings of the review share a key', () => {
    const keys = reviewKeys.flatMap((b) => (b.keys === '/' ? ['/'] : b.keys.split('/')));
    expect(keys).toContain('/');
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
  });

  it('under a filter the footer says A accepts the shown sites; a search adds Tab, and both Esc', () => {
    expect(footerText(reviewFooterKeys(true, false), 200, true)).toContain('u undo · A accept shown · w summary · q quit · Esc clear');
    expect(footerText(reviewFooterKeys(false, true), 200, true)).toContain('q quit · Tab next match · Esc clear · / search');
    expect(footerText(reviewFooterKeys(false, false), 200, true)).toBe(footerText(reviewKeys, 200, true));
  });

  it('gives the summary its own keys', () => {
    expect(commandFor(summaryKeys, 'w', NO_KEY)).toBe('write');
    expect(commandFor(summaryKeys, 'b', NO_KEY)).toBe('back');
    expect(commandFor(summaryKeys, '', key({ escape: true }))).toBe('back');
    expect(commandFor(summaryKeys, 'q', NO_KEY)).toBe('quit');
  });

  it('fits the footer to the width, keeping the help hint', () => {
    const wide = footerText(reviewKeys, 200, true);
    expect(wide).toBe(
      'y/⏎ accept · n skip · e edit · u undo · w summary · q quit · / search · a accept file · d skip file · A accept all · j/k move · [/] file · p/P/t/m filter · z fold · +/- context · ? help',
    );
    const narrow = footerText(reviewKeys, 40, true);
    expect(narrow).toBe('y/⏎ accept · n skip · e edit · ? help');
    expect(narrow.length).toBeLessThanOrEqual(40);
  });

  it('turns keys into inline edits', () => {
    expect(textOpFor('x', NO_KEY)).toEqual({ type: 'insert', text: 'x' });
    expect(textOpFor('\r', key({ return: true }))).toEqual({ type: 'newline' });
    // Ink says `delete` for Backspace (DEL) and Delete (ESC [ 3 ~) alike: the bytes decide
    expect(textOpFor('', key({ delete: true }))).toEqual({ type: 'backspace' });
    expect(textOpFor('', key({ delete: true }), '\u007f')).toEqual({ type: 'backspace' });
    expect(textOpFor('', key({ delete: true }), '\u001b[3~')).toEqual({ type: 'delete' });
    expect(textOpFor('', key({ backspace: true }), '\b')).toEqual({ type: 'backspace' });
    expect(textOpFor('', key({ leftArrow: true }))).toEqual({ type: 'left' });
    expect(textOpFor('e', key({ ctrl: true }))).toEqual({ type: 'end' });
    expect(textOpFor('', key({ escape: true }))).toBe(null);
    expect(commandFor(editorKeys, 's', key({ ctrl: true }))).toBe('write');
  });
});
