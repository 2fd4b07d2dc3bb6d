// Which runners may run on one SQLite file at once: one plain runner alone, or any number of
// shared ones. The lock is SQLite's own file lock on an empty sidecar file `<database>-lock`
// (never written): a plain runner holds it exclusively, shared runners hold it shared. The
// operating system drops it when the process ends, however it ends, so a crash never leaves
// a stale lock behind. Tools that only read or control executions take no lock.
import Database from 'better-sqlite3';
import { DatabaseError } from '../database-error.js';

export type RunnerLockMode = 'exclusive' | 'shared';

export class RunnerLock {
  private constructor(
    private readonly connection: Database.Database,
    readonly mode: RunnerLockMode,
  ) {}

  /** Takes the lock at once or throws a DatabaseError that names the database and the holder's kind. */
  static acquire(databasePath: string, mode: RunnerLockMode): RunnerLock {
    const lockPath = `${databasePath}-lock`;
    let connection: Database.Database;
    try {
      connection = new Database(lockPath, { timeout: 0 });
    } catch (error) {
      throw new DatabaseError(`cannot create the runner lock file ${lockPath} beside database ${databasePath}: ${(error as Error).message}; its folder must be writable`, {
        cause: error,
      });
    }
    try {
      if (mode === 'exclusive') connection.exec('BEGIN EXCLUSIVE');
      else {
        // A read transaction holds SQLite's shared lock until it ends.
        connection.exec('BEGIN');
        connection.prepare('SELECT count(*) FROM sqlite_master').get();
      }
    } catch (error) {
      connection.close();
      const code = (error as { code?: string }).code;
      if (code !== 'SQLITE_BUSY') {
        throw new DatabaseError(`cannot lock ${lockPath} (the runner lock of database ${databasePath}): ${(error as Error).message}`, { cause: error, ...(code ? { code } : {}) });
      }
      throw new DatabaseError(
        mode === 'exclusive'
          ? `database ${databasePath} is in use by another runner (it holds ${lockPath}); a SQLite file takes one runner at a time unless every runner on it is opened with \`shared\`. Stop the other runner, or open all of them with { shared: {} }`
          : `database ${databasePath} is in use by a runner that is not shared (it holds ${lockPath}); stop it, or open it with { shared: {} } too`,
        { cause: error, code: 'SQLITE_BUSY' },
      );
    }
    return new RunnerLock(connection, mode);
  }

  release(): void {
    if (this.connection.open) this.connection.close();
  }
}
