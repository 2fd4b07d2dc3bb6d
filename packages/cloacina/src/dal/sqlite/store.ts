import Database from 'better-sqlite3';
import type {
  ControlAction,
  ControlOutcome,
  ControlRequester,
  CronScheduleRecord,
  ScheduleChanges,
  Fence,
  ExecutionRecord,
  ExecutionStatus,
  HistoryPage,
  HistoryQuery,
  LeaseRenewal,
  NewExecution,
  PackageRecord,
  PackageSummary,
  PruneQuery,
  Store,
  StoreOptions,
  Write,
} from '../types.js';
import { decideControl, statusAfter, type ControlRow } from '../control.js';
import { executionOf, readStoredEvents, storedEvents, type ExecutionEvent } from '../events.js';
import { millis } from '../time.js';
import { decodeCursor, encodeCursor } from '../history-cursor.js';
import { SCHEDULE_COLUMNS, scheduleUpdate, toExecutionState, toSchedule, toSummary, toTaskRecord } from '../rows.js';
import { DatabaseError } from '../database-error.js';
import { isCorruption, sqliteError } from './errors.js';
import { DEFAULT_BUSY_TIMEOUT_MS, openSqlite } from './open.js';
import { RunnerLock, type RunnerLockMode } from './runner-lock.js';
import { executionCreated } from '../writes.js';

export { DatabaseError };

/** The Store on a SQLite file through better-sqlite3. */
export class SqliteStore implements Store {
  readonly db: Database.Database;
  /** The file it was opened on, as given. */
  readonly path: string;
  readonly #statements;
  readonly #applyBatch: Database.Transaction<(writes: readonly Write[], fence?: Fence) => void>;
  readonly #events: boolean;
  readonly #busyTimeoutMs: number;
  #lock: RunnerLock | undefined;
  /** Set once the file was found damaged: nothing more is written to it. */
  #damaged: Error | undefined;

