// Replaces a file whole or not at all, and only the file that was read: a temp file beside
// it (mode and owner copied), a last look at the file, then a rename. A file the user
// edited meanwhile, a read-only file, a hard-linked one, or one whose owner cannot be kept
// is left as it is, with the reason.
import { chmodSync, closeSync, constants, fchownSync, fstatSync, lstatSync, openSync, readSync, renameSync, rmSync, writeSync, type Stats } from 'node:fs';
import { tempPathFor } from './temp-files.js';

export const CHANGED_DURING_RUN = 'changed during migration; run again to migrate the new text';

/** Why `path` (a regular file as `lstat` sees it) must not be replaced, or undefined. */
export function refusalFor(stats: Stats): string | undefined {
  if (!stats.isFile()) return stats.isSymbolicLink() ? CHANGED_DURING_RUN : 'not a regular file';
  if (stats.nlink > 1) return `has ${stats.nlink} hard links, which a rewrite would split; edit it by hand`;
  if ((stats.mode & 0o222) === 0) return 'read-only; make it writable to migrate it';
  return undefined;
}

/** The bytes of the open file `fd`, read from the start. */
function contents(fd: number): Buffer {
  const chunks: Buffer[] = [];
  for (let position = 0; ; ) {
    const chunk = Buffer.allocUnsafe(Math.max(fstatSync(fd).size - position, 0) + 4096);
    const read = readSync(fd, chunk, 0, chunk.length, position);
    if (read === 0) return Buffer.concat(chunks);
    chunks.push(chunk.subarray(0, read));
    position += read;
  }
}

function writeTemp(temp: string, bytes: Buffer, stats: Stats): string | undefined {
  const fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  try {
    for (let offset = 0; offset < bytes.length; ) offset += writeSync(fd, bytes, offset);
    const own = fstatSync(fd);
    if (own.uid !== stats.uid || own.gid !== stats.gid) {
      try {
        fchownSync(fd, stats.uid, stats.gid);
      } catch {
        return `owned by ${stats.uid}:${stats.gid}, which a rewrite by this user cannot keep; run as its owner`;
      }
    }
  } finally {
    closeSync(fd);
  }
  // After the chown, which may clear set-id bits.
  chmodSync(temp, stats.mode & 0o7777);
  return undefined;
}

/**
 * Writes `output` over `path` if `path` still holds exactly `original`; returns undefined
 * when written (or, with `dry`, when it would be), else the reason it was left alone.
 */
export function replaceFile(path: string, original: string, output: string, dry = false): string | undefined {
  const before = lstatSync(path);
  const refusal = refusalFor(before);
  if (refusal !== undefined || dry) return refusal;
  const expected = Buffer.from(original);
  const temp = tempPathFor(path);
  let renamed = false;
  let fd: number | undefined;
  try {
    const ownerProblem = writeTemp(temp, Buffer.from(output), before);
    if (ownerProblem !== undefined) return ownerProblem;
    // The last look: same file, same bytes as read. Kept open, so that an edit written into
    // it between this look and the rename is still seen afterwards.
    fd = openSync(path, 'r');
    const now = fstatSync(fd);
    if (now.ino !== before.ino || now.dev !== before.dev || !contents(fd).equals(expected)) return CHANGED_DURING_RUN;
    renameSync(temp, path);
    renamed = true;
    const late = contents(fd);
    if (!late.equals(expected)) {
      // Edited in the instant before the rename: put the user's text back.
      writeTemp(temp, late, now);
      renameSync(temp, path);
      return CHANGED_DURING_RUN;
    }
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (!renamed && (code === 'EACCES' || code === 'EPERM' || code === 'EROFS')) return `cannot be replaced: ${(error as Error).message}`;
    throw error;
  } finally {
    if (fd !== undefined) closeSync(fd);
    rmSync(temp, { force: true });
  }
}
