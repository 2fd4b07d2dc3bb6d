// Identifies a SQLite file before anything is written to it: the file header is read with
// plain file reads, everything else through a read-only connection, so a file that is
// refused (another application's, damaged, of a newer schema) stays byte for byte as it was.
import Database from 'better-sqlite3';
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { DatabaseError } from '../database-error.js';
import { sqliteError } from './errors.js';
import { SQLITE_MIGRATIONS } from './migrations.js';

/** The application_id every Cloacina SQLite database carries ("CLOA"). */
export const APPLICATION_ID = 0x434c4f41;

/** Files up to this size (main file and WAL together) get a full `PRAGMA quick_check` on open. */
export const DEFAULT_INTEGRITY_CHECK_MAX_BYTES = 64 * 1024 * 1024;

/** The tables, indexes and other schema objects a Cloacina database may hold. */
const OURS = new Set([
  'cloacina_migrations', 'workflow_executions', 'task_executions', 'contexts', 'cron_schedules', 'packages', 'execution_events',
  'workflow_executions_by_workflow', 'workflow_executions_running', 'workflow_executions_unfinished', 'workflow_executions_by_start',
  'workflow_executions_by_finish', 'execution_events_by_execution', 'workflow_executions_v6',
]);
const isOurs = (name: string) => OURS.has(name) || name.startsWith('sqlite_autoindex_') || name === 'sqlite_sequence' || name === 'sqlite_stat1';

export interface IdentifyOptions {
  busyTimeoutMs: number;
  /** Above this size the quick check is skipped (see README: cost of the check). */
  integrityCheckMaxBytes: number;
}

/** What the file is: nothing yet (absent, empty), or a Cloacina database (claimed or not yet). */
export type Identity = 'new' | 'cloacina';

export function identifySqlite(path: string, options: IdentifyOptions): Identity {
  const size = fileSize(path);
  const walSize = fileSize(`${path}-wal`) ?? 0;
  if (size === undefined || (size === 0 && walSize === 0)) return 'new';
  const header = size > 0 ? checkHeader(path, size) : undefined;
  // A read-only connection to a file in WAL mode creates -wal and -shm files beside it. For
  // a file not (yet) marked as Cloacina's, with nothing in a WAL, a copy in memory is
  // looked at instead, so nothing appears beside a file that is then refused.
  const copy = header?.walMode === true && header.applicationId !== APPLICATION_ID && walSize === 0 && size <= MAX_COPY_BYTES;
  let db: Database.Database;
  try {
    db = copy ? inMemoryCopy(path) : new Database(path, { readonly: true, fileMustExist: true, timeout: options.busyTimeoutMs });
  } catch (error) {
    throw refusal(path, error, options);
  }
  try {
    const applicationId = db.pragma('application_id', { simple: true }) as number;
    const userVersion = db.pragma('user_version', { simple: true }) as number;
    const objects = db.prepare('SELECT type, name FROM sqlite_master').all() as { type: string; name: string }[];
    if (applicationId !== APPLICATION_ID) {
      if (applicationId !== 0 || userVersion !== 0) throw foreign(path, `application_id ${hex(applicationId)}, user_version ${userVersion}`);
      if (objects.length === 0) return 'new';
      const others = objects.filter((o) => !isOurs(o.name)).map((o) => `${o.type} ${o.name}`);
      // A Cloacina database without its application_id (rebuilt from a dump or `.recover`) is
      // still ours when it holds only our objects and our migration history.
      if (others.length > 0 || !objects.some((o) => o.name === 'cloacina_migrations') || !knownHistory(db)) {
        const listed = others.length > 0 ? others : objects.map((o) => `${o.type} ${o.name}`);
        throw foreign(path, `it holds ${listed.slice(0, 5).join(', ')}${listed.length > 5 ? ` and ${listed.length - 5} more` : ''}`);
      }
    }
    checkSchemaVersion(db, path);
    if (size + walSize <= options.integrityCheckMaxBytes) checkIntegrity(db, path);
    return 'cloacina';
  } catch (error) {
    throw refusal(path, error, options);
  } finally {
    db.close();
  }
}

/** Above this size a foreign file in WAL mode is looked at in place (see identifySqlite). */
const MAX_COPY_BYTES = 64 * 1024 * 1024;

