import Database from 'better-sqlite3';
import type {
  CronScheduleRecord,
  Fence,
  ExecutionRecord,
  ExecutionSummary,
  HistoryQuery,
  NewExecution,
  PackageRecord,
  PackageSummary,
  Store,
  Write,
} from '../types.js';
import { toSummary, toTaskRecord } from '../rows.js';
import { SQLITE_MIGRATIONS, type Migration } from './migrations.js';

/** The name every Cloacina SQLite database carries, so a foreign file is told apart. */
const APPLICATION_ID = 0x434c4f41; // "CLOA"

export class DatabaseError extends Error {
  override name = 'DatabaseError';
}

/** Opens (creating if needed) a Cloacina database file and brings its schema up to date. */
export function openSqlite(path: string): Database.Database {
  let db: Database.Database;
  try {
    db = new Database(path);
  } catch (error) {
    throw new DatabaseError(`cannot open database ${path}: ${(error as Error).message}`, { cause: error });
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    claimOrCheckIdentity(db, path);
    migrate(db, SQLITE_MIGRATIONS, path);
    return db;
  } catch (error) {
    db.close();
    if (error instanceof DatabaseError) throw error;
    throw new DatabaseError(`database ${path} is not a usable Cloacina database: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

function claimOrCheckIdentity(db: Database.Database, path: string): void {
  const id = db.pragma('application_id', { simple: true }) as number;
  if (id === APPLICATION_ID) return;
  const tables = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number };
  if (id !== 0 || tables.n > 0) {
    throw new DatabaseError(`database ${path} belongs to another application (application_id ${id}, ${tables.n} tables); refusing to touch it`);
  }
  db.pragma(`application_id = ${APPLICATION_ID}`);
}

function migrate(db: Database.Database, migrations: readonly Migration[], path: string): void {
  db.exec('CREATE TABLE IF NOT EXISTS cloacina_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  const applied = new Set((db.prepare('SELECT version FROM cloacina_migrations').all() as { version: number }[]).map((r) => r.version));
  const newest = Math.max(0, ...applied);
  const known = migrations[migrations.length - 1]!.version;
  if (newest > known) {
    throw new DatabaseError(`database ${path} has schema version ${newest}, newer than this runtime knows (${known}); upgrade cloacina`);
  }
  const record = db.prepare('INSERT INTO cloacina_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const migration of migrations) {
    if (applied.has(migration.version)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      record.run(migration.version, migration.name, Date.now());
    })();
  }
}

/** The Store on a SQLite file through better-sqlite3. */
export class SqliteStore implements Store {
  readonly db: Database.Database;
  readonly #statements;
  readonly #applyBatch: (writes: readonly Write[], fence?: Fence) => void;

  constructor(path: string) {
    this.db = openSqlite(path);
    const db = this.db;
    this.#statements = {
      insertExecution: db.prepare(
        "INSERT INTO workflow_executions (id, workflow, version, status, started_at, owner, lease_expires_at) VALUES (?, ?, ?, 'Running', ?, ?, ?)",
      ),
      owns: db.prepare('SELECT count(*) AS n FROM workflow_executions WHERE id = ? AND owner = ?'),
      claimable: db.prepare(
        "SELECT id FROM workflow_executions WHERE status = 'Running' AND (owner IS NULL OR lease_expires_at < ?) ORDER BY rowid LIMIT ?",
      ),
      claim: db.prepare('UPDATE workflow_executions SET owner = ?, lease_expires_at = ? WHERE id = ?'),
      renew: db.prepare("UPDATE workflow_executions SET lease_expires_at = ? WHERE id = ? AND owner = ? AND status = 'Running'"),
      insertTask: db.prepare("INSERT INTO task_executions (execution_id, task_id, state) VALUES (?, ?, 'Pending')"),
      insertContext: db.prepare('INSERT INTO contexts (execution_id, task_id, data) VALUES (?, ?, ?)'),
      started: db.prepare(
        "UPDATE task_executions SET state = 'Running', attempts = ?, started_at = COALESCE(started_at, ?), not_before = NULL WHERE execution_id = ? AND task_id = ? AND state IN ('Pending', 'Ready')",
      ),
      completed: db.prepare(
        "UPDATE task_executions SET state = 'Completed', finished_at = ?, error_kind = NULL, error = NULL WHERE execution_id = ? AND task_id = ? AND state = 'Running'",
      ),
      retrying: db.prepare(
        "UPDATE task_executions SET state = 'Ready', error_kind = ?, error = ?, not_before = ? WHERE execution_id = ? AND task_id = ? AND state = 'Running'",
      ),
      failed: db.prepare(
        "UPDATE task_executions SET state = 'Failed', error_kind = ?, error = ?, finished_at = ? WHERE execution_id = ? AND task_id = ? AND state = 'Running'",
      ),
      skipped: db.prepare(
        "UPDATE task_executions SET state = 'Skipped', reason = ?, finished_at = ? WHERE execution_id = ? AND task_id = ? AND state = 'Pending'",
      ),
      finished: db.prepare("UPDATE workflow_executions SET status = ?, finished_at = ? WHERE id = ? AND status = 'Running'"),
      execution: db.prepare('SELECT id, workflow, version, status, started_at, finished_at FROM workflow_executions WHERE id = ?'),
      initial: db.prepare("SELECT data FROM contexts WHERE execution_id = ? AND task_id = ''"),
      tasks: db.prepare(
        `SELECT t.task_id, t.state, t.attempts, t.error_kind, t.error, t.reason, t.started_at, t.finished_at, t.not_before, c.data AS output
         FROM task_executions t LEFT JOIN contexts c ON c.execution_id = t.execution_id AND c.task_id = t.task_id
         WHERE t.execution_id = ?`,
      ),
      unfinished: db.prepare("SELECT id FROM workflow_executions WHERE status = 'Running' ORDER BY started_at"),
      release: db.prepare(
        "UPDATE task_executions SET state = 'Pending', attempts = attempts - 1, started_at = NULL WHERE execution_id = ? AND state = 'Running'",
      ),
      insertSchedule: db.prepare(
        'INSERT INTO cron_schedules (id, workflow, expression, timezone, context, last_slot) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      schedules: db.prepare('SELECT id, workflow, expression, timezone, context, last_slot FROM cron_schedules ORDER BY id'),
      removeSchedule: db.prepare('DELETE FROM cron_schedules WHERE id = ?'),
      advanceSchedule: db.prepare('UPDATE cron_schedules SET last_slot = ? WHERE id = ? AND last_slot < ?'),
      insertPackage: db.prepare('INSERT INTO packages (name, version, manifest, archive, sha256, registered_at) VALUES (?, ?, ?, ?, ?, ?)'),
      getPackage: db.prepare('SELECT name, version, manifest, archive, sha256, registered_at FROM packages WHERE name = ? AND version = ?'),
      listPackages: db.prepare('SELECT name, version, manifest, sha256, registered_at FROM packages ORDER BY name, version'),
      removePackage: db.prepare('DELETE FROM packages WHERE name = ? AND version = ?'),
    };
    const s = this.#statements;
    this.#applyBatch = db.transaction((writes: readonly Write[], fence?: Fence) => {
      if (fence) checkFence(writes, fence, (id) => (s.owns.get(id, fence.owner) as { n: number }).n === 1);
      for (const w of writes) {
        let changes: number;
        switch (w.type) {
          case 'executionCreated':
            this.#insertExecution(w.execution);
            changes = 1;
            break;
          case 'taskStarted':
            changes = s.started.run(w.attempt, w.at, w.executionId, w.taskId).changes;
            break;
          case 'taskCompleted':
            changes = s.completed.run(w.at, w.executionId, w.taskId).changes;
            if (changes === 1) s.insertContext.run(w.executionId, w.taskId, w.output);
            break;
          case 'taskRetrying':
            changes = s.retrying.run(w.errorKind, w.message, w.notBefore, w.executionId, w.taskId).changes;
            break;
          case 'taskFailed':
            changes = s.failed.run(w.errorKind, w.message, w.at, w.executionId, w.taskId).changes;
            break;
          case 'taskSkipped':
            changes = s.skipped.run(w.reason, w.at, w.executionId, w.taskId).changes;
            break;
          case 'executionFinished':
            changes = s.finished.run(w.status, w.at, w.executionId).changes;
            break;
        }
        // A refused transition means two writers raced for one task: abort the whole batch.
        if (changes !== 1) {
          throw refused(w.type, w.type === 'executionCreated' ? w.execution.id : 'taskId' in w ? `${w.executionId}/${w.taskId}` : w.executionId);
        }
      }
    });
  }

  #insertExecution(execution: NewExecution): void {
    const s = this.#statements;
    s.insertExecution.run(execution.id, execution.workflow, execution.version, execution.startedAt, execution.owner ?? null, execution.leaseUntil ?? null);
    s.insertContext.run(execution.id, '', execution.initialContext);
    for (const taskId of execution.taskIds) s.insertTask.run(execution.id, taskId);
  }

  #create = (execution: NewExecution) => this.db.transaction(() => this.#insertExecution(execution))();

  async apply(writes: readonly Write[], fence?: Fence): Promise<void> {
    if (writes.length > 0) this.#applyBatch(writes, fence);
  }

  async claimExecutions(owner: string, limit: number, leaseUntil: number, now: number): Promise<string[]> {
    // SQLite runs one write transaction at a time, so select-then-update cannot race.
    return this.db.transaction(() => {
      const s = this.#statements;
      const ids = (s.claimable.all(now, limit) as { id: string }[]).map((r) => r.id);
      for (const id of ids) {
        s.claim.run(owner, leaseUntil, id);
        s.release.run(id);
      }
      return ids;
    }).immediate();
  }

  async renewLeases(owner: string, ids: readonly string[], leaseUntil: number): Promise<string[]> {
    return this.db.transaction(() => ids.filter((id) => this.#statements.renew.run(leaseUntil, id, owner).changes === 1))();
  }

  async execution(id: string): Promise<ExecutionRecord | undefined> {
    const s = this.#statements;
    const row = s.execution.get(id) as Record<string, unknown> | undefined;
    if (row === undefined) return undefined;
    const initial = s.initial.get(id) as { data: string };
    const tasks = (s.tasks.all(id) as Record<string, unknown>[]).map(toTaskRecord);
    return { ...toSummary(row), initialContext: initial.data, tasks };
  }

  async executions(ids: readonly string[]): Promise<ExecutionRecord[]> {
    const records: ExecutionRecord[] = [];
    for (const id of ids) {
      const record = await this.execution(id);
      if (record) records.push(record);
    }
    return records;
  }

  async unfinished(): Promise<ExecutionRecord[]> {
    return this.executions((this.#statements.unfinished.all() as { id: string }[]).map((r) => r.id));
  }

  async releaseRunning(executionId: string): Promise<number> {
    return this.#statements.release.run(executionId).changes;
  }

  async history(query: HistoryQuery): Promise<ExecutionSummary[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.workflow !== undefined) {
      where.push('workflow = ?');
      params.push(query.workflow);
    }
    if (query.status !== undefined) {
      where.push('status = ?');
      params.push(query.status);
    }
    const sql = `SELECT id, workflow, version, status, started_at, finished_at FROM workflow_executions
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY started_at DESC, rowid DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...params, query.limit ?? 100) as Record<string, unknown>[]).map(toSummary);
  }

  async addSchedule(schedule: CronScheduleRecord): Promise<void> {
    this.#statements.insertSchedule.run(
      schedule.id, schedule.workflow, schedule.expression, schedule.timezone, schedule.context, schedule.lastSlot,
    );
  }

  async schedules(): Promise<CronScheduleRecord[]> {
    return (
      this.#statements.schedules.all() as Array<{ id: string; workflow: string; expression: string; timezone: string; context: string; last_slot: number }>
    ).map((r) => ({
      id: r.id,
      workflow: r.workflow,
      expression: r.expression,
      timezone: r.timezone,
      context: r.context,
      lastSlot: r.last_slot,
    }));
  }

  async removeSchedule(id: string): Promise<boolean> {
    return this.#statements.removeSchedule.run(id).changes === 1;
  }

  async fireSchedule(scheduleId: string, slot: number, execution: NewExecution): Promise<boolean> {
    return this.db.transaction(() => {
      if (this.#statements.advanceSchedule.run(slot, scheduleId, slot).changes !== 1) return false;
      this.#create(execution);
      return true;
    })();
  }

  async addPackage(record: PackageRecord): Promise<void> {
    try {
      this.#statements.insertPackage.run(record.name, record.version, record.manifest, Buffer.from(record.archive), record.sha256, record.registeredAt);
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
        throw new DatabaseError(`package ${record.name}@${record.version} is already registered`);
      }
      throw error;
    }
  }

  async getPackage(name: string, version: string): Promise<PackageRecord | undefined> {
    const row = this.#statements.getPackage.get(name, version) as
      | { name: string; version: string; manifest: string; archive: Buffer; sha256: string; registered_at: number }
      | undefined;
    return row && { name: row.name, version: row.version, manifest: row.manifest, archive: row.archive, sha256: row.sha256, registeredAt: row.registered_at };
  }

  async listPackages(): Promise<PackageSummary[]> {
    return (this.#statements.listPackages.all() as Array<{ name: string; version: string; manifest: string; sha256: string; registered_at: number }>).map(
      (r) => ({ name: r.name, version: r.version, manifest: r.manifest, sha256: r.sha256, registeredAt: r.registered_at }),
    );
  }

  async removePackage(name: string, version: string): Promise<boolean> {
    return this.#statements.removePackage.run(name, version).changes === 1;
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

/** Refuses a batch touching an execution whose lease `fence.owner` no longer holds. */
export function checkFence(writes: readonly Write[], fence: Fence, owns: (executionId: string) => boolean): void {
  for (const id of fencedIds(writes)) if (!owns(id)) throw leaseLost(fence.owner, id);
}

/** The executions a fenced batch touches, in the order of its writes (the first not held is the one named). */
export function fencedIds(writes: readonly Write[]): string[] {
  return [...new Set(writes.flatMap((w) => (w.type === 'executionCreated' ? [] : [w.executionId])))];
}

/** The errors every store raises for a refused batch, worded alike on each backend. */
export const leaseLost = (owner: string, executionId: string) =>
  new DatabaseError(`runner ${owner} no longer holds the lease on execution ${executionId}; its writes are refused`);
export const refused = (what: string, where: string) => new DatabaseError(`refused ${what} for ${where}: not in the expected state`);
