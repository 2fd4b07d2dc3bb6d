// better-sqlite3's errors turned into DatabaseErrors that name the file and say what to do.
import { DatabaseError } from '../database-error.js';

/** What an operator can do about each kind of failure, by SQLite primary result code. */
function advice(path: string, code: string, busyTimeoutMs: number): { text: string; transient?: boolean } {
  const primary = code.replace(/^(SQLITE_[A-Z]+).*$/, '$1');
  switch (primary) {
    case 'SQLITE_BUSY':
    case 'SQLITE_LOCKED':
      return {
        text: `is locked by another connection and stayed locked for the busy timeout (${busyTimeoutMs} ms); another process holds a long write transaction on it`,
        transient: true,
      };
    case 'SQLITE_READONLY':
      return { text: 'is read-only (file permissions, a read-only file system, or its folder is not writable for the -wal and -shm files); make it writable, or work on a writable copy' };
    case 'SQLITE_FULL':
      return { text: 'cannot grow: the disk (or the file system quota) is full; free space and run again (what failed was not stored)' };
    case 'SQLITE_CORRUPT':
    case 'SQLITE_NOTADB':
      return {
        text: `is damaged (a page of it is corrupt); nothing more is written to it. Restore it from a backup, or salvage it with \`sqlite3 ${path} .recover | sqlite3 recovered.db\` and open the copy`,
      };
    case 'SQLITE_IOERR':
      return { text: 'could not be read or written (an I/O error from the operating system); check the disk and the file system' };
    case 'SQLITE_CANTOPEN':
      return { text: 'cannot be opened: its folder does not exist or is not accessible, or too many files are open' };
    case 'SQLITE_PERM':
    case 'SQLITE_AUTH':
      return { text: 'refused access (permissions); check who owns the file and its folder' };
    case 'SQLITE_NOMEM':
      return { text: 'ran out of memory', transient: true };
    default:
      return { text: 'failed' };
  }
}

/** A DatabaseError for a driver error, or the error itself when it already is one. */
export function sqliteError(path: string, error: unknown, busyTimeoutMs: number): Error {
  if (error instanceof DatabaseError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return error instanceof Error ? error : new Error(String(error));
  const { text, transient } = advice(path, code, busyTimeoutMs);
  return new DatabaseError(`database ${path} ${text} (${code}: ${(error as Error).message})`, { cause: error, code, transient: transient ?? false });
}

/** Whether an error says the file is damaged (nothing more may be written to it). */
export function isCorruption(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^SQLITE_(CORRUPT|NOTADB)/.test(code);
}