/**
 * A file with nothing in a WAL is whole in itself. The copy is marked rollback-journal:
 * an in-memory database cannot use a WAL.
 */
function inMemoryCopy(path: string): Database.Database {
  const bytes = readFileSync(path);
  if (bytes[18] === 2) bytes[18] = 1;
  if (bytes[19] === 2) bytes[19] = 1;
  return new Database(bytes, { readonly: true });
}

function fileSize(path: string): number | undefined {
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new DatabaseError(`database ${path} is not a file`);
    return stat.size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    if (error instanceof DatabaseError) throw error;
    throw new DatabaseError(`cannot read database ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/** The first 100 bytes: the SQLite magic string, then the application_id and user_version fields. */
function checkHeader(path: string, size: number): { applicationId: number; walMode: boolean } {
  const header = Buffer.alloc(100);
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    readSync(fd, header, 0, 100, 0);
  } catch (error) {
    throw new DatabaseError(`cannot read database ${path}: ${(error as Error).message}`, { cause: error });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  if (size < 100 || header.toString('latin1', 0, 16) !== 'SQLite format 3\u0000') {
    throw new DatabaseError(`${path} is not a SQLite database (its first bytes are not a SQLite header); it was left as it was. Give another file name`);
  }
  const applicationId = header.readUInt32BE(68);
  const userVersion = header.readUInt32BE(60);
  if (applicationId !== APPLICATION_ID && (applicationId !== 0 || userVersion !== 0)) {
    throw foreign(path, `application_id ${hex(applicationId)}, user_version ${userVersion}`);
  }
  // Bytes 18 and 19, the file format read and write versions, are 2 in WAL mode.
  return { applicationId, walMode: header[18] === 2 };
}

function knownHistory(db: Database.Database): boolean {
  try {
    const rows = db.prepare('SELECT version, name FROM cloacina_migrations').all() as { version: number; name: string }[];
    return rows.every((r) => SQLITE_MIGRATIONS.some((m) => m.version === r.version && m.name === r.name) || r.version > SQLITE_MIGRATIONS.length);
  } catch {
    return false;
  }
}

function checkSchemaVersion(db: Database.Database, path: string): void {
  const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'cloacina_migrations'").get();
  if (!hasTable) return;
  const newest = (db.prepare('SELECT max(version) AS v FROM cloacina_migrations').get() as { v: number | null }).v ?? 0;
  const known = SQLITE_MIGRATIONS[SQLITE_MIGRATIONS.length - 1]!.version;
  if (newest > known) {
    throw new DatabaseError(`database ${path} has schema version ${newest}, newer than this runtime knows (${known}); upgrade cloacina. Nothing in it was changed`);
  }
}

/**
 * `PRAGMA quick_check`: every page of every table and index is read and its structure
 * checked (not index contents against tables, which `integrity_check` adds); O(file size).
 */
function checkIntegrity(db: Database.Database, path: string): void {
  const problems = (db.pragma('quick_check(5)') as { quick_check: string }[]).map((r) => r.quick_check);
  if (problems.length === 1 && problems[0] === 'ok') return;
  // One line: a row may hold several lines of findings.
  const findings = problems.join('\n').split(/\s*\n\s*/).filter(Boolean).slice(0, 5);
  throw new DatabaseError(
    `database ${path} is damaged (PRAGMA quick_check: ${findings.join('; ')}); nothing was written to it. Restore it from a backup, or salvage it with \`sqlite3 ${path} .recover | sqlite3 recovered.db\` and open the copy`,
    { code: 'SQLITE_CORRUPT' },
  );
}

function foreign(path: string, why: string): DatabaseError {
  return new DatabaseError(
    `database ${path} belongs to another application (${why}); refusing to touch it: nothing in it was changed. Give Cloacina a file of its own`,
  );
}

function refusal(path: string, error: unknown, options: IdentifyOptions): Error {
  if (error instanceof DatabaseError) return error;
  const code = (error as { code?: string }).code;
  if (code === 'SQLITE_NOTADB') {
    return new DatabaseError(`${path} is not a SQLite database (or it is encrypted); it was left as it was. Give another file name`, { cause: error, code });
  }
  return sqliteError(path, error, options.busyTimeoutMs);
}

const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;
