/**
 * The review's modules and Ink, React and the rest as one built file (src/build/bundle-ui.mjs),
 * which the CLI loads instead of some hundred separate modules: the review's start on the bench
 * machine went from about 1.15 s to 0.8 s.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, assertBuilt } from './helpers/project.js';

const BUNDLE = join(REPO, 'dist', 'ui', 'review-bundle.js');

describe('the review bundle', () => {
  it('holds Ink and React itself and imports only the project\u2019s own core and cli modules, which exist', () => {
    assertBuilt();
    const text = readFileSync(BUNDLE, 'utf8');
    const imports = [...text.matchAll(/^import .*? from "([^"]+)";$|^import "([^"]+)";$/gm)].map((m) => m[1] ?? m[2]);
    const external = imports.filter((p) => !p?.startsWith('node:') && !/^(module|fs|path|os|url|tty|util|events|stream|process|child_process|assert|buffer|crypto|string_decoder)$/.test(p ?? ''));
    expect(external.length).toBeGreaterThan(5);
    for (const path of external) {
      expect(path, path).toMatch(/^\.\.\/(core|cli)\/[\w./-]+\.js$/);
      expect(existsSync(join(REPO, 'dist', 'ui', path as string)), path).toBe(true);
    }
    expect(text).toContain('ink-select-input');
  });

  it('gives the review as its modules do', async () => {
    assertBuilt();
    const bundled = (await import(BUNDLE)) as Record<string, unknown>;
    const modules = (await import(join(REPO, 'dist', 'ui', 'run-review.js'))) as Record<string, unknown>;
    expect(Object.keys(bundled).sort()).toEqual(Object.keys(modules).sort());
    expect(typeof bundled.runReview).toBe('function');
  });
});
