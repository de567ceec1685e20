/**
 * The build's one-file execa (src/build/bundle-core.mjs), which discovery's git runs through:
 * execa's own modules took 106-130 ms to load before git could start.
 */
import { readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, assertBuilt } from './helpers/project.js';

describe('git through the bundled execa', () => {
  it('runs git with the bundle, which imports nothing from node_modules at run time', async () => {
    assertBuilt();
    const bundle = join(REPO, 'dist', 'core', 'execa-bundle.js');
    const runGit = (await import(join(REPO, 'dist', 'core', 'run-git.js'))) as typeof import('../src/core/run-git.js');
    const bundled = ((await import(bundle)) as { execa: unknown }).execa;
    expect(await runGit.loadExeca()).toBe(bundled);
    // only Node's own modules, by name or through require
    const text = readFileSync(bundle, 'utf8');
    const imported = [/^\s*import\b[^;\n]*?\bfrom\s*["']([^"']+)["']/gm, /\bimport\(\s*["']([^"']+)["']\s*\)/g, /\brequire\(\s*["']([^"']+)["']\s*\)/g].flatMap((pattern) => [...text.matchAll(pattern)].map((m) => m[1] as string));
    expect(imported.length).toBeGreaterThan(5);
    expect(imported.filter((name) => !isBuiltin(name))).toEqual([]);
    expect(imported).not.toContain('execa');
    const version = await runGit.git(['--version'], REPO);
    expect(version.exitCode).toBe(0);
    expect(version.stdout).toMatch(/^git version /);
  });
});
