import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { editorCommand, externalEditor } from '../../src/ui/editor.js';

async function script(body: string): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'switcheroo-editor-test-')), 'editor.sh');
  await writeFile(path, `#!/bin/sh\n${body}\n`);
  await chmod(path, 0o755);
  return path;
}

function terminal() {
  const stdout = new PassThrough();
  let written = '';
  stdout.on('data', (chunk) => (written += String(chunk)));
  return { stdin: process.stdin, stdout: stdout as unknown as NodeJS.WriteStream, written: () => written };
}

describe('external editor', () => {
  it('prefers $VISUAL, then $EDITOR', () => {
    expect(editorCommand({ VISUAL: 'code --wait', EDITOR: 'vi' })).toBe('code --wait');
    expect(editorCommand({ VISUAL: ' ', EDITOR: 'vi' })).toBe('vi');
    expect(editorCommand({})).toBe(null);
  });

  it('returns what the editor saved, without the newline it added, and redraws', async () => {
    const t = terminal();
    const edit = externalEditor(await script('sed -i "s/variables/params/" "$1"'), t.stdin, t.stdout);
    expect(await edit('variables = KeyMapper.from_torch(sd)')).toBe('params = KeyMapper.from_torch(sd)');
    expect(t.written()).toContain('\u001b[2J');
  });

  it('passes arguments given in the command', async () => {
    const t = terminal();
    const edit = externalEditor(`${await script('printf "%s" "$1" > "$2"')} --flag`, t.stdin, t.stdout);
    expect(await edit('x')).toBe('--flag');
  });

  it('fails with the exit code when the editor fails', async () => {
    const t = terminal();
    const edit = externalEditor(await script('exit 3'), t.stdin, t.stdout);
    await expect(edit('x')).rejects.toThrow(/exited with code 3/);
  });
});
