/** Running git through execa, loaded on first use so that start-up does not pay for it. */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface GitResult {
  exitCode: number;
  stdout: string;
}

type Execa = (typeof import('execa'))['execa'];

/**
 * execa as the build made it, one file beside this module (src/build/bundle-core.mjs: it loads in
 * a quarter of the time), else (running from the sources) from node_modules.
 */
export async function loadExeca(): Promise<Execa> {
  const bundled = new URL('./execa-bundle.js', import.meta.url);
  if (existsSync(fileURLToPath(bundled))) return ((await import(bundled.href)) as { execa: Execa }).execa;
  return (await import('execa')).execa;
}

/** Runs `git args` in `cwd`; never throws for a non-zero exit. Throws when git is not installed. */
export async function git(args: string[], cwd: string): Promise<GitResult> {
  const execa = await loadExeca();
  const result = await execa('git', args, { cwd, reject: false, stripFinalNewline: false, maxBuffer: 512 * 1024 * 1024 });
  if (result.failed && result.exitCode === undefined) throw result;
  return { exitCode: result.exitCode ?? 1, stdout: result.stdout };
}
