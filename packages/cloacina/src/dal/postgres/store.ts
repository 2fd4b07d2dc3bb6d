// The Store on PostgreSQL through pg. Same contract as SqliteStore: a batch of writes is
// one transaction, and a transition from an unexpected state aborts it.
import pg from 'pg';
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
import { decideControl, statusAfter } from '../control.js';
import { readStoredEvents, type ExecutionEvent } from '../events.js';
import { millis } from '../time.js';
import { decodeCursor } from '../history-cursor.js';
import { SCHEDULE_COLUMNS, scheduleUpdate, toExecutionState, toSchedule, toSummary, toTaskRecord } from '../rows.js';
import { DatabaseError, page } from '../sqlite/store.js';
import { applyBatch } from './apply-batch.js';
import { prepared } from './prepared.js';
import { POSTGRES_MIGRATIONS } from './migrations.js';
import { describePostgres, postgresError } from './errors.js';
import { ClosingClient } from './closing-client.js';
import { executionCreated } from '../writes.js';

type Client = pg.PoolClient;

/** How long connecting (TCP, TLS, authentication) may take. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
/** How long one statement may run on the server. */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000;
/** A query without the client-side timeout (pg reads 0 as "the pool's"; this is the longest timer). */
const unbounded = (text: string) => ({ text, query_timeout: 2 ** 31 - 1 }) as pg.QueryConfig;

/** A tenant's schema name, refused unless plain (so it needs no quoting anywhere, connection options included). */
function checkSchema(name: string): string {
  if (typeof name !== 'string' || !/^[a-z_][a-z0-9_]{0,62}$/.test(name)) {
    throw new DatabaseError(`schema ${JSON.stringify(name)}: a schema name is 1 to 63 lowercase letters, digits or _, not starting with a digit`);
  }
  return name;
}

const num = (v: unknown): number => Number(v);

export class PostgresStore implements Store {
  readonly #events: boolean;
  /** The database as errors name it (no password). */
  readonly #name: string;
  readonly #statementTimeoutMs: number;

  private constructor(
    private readonly pool: pg.Pool,
    url: string,
    options: StoreOptions,
  ) {
    this.#events = options.events ?? true;
    this.#name = describePostgres(url);
    this.#statementTimeoutMs = options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
  }

