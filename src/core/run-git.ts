/** Running git through execa, loaded on first use so that start-up does not pay for it. */

export interface GitResult {
  exitCode: number;
  stdout: string;
}

/** Runs `git args` in `cwd`; never throws for a non-zero exit. Throws when git is not installed. */
export async function git(args: string[], cwd: string): Promise<GitResult> {
  const { execa } = await import('execa');
  const result = await execa('git', args, { cwd, reject: false, stripFinalNewline: false, maxBuffer: 512 * 1024 * 1024 });
  if (result.failed && result.exitCode === undefined) throw result;
  return { exitCode: result.exitCode ?? 1, stdout: result.stdout };
}
