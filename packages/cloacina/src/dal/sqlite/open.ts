// Opens a Cloacina SQLite database: identify it first (nothing written yet), then switch it
// to WAL, claim it and bring its schema up to date, each migration in a write transaction
// of its own that re-reads what is applied (several processes may open one file at once).
import Database from 'better-sqlite3';
import { DatabaseError } from '../database-error.js';
import { sqliteError } from './errors.js';
import { APPLICATION_ID, DEFAULT_INTEGRITY_CHECK_MAX_BYTES, identifySqlite } from './identify.js';
import { SQLITE_MIGRATIONS, type Migration } from './migrations.js';

/** How long a statement waits for another connection's write lock before failing with SQLITE_BUSY. */
export const DEFAULT_BUSY_TIMEOUT_MS = 10_000;

export interface SqliteOpenOptions {
  busyTimeoutMs?: number;
  integrityCheckMaxBytes?: number;
}

export function openSqlite(path: string, options: SqliteOpenOptions = {}): Database.Database {
  const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  const memory = path === ':memory:' || path === '';
  if (!memory) identifySqlite(path, { busyTimeoutMs, integrityCheckMaxBytes: options.integrityCheckMaxBytes ?? DEFAULT_INTEGRITY_CHECK_MAX_BYTES });
  let db: Database.Database;
  try {
    db = new Database(path, { timeout: busyTimeoutMs });
  } catch (error) {
    throw sqliteError(path, error, busyTimeoutMs);
  }
  try {
    if (!memory) db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    // Checks each page's cells as it is read, so damage found later is refused, never written over.
    db.pragma('cell_size_check = ON');
    // Off while migrating: a migration that rebuilds a table must not cascade its drop.
    db.pragma('foreign_keys = OFF');
    migrate(db, SQLITE_MIGRATIONS, path);
    db.pragma('foreign_keys = ON');
    return db;
  } catch (error) {
    db.close();
    throw sqliteError(path, error, busyTimeoutMs);
  }
}

function migrate(db: Database.Database, migrations: readonly Migration[], path: string): void {
  const known = migrations[migrations.length - 1]!.version;
  const hasHistory = () => db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'cloacina_migrations'").get() !== undefined;
  const applied = () =>
    new Set((db.prepare('SELECT version FROM cloacina_migrations').all() as { version: number }[]).map((r) => r.version));
  if (db.pragma('application_id', { simple: true }) !== APPLICATION_ID || !hasHistory()) {
    db.transaction(() => {
      // Identified before; checked again under the write lock, in case the file changed meanwhile.
      const id = db.pragma('application_id', { simple: true }) as number;
      if (id !== APPLICATION_ID && id !== 0) throw new DatabaseError(`database ${path} was claimed by another application (application_id ${id}) while opening it`);
      if (id === 0) db.pragma(`application_id = ${APPLICATION_ID}`);
      db.exec('CREATE TABLE IF NOT EXISTS cloacina_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
    }).immediate();
  }
  const before = applied();
  const newest = Math.max(0, ...before);
  if (newest > known) {
    throw new DatabaseError(`database ${path} has schema version ${newest}, newer than this runtime knows (${known}); upgrade cloacina`);
  }
  const record = db.prepare('INSERT INTO cloacina_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const migration of migrations) {
    if (before.has(migration.version)) continue;
    db.transaction(() => {
      // Another process opening the same file may have applied it meanwhile.
      if (applied().has(migration.version)) return;
      db.exec(migration.sql);
      const broken = db.pragma('foreign_key_check') as unknown[];
      if (broken.length > 0) throw new DatabaseError(`migration ${migration.version} of ${path} would leave ${broken.length} rows without their execution`);
      record.run(migration.version, migration.name, Date.now());
    }).immediate();
  }
}
