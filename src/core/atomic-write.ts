/** Writing a file through a temp file beside it and a rename, so that no reader ever sees it half-written. */
import { randomBytes } from 'node:crypto';
import * as nodeFs from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** The file-system calls writing needs; tests pass a fake to inject faults. */
export interface WriteFs {
  readFile(path: string): Promise<Buffer>;
  stat(path: string): Promise<{ mode: number; uid?: number; gid?: number }>;
  writeFile(path: string, data: Uint8Array, options: { mode: number; flag: string }): Promise<void>;
  /** Optional: without it, a rewritten file belongs to whoever runs the tool. */
  chown?(path: string, uid: number, gid: number): Promise<void>;
  chmod(path: string, mode: number): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  rm(path: string, options: { force: boolean }): Promise<void>;
  /** Optional: without it, a new file is renamed into place after checking that none is there. */
  link?(from: string, to: string): Promise<void>;
}

export const nodeWriteFs = nodeFs as unknown as WriteFs;

/**
 * Writes `bytes` to `path` with `mode` (and `owner`, where the writer may set it). `beforeRename` runs
 * once the new bytes are staged, as late as possible: it throws to keep `path` as it is. On any
 * failure the temp file is removed and `path` keeps its old bytes.
 */
export async function writeAtomically(
  fs: WriteFs,
  path: string,
  bytes: Uint8Array,
  mode: number,
  owner?: { uid: number; gid: number },
  beforeRename: () => Promise<void> = async () => {},
): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.switcheroo-tmp`);
  try {
    await fs.writeFile(tmp, bytes, { mode, flag: 'wx' });
    if (fs.chown && owner && (owner.uid !== process.getuid?.() || owner.gid !== process.getgid?.())) {
      // Keep the owner (root rewriting someone's file); without the right to, the file becomes the writer's, as with any editor.
      await fs.chown(tmp, owner.uid, owner.gid).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EPERM' && error.code !== 'EINVAL') throw error;
      });
    }
    await fs.chmod(tmp, mode); // after chown, which clears setuid and setgid
    await beforeRename();
    await fs.rename(tmp, path);
  } catch (error) {
    await fs.rm(tmp, { force: true }).catch(() => {});
    throw error;
  }
}

/**
 * Creates `path` with `bytes`, never over a file that is there: staged beside it, then linked into
 * place (which fails with EEXIST where a file is), so that no reader sees it half-written either.
 */
export async function createAtomically(fs: WriteFs, path: string, bytes: Uint8Array, mode: number): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.switcheroo-tmp`);
  try {
    await fs.writeFile(tmp, bytes, { mode, flag: 'wx' });
    await fs.chmod(tmp, mode);
    if (fs.link) {
      await fs.link(tmp, path);
    } else {
      const there = await fs.stat(path).then(() => true, () => false);
      if (there) throw Object.assign(new Error(`${path} exists`), { code: 'EEXIST' });
      await fs.rename(tmp, path);
    }
  } finally {
    await fs.rm(tmp, { force: true }).catch(() => {});
  }
}