  constructor(path: string, options: StoreOptions = {}) {
    this.path = path;
    this.#busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
    this.db = openSqlite(path, {
      busyTimeoutMs: this.#busyTimeoutMs,
      ...(options.integrityCheckMaxBytes === undefined ? {} : { integrityCheckMaxBytes: options.integrityCheckMaxBytes }),
    });
    this.#events = options.events ?? true;
    const db = this.db;
    const unfinished = "status IN ('Running', 'Paused')";
    this.#statements = {
      insertExecution: db.prepare(
        "INSERT INTO workflow_executions (id, workflow, version, status, started_at, owner, lease_expires_at, timeout_ms) VALUES (?, ?, ?, 'Running', ?, ?, ?, ?)",
      ),
      owns: db.prepare('SELECT count(*) AS n FROM workflow_executions WHERE id = ? AND owner = ?'),
      claimable: db.prepare(
        "SELECT id FROM workflow_executions WHERE status = 'Running' AND (owner IS NULL OR lease_expires_at < ?) ORDER BY rowid LIMIT ?",
      ),
      claim: db.prepare('UPDATE workflow_executions SET owner = ?, lease_expires_at = ? WHERE id = ?'),
      takeOver: db.prepare(
        `UPDATE workflow_executions SET owner = @owner, lease_expires_at = @leaseUntil WHERE id = @id AND ${unfinished}
         AND (@now IS NULL OR owner IS NULL OR owner = @owner OR lease_expires_at IS NULL OR lease_expires_at < @now)`,
      ),
      renew: db.prepare(`UPDATE workflow_executions SET lease_expires_at = ? WHERE id = ? AND owner = ? AND ${unfinished} RETURNING control`),
      insertTask: db.prepare("INSERT INTO task_executions (execution_id, task_id, state) VALUES (?, ?, 'Pending')"),
      insertContext: db.prepare('INSERT INTO contexts (execution_id, task_id, data) VALUES (?, ?, ?)'),
      insertEvents: db.prepare('INSERT INTO execution_events (execution_id, events) VALUES (?, ?)'),
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
      finished: db.prepare(`UPDATE workflow_executions SET status = ?, finished_at = ?, control = NULL WHERE id = ? AND ${unfinished}`),
      terminated: db.prepare(
        `UPDATE workflow_executions SET status = ?, reason = ?, finished_at = ?, control = NULL, owner = CASE WHEN ? THEN NULL ELSE owner END
         WHERE id = ? AND ${unfinished}`,
      ),
      skipUnfinished: db.prepare(
        "UPDATE task_executions SET state = 'Skipped', reason = ?, finished_at = ? WHERE execution_id = ? AND state IN ('Pending', 'Ready', 'Running')",
      ),
      paused: db.prepare(
        `UPDATE workflow_executions SET status = 'Paused', paused_at = ?, control = CASE WHEN control = 'pause' THEN NULL ELSE control END,
           owner = CASE WHEN ? THEN NULL ELSE owner END WHERE id = ? AND status = 'Running'`,
      ),
      resumed: db.prepare(
        `UPDATE workflow_executions SET status = 'Running', paused_ms = paused_ms + MAX(0, ? - COALESCE(paused_at, ?)), paused_at = NULL,
           control = CASE WHEN control = 'resume' THEN NULL ELSE control END, owner = CASE WHEN ? THEN NULL ELSE owner END
         WHERE id = ? AND status = 'Paused'`,
      ),
      controlRow: db.prepare('SELECT status, owner, lease_expires_at, control FROM workflow_executions WHERE id = ?'),
      setControl: db.prepare('UPDATE workflow_executions SET control = ? WHERE id = ?'),
      execution: db.prepare(
        'SELECT id, workflow, version, status, started_at, finished_at, reason, timeout_ms, paused_ms, paused_at, control FROM workflow_executions WHERE id = ?',
      ),
      initial: db.prepare("SELECT data FROM contexts WHERE execution_id = ? AND task_id = ''"),
      tasks: db.prepare(
        `SELECT t.task_id, t.state, t.attempts, t.error_kind, t.error, t.reason, t.started_at, t.finished_at, t.not_before, c.data AS output
         FROM task_executions t LEFT JOIN contexts c ON c.execution_id = t.execution_id AND c.task_id = t.task_id
         WHERE t.execution_id = ?`,
      ),
      unfinished: db.prepare(`SELECT id FROM workflow_executions WHERE ${unfinished} ORDER BY started_at, rowid`),
      release: db.prepare(
        "UPDATE task_executions SET state = 'Pending', attempts = attempts - 1, started_at = NULL WHERE execution_id = ? AND state = 'Running'",
      ),
      events: db.prepare('SELECT events FROM execution_events WHERE execution_id = ? ORDER BY seq'),
      insertSchedule: db.prepare(
        'INSERT INTO cron_schedules (id, workflow, expression, timezone, context, last_slot, enabled, catch_up, max_catch_up) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      schedules: db.prepare(`SELECT ${SCHEDULE_COLUMNS} FROM cron_schedules ORDER BY id`),
      markScheduled: db.prepare('UPDATE workflow_executions SET schedule_id = ?, scheduled_for = ? WHERE id = ?'),
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
          case 'executionTerminated':
            changes = s.terminated.run(w.status, w.reason, w.at, w.release ? 1 : 0, w.executionId).changes;
            if (changes === 1) s.skipUnfinished.run(w.reason, w.at, w.executionId);
            break;
          case 'executionPaused':
            changes = s.paused.run(w.at, w.release ? 1 : 0, w.executionId).changes;
            break;
          case 'executionResumed':
            changes = s.resumed.run(w.at, w.at, w.release ? 1 : 0, w.executionId).changes;
            break;
        }
        // A refused transition means two writers raced for one task: abort the whole batch.
        if (changes !== 1) throw refused(w.type, describeWrite(w));
      }
      if (this.#events) storedEvents(writes, (id, events) => s.insertEvents.run(id, events));
    });
  }

  #insertExecution(execution: NewExecution): void {
    const s = this.#statements;
    s.insertExecution.run(
      execution.executionId, execution.workflow, execution.version, execution.startedAt, execution.owner ?? null, execution.leaseUntil ?? null,
      execution.timeoutMs ?? null,
    );
    s.insertContext.run(execution.executionId, '', execution.initialContext);
    for (const taskId of execution.taskIds) s.insertTask.run(execution.executionId, taskId);
  }

  /**
   * Runs one call on the database. Driver errors become DatabaseErrors naming the file; once
   * a write met a damaged page, every later write is refused before it touches the file.
   */
  #guard<T>(write: boolean, work: () => T): T {
    if (write && this.#damaged) throw this.#damaged;
    try {
      return work();
    } catch (error) {
      const mapped = sqliteError(this.path, error, this.#busyTimeoutMs);
      if (isCorruption(error)) this.#damaged ??= mapped;
      throw mapped;
    }
  }

  /**
   * Holds this file for a runner: `exclusive` for a runner that is not shared (a second one
   * is refused), `shared` for runners that share it. Idempotent; released on close.
   */
  lockForRunner(mode: RunnerLockMode): void {
    if (this.#lock !== undefined || this.path === ':memory:' || this.path === '') return;
    this.#lock = RunnerLock.acquire(this.path, mode);
  }

  // Every write transaction below is IMMEDIATE: it takes the write lock when it begins,
  // waiting up to the busy timeout. A deferred one that read first could not wait for the
  // lock when it came to write (SQLite fails it with SQLITE_BUSY at once).
  async apply(writes: readonly Write[], fence?: Fence): Promise<void> {
    if (writes.length > 0) this.#guard(true, () => this.#applyBatch.immediate(writes, fence));
  }

  async claimExecutions(owner: string, limit: number, leaseUntil: number, now: number): Promise<string[]> {
    // SQLite runs one write transaction at a time, so select-then-update cannot race.
    return this.#guard(true, () => this.db.transaction(() => {
      const s = this.#statements;
      const ids = (s.claimable.all(now, limit) as { id: string }[]).map((r) => r.id);
      for (const id of ids) {
        s.claim.run(owner, leaseUntil, id);
        s.release.run(id);
      }
      return ids;
    }).immediate());
  }

  async renewLeases(owner: string, ids: readonly string[], leaseUntil: number): Promise<LeaseRenewal[]> {
    return this.#guard(true, () => this.db.transaction(() => {
      const renewed: LeaseRenewal[] = [];
      for (const executionId of ids) {
        const row = this.#statements.renew.get(leaseUntil, executionId, owner) as { control: ControlAction | null } | undefined;
        if (row) renewed.push(row.control === null ? { executionId } : { executionId, control: row.control });
      }
      return renewed;
    }).immediate());
  }

  async takeOver(executionId: string, owner: string, leaseUntil: number, now?: number): Promise<number | undefined> {
    return this.#guard(true, () => this.db.transaction(() => {
      if (this.#statements.takeOver.run({ owner, leaseUntil, id: executionId, now: now ?? null }).changes !== 1) return undefined;
      return this.#statements.release.run(executionId).changes;
    }).immediate());
  }

  async control(executionId: string, action: ControlAction, by: ControlRequester): Promise<ControlOutcome | undefined> {
    return this.#guard(true, () => this.db.transaction((): ControlOutcome | undefined => {
      const s = this.#statements;
      const row = s.controlRow.get(executionId) as { status: ExecutionStatus; owner: string | null; lease_expires_at: number | null; control: ControlAction | null } | undefined;
      if (row === undefined) return undefined;
      const current: ControlRow = { status: row.status, owner: row.owner, leaseExpiresAt: row.lease_expires_at, control: row.control };
      const decision = decideControl(executionId, current, action, by);
      switch (decision.kind) {
        case 'none':
          return { status: row.status, pending: row.control !== null };
        case 'request':
          s.setControl.run(decision.control, executionId);
          return { status: row.status, pending: decision.control !== null };
        case 'apply':
          this.#applyBatch([decision.write]);
          return { status: statusAfter(decision.write, row.status), pending: false, applied: decision.write };
      }
    }).immediate());
  }

  async events(executionId: string): Promise<ExecutionEvent[]> {
    const rows = this.#guard(false, () => this.#statements.events.all(executionId) as { events: string }[]);
    return readStoredEvents(executionId, rows.map((r) => r.events));
  }

  async execution(id: string): Promise<ExecutionRecord | undefined> {
    return this.#guard(false, () => this.#read(id));
  }

  #read(id: string): ExecutionRecord | undefined {
    const s = this.#statements;
    const row = s.execution.get(id) as Record<string, unknown> | undefined;
    if (row === undefined) return undefined;
    const initial = s.initial.get(id) as { data: string };
    const tasks = (s.tasks.all(id) as Record<string, unknown>[]).map(toTaskRecord);
    return { ...toSummary(row), ...toExecutionState(row), initialContext: initial.data, tasks };
  }

  async executions(ids: readonly string[]): Promise<ExecutionRecord[]> {
    return this.#guard(false, () => {
      const records: ExecutionRecord[] = [];
      for (const id of ids) {
        const record = this.#read(id);
        if (record) records.push(record);
      }
      return records;
    });
  }

  async unfinished(): Promise<ExecutionRecord[]> {
    return this.executions(this.#guard(false, () => (this.#statements.unfinished.all() as { id: string }[]).map((r) => r.id)));
  }

  async history(query: HistoryQuery): Promise<HistoryPage> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.workflow !== undefined) {
      where.push('workflow = ?');
      params.push(query.workflow);
    }
    const statuses = query.status === undefined ? [] : typeof query.status === 'string' ? [query.status] : [...query.status];
    if (statuses.length > 0) {
      where.push(`status IN (${statuses.map(() => '?').join(', ')})`);
      params.push(...statuses);
    }
    if (query.since !== undefined) {
      where.push('started_at >= ?');
      params.push(millis('history: since', query.since));
    }
    if (query.until !== undefined) {
      where.push('started_at < ?');
      params.push(millis('history: until', query.until));
    }
    if (query.schedule !== undefined) {
      where.push('schedule_id = ?');
      params.push(query.schedule);
    }
    if (query.cursor !== undefined) {
      const after = decodeCursor(query.cursor);
      where.push('(started_at < ? OR (started_at = ? AND rowid < ?))');
      params.push(after.startedAt, after.startedAt, after.seq);
    }
    const limit = query.limit ?? 100;
    const sql = `SELECT rowid AS seq, id, workflow, version, status, started_at, finished_at, reason, schedule_id, scheduled_for FROM workflow_executions
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY started_at DESC, rowid DESC LIMIT ?`;
    const rows = this.#guard(false, () => this.db.prepare(sql).all(...params, limit + 1) as Record<string, unknown>[]);
    return page(rows, limit);
  }

  async prune(query: PruneQuery): Promise<number> {
    const statuses = query.statuses ?? ['Completed', 'Failed', 'Cancelled'];
    if (statuses.length === 0) return 0;
    const sql = `DELETE FROM workflow_executions WHERE finished_at < ? AND status IN (${statuses.map(() => '?').join(', ')})`;
    const olderThan = millis('prune: olderThan', query.olderThan);
    return this.#guard(true, () => this.db.prepare(sql).run(olderThan, ...statuses).changes);
  }

  async addSchedule(s: CronScheduleRecord): Promise<void> {
    this.#guard(true, () =>
      this.#statements.insertSchedule.run(s.id, s.workflow, s.expression, s.timezone, s.context, s.lastSlot, s.enabled ? 1 : 0, s.catchUp, s.maxCatchUp),
    );
  }

  async schedules(): Promise<CronScheduleRecord[]> {
    return (this.#guard(false, () => this.#statements.schedules.all()) as Record<string, unknown>[]).map(toSchedule);
  }

  async updateSchedule(id: string, changes: ScheduleChanges): Promise<CronScheduleRecord | undefined> {
    const { set, params } = scheduleUpdate(changes, { param: () => '?', greatest: 'max', bool: (b) => (b ? 1 : 0) });
    const sql = `UPDATE cron_schedules SET ${set} WHERE id = ? RETURNING ${SCHEDULE_COLUMNS}`;
    const row = this.#guard(true, () => this.db.prepare(sql).get(...params, id)) as Record<string, unknown> | undefined;
    return row && toSchedule(row);
  }

  async removeSchedule(id: string): Promise<boolean> {
    return this.#guard(true, () => this.#statements.removeSchedule.run(id).changes === 1);
  }

  async fireSchedule(scheduleId: string, slot: number, execution: NewExecution): Promise<boolean> {
    return this.#guard(true, () => this.db.transaction(() => {
      if (this.#statements.advanceSchedule.run(slot, scheduleId, slot).changes !== 1) return false;
      this.#applyBatch([executionCreated(execution)]);
      this.#statements.markScheduled.run(scheduleId, slot, execution.executionId);
      return true;
    }).immediate());
  }

  async addPackage(record: PackageRecord): Promise<void> {
    this.#guard(true, () => {
      try {
        this.#statements.insertPackage.run(record.name, record.version, record.manifest, Buffer.from(record.archive), record.sha256, record.registeredAt);
      } catch (error) {
        if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
          throw new DatabaseError(`package ${record.name}@${record.version} is already registered`);
        }
        throw error;
      }
    });
  }

  async getPackage(name: string, version: string): Promise<PackageRecord | undefined> {
    const row = this.#guard(false, () => this.#statements.getPackage.get(name, version)) as
      | { name: string; version: string; manifest: string; archive: Buffer; sha256: string; registered_at: number }
      | undefined;
    return row && { name: row.name, version: row.version, manifest: row.manifest, archive: row.archive, sha256: row.sha256, registeredAt: row.registered_at };
  }

  async listPackages(): Promise<PackageSummary[]> {
    return (this.#guard(false, () => this.#statements.listPackages.all()) as Array<{ name: string; version: string; manifest: string; sha256: string; registered_at: number }>).map(
      (r) => ({ name: r.name, version: r.version, manifest: r.manifest, sha256: r.sha256, registeredAt: r.registered_at }),
    );
  }

  async removePackage(name: string, version: string): Promise<boolean> {
    return this.#guard(true, () => this.#statements.removePackage.run(name, version).changes === 1);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
    this.#lock?.release();
    this.#lock = undefined;
  }
}

/** A page of history rows fetched with one row more than the limit (which says whether more follow). */
export function page(rows: readonly Record<string, unknown>[], limit: number): HistoryPage {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  if (rows.length <= limit || last === undefined) return { items: items.map(toSummary) };
  return { items: items.map(toSummary), cursor: encodeCursor({ startedAt: Number(last.started_at), seq: Number(last.seq) }) };
}

/** How errors name the target of a refused write. */
export function describeWrite(w: Write): string {
  return 'taskId' in w ? `${w.executionId}/${w.taskId}` : executionOf(w);
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
  new DatabaseError(`runner ${owner} no longer holds the lease on execution ${executionId}; its writes are refused`, { code: LEASE_LOST });
export const refused = (what: string, where: string) => new DatabaseError(`refused ${what} for ${where}: not in the expected state`, { code: REFUSED });
/** The codes of those errors. */
export const LEASE_LOST = 'CLOACINA_LEASE_LOST';
export const REFUSED = 'CLOACINA_REFUSED';