  /** Driver errors become DatabaseErrors naming the database; an outage is marked transient. */
  async #guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw postgresError(this.#name, error, this.#statementTimeoutMs);
    }
  }

  /** Connects and brings the schema up to date (serialised across runners by an advisory lock). */
  static async connect(url: string, options: StoreOptions = {}): Promise<PostgresStore> {
    const schema = options.schema === undefined ? undefined : checkSchema(options.schema);
    // Every statement of the runtime reaches its rows by key. Without fresh statistics (a
    // table that just grew) the planner would scan whole tables on each batch, which costs
    // more as history accumulates; forbidding sequential scans where an index serves keeps
    // each batch proportional to its own rows.
    const statementTimeoutMs = options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
    const ownOptions = /[?&]options=/.test(url);
    const pool = new pg.Pool({
      connectionString: url,
      max: 8,
      Client: ClosingClient,
      // A tenant's connections resolve the runtime's tables (and its batch function) in its schema only.
      ...(ownOptions ? {} : { options: `-c enable_seqscan=off${schema === undefined ? '' : ` -c search_path=${schema}`}` }),
      // A server that accepts the connection and never answers fails it, rather than hanging.
      connectionTimeoutMillis: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      // The server ends a statement that runs too long; the client gives up a little later
      // when no answer comes at all (a server gone silent).
      statement_timeout: statementTimeoutMs,
      query_timeout: statementTimeoutMs + 5000,
    });
    // An idle connection dropped by the server must not crash the process; the next query reconnects.
    pool.on('error', () => {});
    // A URL with options of its own keeps them; the tenant's schema is then set on each new connection.
    if (schema !== undefined && ownOptions) pool.on('connect', (client) => void client.query(`SET search_path TO ${schema}`).catch(() => {}));
    const store = new PostgresStore(pool, url, options);
    try {
      await store.#transaction(async (c) => {
        // A migration of a large database may take long, and so may waiting for another runner's.
        await c.query('SET LOCAL statement_timeout = 0');
        await c.query(unbounded('SELECT pg_advisory_xact_lock(4357829)'));
        if (schema !== undefined) await c.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
        await c.query('CREATE TABLE IF NOT EXISTS cloacina_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)');
        const applied = new Set((await c.query('SELECT version FROM cloacina_migrations')).rows.map((r) => Number(r.version)));
        const newest = Math.max(0, ...applied);
        const known = POSTGRES_MIGRATIONS[POSTGRES_MIGRATIONS.length - 1]!.version;
        if (newest > known) throw new DatabaseError(`database has schema version ${newest}, newer than this runtime knows (${known}); upgrade cloacina`);
        for (const m of POSTGRES_MIGRATIONS) {
          if (applied.has(m.version)) continue;
          await c.query(unbounded(m.sql));
          await c.query('INSERT INTO cloacina_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, Date.now()]);
        }
      });
    } catch (error) {
      await pool.end().catch(() => {});
      if (error instanceof DatabaseError) throw error;
      const mapped = postgresError(describePostgres(url), error, statementTimeoutMs);
      throw new DatabaseError(`cannot open ${mapped.message}`, { cause: error, ...(mapped instanceof DatabaseError && mapped.code ? { code: mapped.code } : {}) });
    }
    return store;
  }

  async #transaction<T>(work: (client: Client) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  async apply(writes: readonly Write[], fence?: Fence): Promise<void> {
    if (writes.length === 0) return;
    await this.#guard(() => applyBatch(this.pool, writes, fence, this.#events));
  }

  async execution(id: string): Promise<ExecutionRecord | undefined> {
    return (await this.executions([id]))[0];
  }

  async executions(ids: readonly string[]): Promise<ExecutionRecord[]> {
    return this.#guard(() => this.#executions(ids));
  }

  async #executions(ids: readonly string[]): Promise<ExecutionRecord[]> {
    if (ids.length === 0) return [];
    // One read for any number of executions: each row carries its initial context and its
    // tasks (every output looked up by key) as JSON.
    const { rows } = await this.pool.query(
      prepared(
        `SELECT e.id, e.workflow, e.version, e.status, e.started_at, e.finished_at, e.reason, e.timeout_ms, e.paused_ms, e.paused_at, e.control,
           (SELECT c.data FROM contexts c WHERE c.execution_id = e.id AND c.task_id = '') AS initial,
           (SELECT json_agg(json_build_object('task_id', t.task_id, 'state', t.state, 'attempts', t.attempts, 'error_kind', t.error_kind,
                     'error', t.error, 'reason', t.reason, 'started_at', t.started_at, 'finished_at', t.finished_at, 'not_before', t.not_before,
                     'output', (SELECT c.data FROM contexts c WHERE c.execution_id = t.execution_id AND c.task_id = t.task_id)))
            FROM task_executions t WHERE t.execution_id = e.id) AS tasks
         FROM workflow_executions e WHERE e.id = ANY($1)`,
        [ids],
      ),
    );
    const byId = new Map(rows.map((row) => [row.id as string, row]));
    return ids.flatMap((id) => {
      const row = byId.get(id);
      if (row === undefined) return [];
      const tasks = ((row.tasks ?? []) as Record<string, unknown>[]).map(toTaskRecord);
      return [{ ...toSummary(row), ...toExecutionState(row), initialContext: row.initial as string, tasks }];
    });
  }

  async unfinished(): Promise<ExecutionRecord[]> {
    const ids = (await this.pool.query("SELECT id FROM workflow_executions WHERE status IN ('Running', 'Paused') ORDER BY started_at, seq")).rows.map((r) => r.id as string);
    return this.executions(ids);
  }

  async claimExecutions(owner: string, limit: number, leaseUntil: number, now: number): Promise<string[]> {
    // One statement, so one round trip and atomic on its own: the claim, and tasks a
    // previous owner left Running going back to Pending.
    const { rows } = await this.pool.query(
      prepared(
        `WITH claimed AS (
           UPDATE workflow_executions SET owner = $1, lease_expires_at = $2
           WHERE id IN (SELECT id FROM workflow_executions WHERE status = 'Running' AND (owner IS NULL OR lease_expires_at < $3)
                        ORDER BY seq LIMIT $4 FOR UPDATE SKIP LOCKED)
           RETURNING id, seq
         ), released AS (
           UPDATE task_executions SET state = 'Pending', attempts = attempts - 1, started_at = NULL
           WHERE execution_id IN (SELECT id FROM claimed) AND state = 'Running'
         )
         SELECT id FROM claimed ORDER BY seq`,
        [owner, leaseUntil, now, limit],
      ),
    );
    return rows.map((r) => r.id as string);
  }

  async renewLeases(owner: string, ids: readonly string[], leaseUntil: number): Promise<LeaseRenewal[]> {
    if (ids.length === 0) return [];
    const { rows } = await this.pool.query(
      prepared(
        "UPDATE workflow_executions SET lease_expires_at = $1 WHERE id = ANY($2) AND owner = $3 AND status IN ('Running', 'Paused') RETURNING id, control",
        [leaseUntil, ids, owner],
      ),
    );
    return rows.map((r) => (r.control === null ? { executionId: r.id as string } : { executionId: r.id as string, control: r.control as ControlAction }));
  }

  async takeOver(executionId: string, owner: string, leaseUntil: number, now?: number): Promise<number | undefined> {
    const { rows } = await this.pool.query(
      `WITH taken AS (
         UPDATE workflow_executions SET owner = $2, lease_expires_at = $3 WHERE id = $1 AND status IN ('Running', 'Paused')
           AND ($4::bigint IS NULL OR owner IS NULL OR owner = $2 OR lease_expires_at IS NULL OR lease_expires_at < $4::bigint)
         RETURNING id
       ), released AS (
         UPDATE task_executions SET state = 'Pending', attempts = attempts - 1, started_at = NULL
         WHERE execution_id IN (SELECT id FROM taken) AND state = 'Running' RETURNING 1
       )
       SELECT (SELECT count(*) FROM taken)::int AS taken, (SELECT count(*) FROM released)::int AS n`,
      [executionId, owner, leaseUntil, now ?? null],
    );
    return rows[0].taken === 1 ? (rows[0].n as number) : undefined;
  }

  async control(executionId: string, action: ControlAction, by: ControlRequester): Promise<ControlOutcome | undefined> {
    return this.#transaction(async (c): Promise<ControlOutcome | undefined> => {
      // The row lock orders this against claims (which skip locked rows) and batches.
      const row = (await c.query('SELECT status, owner, lease_expires_at, control FROM workflow_executions WHERE id = $1 FOR UPDATE', [executionId])).rows[0];
      if (row === undefined) return undefined;
      const status = row.status as ExecutionStatus;
      const decision = decideControl(
        executionId,
        { status, owner: row.owner, leaseExpiresAt: row.lease_expires_at === null ? null : num(row.lease_expires_at), control: row.control },
        action,
        by,
      );
      switch (decision.kind) {
        case 'none':
          return { status, pending: row.control !== null };
        case 'request':
          await c.query('UPDATE workflow_executions SET control = $1 WHERE id = $2', [decision.control, executionId]);
          return { status, pending: decision.control !== null };
        case 'apply':
          await applyBatch(c, [decision.write], undefined, this.#events);
          return { status: statusAfter(decision.write, status), pending: false, applied: decision.write };
      }
    });
  }

  async events(executionId: string): Promise<ExecutionEvent[]> {
    const { rows } = await this.pool.query(prepared('SELECT events FROM execution_events WHERE execution_id = $1 ORDER BY seq', [executionId]));
    return readStoredEvents(executionId, rows.map((r) => r.events as string));
  }

  async history(query: HistoryQuery): Promise<HistoryPage> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.workflow !== undefined) where.push(`workflow = $${params.push(query.workflow)}`);
    const statuses = query.status === undefined ? [] : typeof query.status === 'string' ? [query.status] : [...query.status];
    if (statuses.length > 0) where.push(`status = ANY($${params.push(statuses)})`);
    if (query.since !== undefined) where.push(`started_at >= $${params.push(millis('history: since', query.since))}`);
    if (query.until !== undefined) where.push(`started_at < $${params.push(millis('history: until', query.until))}`);
    if (query.schedule !== undefined) where.push(`schedule_id = $${params.push(query.schedule)}`);
    if (query.cursor !== undefined) {
      const after = decodeCursor(query.cursor);
      where.push(`(started_at, seq) < ($${params.push(after.startedAt)}, $${params.push(after.seq)})`);
    }
    const limit = query.limit ?? 100;
    const sql = `SELECT seq, id, workflow, version, status, started_at, finished_at, reason, schedule_id, scheduled_for FROM workflow_executions
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY started_at DESC, seq DESC LIMIT $${params.push(limit + 1)}`;
    return page((await this.pool.query(sql, params)).rows, limit);
  }

  async prune(query: PruneQuery): Promise<number> {
    const statuses = query.statuses ?? ['Completed', 'Failed', 'Cancelled'];
    if (statuses.length === 0) return 0;
    const result = await this.pool.query('DELETE FROM workflow_executions WHERE finished_at < $1 AND status = ANY($2)', [millis('prune: olderThan', query.olderThan), [...statuses]]);
    return result.rowCount ?? 0;
  }

  async addSchedule(s: CronScheduleRecord): Promise<void> {
    await this.pool.query(
      'INSERT INTO cron_schedules (id, workflow, expression, timezone, context, last_slot, enabled, catch_up, max_catch_up) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
      [s.id, s.workflow, s.expression, s.timezone, s.context, s.lastSlot, s.enabled, s.catchUp, s.maxCatchUp],
    );
  }

  async schedules(): Promise<CronScheduleRecord[]> {
    return (await this.pool.query(`SELECT ${SCHEDULE_COLUMNS} FROM cron_schedules ORDER BY id`)).rows.map(toSchedule);
  }

  async updateSchedule(id: string, changes: ScheduleChanges): Promise<CronScheduleRecord | undefined> {
    const { set, params } = scheduleUpdate(changes, { param: (i) => `$${i}`, greatest: 'GREATEST', bool: (b) => b });
    const sql = `UPDATE cron_schedules SET ${set} WHERE id = $${params.length + 1} RETURNING ${SCHEDULE_COLUMNS}`;
    const row = (await this.pool.query(sql, [...params, id])).rows[0];
    return row && toSchedule(row);
  }

  async removeSchedule(id: string): Promise<boolean> {
    return ((await this.pool.query('DELETE FROM cron_schedules WHERE id = $1', [id])).rowCount ?? 0) === 1;
  }

  async fireSchedule(scheduleId: string, slot: number, execution: NewExecution): Promise<boolean> {
    return this.#transaction(async (c) => {
      // The row lock makes a concurrent runner wait, then see the advanced slot and skip.
      const advanced = (await c.query('UPDATE cron_schedules SET last_slot = $1 WHERE id = $2 AND last_slot < $1', [slot, scheduleId])).rowCount ?? 0;
      if (advanced !== 1) return false;
      await applyBatch(c, [executionCreated(execution)], undefined, this.#events);
      await c.query('UPDATE workflow_executions SET schedule_id = $1, scheduled_for = $2 WHERE id = $3', [scheduleId, slot, execution.executionId]);
      return true;
    });
  }

  async addPackage(r: PackageRecord): Promise<void> {
    try {
      await this.pool.query('INSERT INTO packages (name, version, manifest, archive, sha256, registered_at) VALUES ($1, $2, $3, $4, $5, $6)', [r.name, r.version, r.manifest, Buffer.from(r.archive), r.sha256, r.registeredAt]);
    } catch (error) {
      if ((error as { code?: string }).code === '23505') throw new DatabaseError(`package ${r.name}@${r.version} is already registered`);
      throw error;
    }
  }

  async getPackage(name: string, version: string): Promise<PackageRecord | undefined> {
    const r = (await this.pool.query('SELECT name, version, manifest, archive, sha256, registered_at FROM packages WHERE name = $1 AND version = $2', [name, version])).rows[0];
    return r && { name: r.name, version: r.version, manifest: r.manifest, archive: r.archive, sha256: r.sha256, registeredAt: num(r.registered_at) };
  }

  async listPackages(): Promise<PackageSummary[]> {
    return (await this.pool.query('SELECT name, version, manifest, sha256, registered_at FROM packages ORDER BY name, version')).rows.map((r) => ({
      name: r.name, version: r.version, manifest: r.manifest, sha256: r.sha256, registeredAt: num(r.registered_at),
    }));
  }

  async removePackage(name: string, version: string): Promise<boolean> {
    return ((await this.pool.query('DELETE FROM packages WHERE name = $1 AND version = $2', [name, version])).rowCount ?? 0) === 1;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
