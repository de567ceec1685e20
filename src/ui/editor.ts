import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execaSync, parseCommandString } from 'execa';

const SHOW_CURSOR = '\u001b[?25h';
const HIDE_CURSOR = '\u001b[?25l';
const CLEAR_SCREEN = '\u001b[2J\u001b[H';

/** `$VISUAL`, else `$EDITOR`; null when neither is set. */
export function editorCommand(env: NodeJS.ProcessEnv): string | null {
  const command = env.VISUAL?.trim() || env.EDITOR?.trim();
  return command ? command : null;
}

/**
 * Opens text in an external editor, handing it the terminal. The editor runs synchronously: while it
 * has the terminal nothing else in this process reads stdin or draws. Afterwards the screen is cleared
 * so Ink's next frame redraws it whole.
 */
export function externalEditor(command: string, stdin: NodeJS.ReadStream, stdout: NodeJS.WriteStream) {
  return async (text: string): Promise<string> => {
    const dir = mkdtempSync(join(tmpdir(), 'switcheroo-edit-'));
    const file = join(dir, 'replacement.py');
    const wasRaw = stdin.isTTY === true && stdin.isRaw;
    try {
      writeFileSync(file, text.endsWith('\n') ? text : `${text}\n`);
      const [bin = command, ...args] = parseCommandString(command);
      if (wasRaw) stdin.setRawMode(false);
      stdout.write(SHOW_CURSOR);
      const result = execaSync(bin, [...args, file], { stdio: 'inherit', reject: false });
      if (result.failed) throw new Error(result.exitCode === undefined ? `${bin} could not be started` : `${bin} exited with code ${result.exitCode}`);
      const saved = readFileSync(file, 'utf8');
      return text.endsWith('\n') ? saved : saved.replace(/\r?\n$/, '');
    } finally {
      if (wasRaw) stdin.setRawMode(true);
      stdout.write(CLEAR_SCREEN + HIDE_CURSOR);
      rmSync(dir, { recursive: true, force: true });
    }
  };
}
