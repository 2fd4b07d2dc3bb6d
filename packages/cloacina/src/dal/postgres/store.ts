// The Store on PostgreSQL through pg. Same contract as SqliteStore: a batch of writes is
// one transaction, and a transition from an unexpected state aborts it.
import pg from 'pg';
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
import { checkFence, DatabaseError } from '../sqlite/store.js';
import { POSTGRES_MIGRATIONS } from './migrations.js';

type Client = pg.PoolClient;

const statementNames = new Map<string, string>();

/**
 * A query run as a named prepared statement: each connection parses and plans it once,
 * then only binds values. For the statements every task and claim goes through.
 */
function prepared(text: string, values: unknown[]): pg.QueryConfig {
  let name = statementNames.get(text);
  if (name === undefined) statementNames.set(text, (name = `cloacina_${statementNames.size}`));
  return { name, text, values };
}

const num = (v: unknown): number => Number(v);

export class PostgresStore implements Store {
  private constructor(private readonly pool: pg.Pool) {}

  /** Connects and brings the schema up to date (serialised across runners by an advisory lock). */
  static async connect(url: string): Promise<PostgresStore> {
    // Every statement of the runtime reaches its rows by key. Without fresh statistics (a
    // table that just grew) the planner would scan whole tables on each batch, which costs
    // more as history accumulates; forbidding sequential scans where an index serves keeps
    // each batch proportional to its own rows.
    const pool = new pg.Pool({ connectionString: url, max: 8, ...(/[?&]options=/.test(url) ? {} : { options: '-c enable_seqscan=off' }) });
    // An idle connection dropped by the server must not crash the process; the next query reconnects.
    pool.on('error', () => {});
    const store = new PostgresStore(pool);
    try {
      await store.#transaction(async (c) => {
        await c.query('SELECT pg_advisory_xact_lock(4357829)');
        await c.query('CREATE TABLE IF NOT EXISTS cloacina_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)');
        const applied = new Set((await c.query('SELECT version FROM cloacina_migrations')).rows.map((r) => Number(r.version)));
        const newest = Math.max(0, ...applied);
        const known = POSTGRES_MIGRATIONS[POSTGRES_MIGRATIONS.length - 1]!.version;
        if (newest > known) throw new DatabaseError(`database has schema version ${newest}, newer than this runtime knows (${known}); upgrade cloacina`);
        for (const m of POSTGRES_MIGRATIONS) {
          if (applied.has(m.version)) continue;
          await c.query(m.sql);
          await c.query('INSERT INTO cloacina_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, Date.now()]);
        }
      });
    } catch (error) {
      await pool.end();
      if (error instanceof DatabaseError) throw error;
      throw new DatabaseError(`cannot open PostgreSQL database: ${(error as Error).message}`, { cause: error });
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
    await this.#transaction(async (c) => {
      if (fence) {
        const ids = [...new Set(writes.filter((w) => w.type !== 'executionCreated').map((w) => (w as { executionId: string }).executionId))];
        // FOR SHARE holds the lease rows until commit, so no claim can slip in between.
        const held = new Set((await c.query(prepared('SELECT id FROM workflow_executions WHERE id = ANY($1) AND owner = $2 FOR SHARE', [ids, fence.owner]))).rows.map((r) => r.id as string));
        checkFence(writes, fence, (id) => held.has(id));
      }
      // Writes of one kind go in one statement: a few round trips per batch, not one per write.
      for (const group of groupRuns(writes)) {
        const changes = await applyGroup(c, group);
        if (changes !== group.length) {
          throw new DatabaseError(`refused ${groupLabel(group)} for ${describeGroup(group)}: not in the expected state`);
        }
      }
    });
  }

  async execution(id: string): Promise<ExecutionRecord | undefined> {
    return (await this.executions([id]))[0];
  }

  async executions(ids: readonly string[]): Promise<ExecutionRecord[]> {
    if (ids.length === 0) return [];
    // One read for any number of executions: each row carries its initial context and its
    // tasks (every output looked up by key) as JSON.
    const { rows } = await this.pool.query(
      prepared(
        `SELECT e.id, e.workflow, e.version, e.status, e.started_at, e.finished_at,
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
      return [{ ...toSummary(row), initialContext: row.initial as string, tasks }];
    });
  }

  async unfinished(): Promise<ExecutionRecord[]> {
    const ids = (await this.pool.query("SELECT id FROM workflow_executions WHERE status = 'Running' ORDER BY started_at, seq")).rows.map((r) => r.id as string);
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

  async renewLeases(owner: string, ids: readonly string[], leaseUntil: number): Promise<string[]> {
    if (ids.length === 0) return [];
    return (await this.pool.query(prepared("UPDATE workflow_executions SET lease_expires_at = $1 WHERE id = ANY($2) AND owner = $3 AND status = 'Running' RETURNING id", [leaseUntil, ids, owner]))).rows.map((r) => r.id as string);
  }

  async releaseRunning(executionId: string): Promise<number> {
    return (await this.pool.query("UPDATE task_executions SET state = 'Pending', attempts = attempts - 1, started_at = NULL WHERE execution_id = $1 AND state = 'Running'", [executionId])).rowCount ?? 0;
  }

  async history(query: HistoryQuery): Promise<ExecutionSummary[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.workflow !== undefined) where.push(`workflow = $${params.push(query.workflow)}`);
    if (query.status !== undefined) where.push(`status = $${params.push(query.status)}`);
    const sql = `SELECT id, workflow, version, status, started_at, finished_at FROM workflow_executions
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY started_at DESC, seq DESC LIMIT $${params.push(query.limit ?? 100)}`;
    return (await this.pool.query(sql, params)).rows.map(toSummary);
  }

  async addSchedule(s: CronScheduleRecord): Promise<void> {
    await this.pool.query('INSERT INTO cron_schedules (id, workflow, expression, timezone, context, last_slot) VALUES ($1, $2, $3, $4, $5, $6)', [s.id, s.workflow, s.expression, s.timezone, s.context, s.lastSlot]);
  }

  async schedules(): Promise<CronScheduleRecord[]> {
    return (await this.pool.query('SELECT id, workflow, expression, timezone, context, last_slot FROM cron_schedules ORDER BY id')).rows.map((r) => ({
      id: r.id, workflow: r.workflow, expression: r.expression, timezone: r.timezone, context: r.context, lastSlot: num(r.last_slot),
    }));
  }

  async removeSchedule(id: string): Promise<boolean> {
    return ((await this.pool.query('DELETE FROM cron_schedules WHERE id = $1', [id])).rowCount ?? 0) === 1;
  }

  async fireSchedule(scheduleId: string, slot: number, execution: NewExecution): Promise<boolean> {
    return this.#transaction(async (c) => {
      // The row lock makes a concurrent runner wait, then see the advanced slot and skip.
      const advanced = (await c.query('UPDATE cron_schedules SET last_slot = $1 WHERE id = $2 AND last_slot < $1', [slot, scheduleId])).rowCount ?? 0;
      if (advanced !== 1) return false;
      await insertExecutions(c, [execution]);
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

/**
 * A task started and completed within one batch (a quick task): one update from Pending or
 * Ready straight to Completed, exactly what the two writes in a row would leave.
 */
interface Ran {
  type: 'taskRan';
  executionId: string;
  taskId: string;
  attempt: number;
  startedAt: number;
  output: string;
  at: number;
}

type Planned = Write | Ran;

const ROUND_ORDER: readonly Planned['type'][] = ['taskStarted', 'taskRan', 'taskRetrying', 'taskCompleted', 'taskFailed', 'taskSkipped'];

/**
 * Orders a batch into groups of one type each, with few groups: the guards are per task
 * row and the batch commits as a whole, so only each task's own sequence must be kept
 * (its k-th write goes in round k), executions are created first and finished last. A
 * start directly followed by the same task's completion becomes one write.
 */
function groupRuns(writes: readonly Write[]): Planned[][] {
  const created: Write[] = [];
  const finished: Write[] = [];
  const byTask = new Map<string, Planned[]>();
  for (const w of writes) {
    if (w.type === 'executionCreated') created.push(w);
    else if (w.type === 'executionFinished') finished.push(w);
    else {
      const key = `${w.executionId}\u0000${w.taskId}`;
      const sequence = byTask.get(key);
      const last = sequence?.[sequence.length - 1];
      if (last?.type === 'taskStarted' && w.type === 'taskCompleted') {
        sequence![sequence!.length - 1] = { type: 'taskRan', executionId: w.executionId, taskId: w.taskId, attempt: last.attempt, startedAt: last.at, output: w.output, at: w.at };
      } else if (sequence) sequence.push(w);
      else byTask.set(key, [w]);
    }
  }
  const rounds: Planned[][] = [];
  for (const sequence of byTask.values()) sequence.forEach((w, round) => (rounds[round] ??= []).push(w));
  const groups: Planned[][] = created.length ? [created] : [];
  for (const round of rounds) {
    for (const type of ROUND_ORDER) {
      const group = round.filter((w) => w.type === type);
      if (group.length) groups.push(group);
    }
  }
  if (finished.length) groups.push(finished);
  return groups;
}

function describeGroup(group: readonly Planned[]): string {
  return group.map((w) => (w.type === 'executionCreated' ? w.execution.id : 'taskId' in w ? `${w.executionId}/${w.taskId}` : w.executionId)).join(', ');
}

/** The writes a planned group stands for, as named in errors. */
const groupLabel = (group: readonly Planned[]) => (group[0]!.type === 'taskRan' ? 'taskStarted+taskCompleted' : group[0]!.type);

type Of<T extends Write['type']> = Extract<Write, { type: T }>;

/** Executions with their initial contexts and Pending tasks: three statements for any number. */
async function insertExecutions(c: Client, executions: readonly NewExecution[]): Promise<void> {
  const ids = executions.map((e) => e.id);
  await c.query(
    prepared(
    `INSERT INTO workflow_executions (id, workflow, version, status, started_at, owner, lease_expires_at)
     SELECT id, workflow, version, 'Running', started_at, owner, lease FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::bigint[])
       AS v(id, workflow, version, started_at, owner, lease)`,
    [ids, executions.map((e) => e.workflow), executions.map((e) => e.version), executions.map((e) => e.startedAt), executions.map((e) => e.owner ?? null), executions.map((e) => e.leaseUntil ?? null)],
    ),
  );
  await c.query(prepared("INSERT INTO contexts (execution_id, task_id, data) SELECT id, '', data FROM unnest($1::text[], $2::text[]) AS v(id, data)", [ids, executions.map((e) => e.initialContext)]));
  await c.query(
    prepared("INSERT INTO task_executions (execution_id, task_id, state) SELECT eid, tid, 'Pending' FROM unnest($1::text[], $2::text[]) AS v(eid, tid)", [
      executions.flatMap((e) => e.taskIds.map(() => e.id)),
      executions.flatMap((e) => e.taskIds),
    ]),
  );
}

/** Applies a run of same-type writes with one statement; returns the rows it changed. */
async function applyGroup(c: Client, group: readonly Planned[]): Promise<number> {
  const col = <T extends Write['type'], V>(pick: (w: Of<T>) => V) => (group as Of<T>[]).map(pick);
  const count = async (sql: string, params: unknown[]) => (await c.query(prepared(sql, params))).rowCount ?? 0;
  // The distinct execution ids let the planner reach the rows through the primary key's
  // leading column, whatever it believes about the table's size.
  const updateTasks = (sql: string, params: unknown[][]) =>
    count(`${sql} AND t.execution_id = ANY($${params.length + 1}::text[])`, [...params, [...new Set(params[0] as string[])]]);
  switch (group[0]!.type) {
    case 'taskRan': {
      const ran = group as Ran[];
      const ids = ran.map((w) => w.executionId);
      const tids = ran.map((w) => w.taskId);
      const changed = await updateTasks(
        `UPDATE task_executions t SET state = 'Completed', attempts = v.attempt, started_at = COALESCE(t.started_at, v.started), not_before = NULL,
           finished_at = v.at, error_kind = NULL, error = NULL
         FROM unnest($1::text[], $2::text[], $3::int[], $4::bigint[], $5::bigint[]) AS v(eid, tid, attempt, started, at)
         WHERE t.execution_id = v.eid AND t.task_id = v.tid AND t.state IN ('Pending', 'Ready')`,
        [ids, tids, ran.map((w) => w.attempt), ran.map((w) => w.startedAt), ran.map((w) => w.at)],
      );
      if (changed === group.length) {
        await c.query(prepared('INSERT INTO contexts (execution_id, task_id, data) SELECT * FROM unnest($1::text[], $2::text[], $3::text[])', [ids, tids, ran.map((w) => w.output)]));
      }
      return changed;
    }
    case 'executionCreated':
      await insertExecutions(c, (group as Of<'executionCreated'>[]).map((w) => w.execution));
      return group.length;
    case 'taskStarted':
      return updateTasks(
        `UPDATE task_executions t SET state = 'Running', attempts = v.attempt, started_at = COALESCE(t.started_at, v.at), not_before = NULL
         FROM unnest($1::text[], $2::text[], $3::int[], $4::bigint[]) AS v(eid, tid, attempt, at)
         WHERE t.execution_id = v.eid AND t.task_id = v.tid AND t.state IN ('Pending', 'Ready')`,
        [col<'taskStarted', string>((w) => w.executionId), col<'taskStarted', string>((w) => w.taskId), col<'taskStarted', number>((w) => w.attempt), col<'taskStarted', number>((w) => w.at)],
      );
    case 'taskCompleted': {
      const ids = col<'taskCompleted', string>((w) => w.executionId);
      const tids = col<'taskCompleted', string>((w) => w.taskId);
      const changed = await updateTasks(
        `UPDATE task_executions t SET state = 'Completed', finished_at = v.at, error_kind = NULL, error = NULL
         FROM unnest($1::text[], $2::text[], $3::bigint[]) AS v(eid, tid, at)
         WHERE t.execution_id = v.eid AND t.task_id = v.tid AND t.state = 'Running'`,
        [ids, tids, col<'taskCompleted', number>((w) => w.at)],
      );
      if (changed === group.length) {
        await c.query(prepared('INSERT INTO contexts (execution_id, task_id, data) SELECT * FROM unnest($1::text[], $2::text[], $3::text[])', [ids, tids, col<'taskCompleted', string>((w) => w.output)]));
      }
      return changed;
    }
    case 'taskRetrying':
      return updateTasks(
        `UPDATE task_executions t SET state = 'Ready', error_kind = v.kind, error = v.message, not_before = v.nb
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[]) AS v(eid, tid, kind, message, nb)
         WHERE t.execution_id = v.eid AND t.task_id = v.tid AND t.state = 'Running'`,
        [col<'taskRetrying', string>((w) => w.executionId), col<'taskRetrying', string>((w) => w.taskId), col<'taskRetrying', string>((w) => w.errorKind), col<'taskRetrying', string>((w) => w.message), col<'taskRetrying', number>((w) => w.notBefore)],
      );
    case 'taskFailed':
      return updateTasks(
        `UPDATE task_executions t SET state = 'Failed', error_kind = v.kind, error = v.message, finished_at = v.at
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[]) AS v(eid, tid, kind, message, at)
         WHERE t.execution_id = v.eid AND t.task_id = v.tid AND t.state = 'Running'`,
        [col<'taskFailed', string>((w) => w.executionId), col<'taskFailed', string>((w) => w.taskId), col<'taskFailed', string>((w) => w.errorKind), col<'taskFailed', string>((w) => w.message), col<'taskFailed', number>((w) => w.at)],
      );
    case 'taskSkipped':
      return updateTasks(
        `UPDATE task_executions t SET state = 'Skipped', reason = v.reason, finished_at = v.at
         FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[]) AS v(eid, tid, reason, at)
         WHERE t.execution_id = v.eid AND t.task_id = v.tid AND t.state = 'Pending'`,
        [col<'taskSkipped', string>((w) => w.executionId), col<'taskSkipped', string>((w) => w.taskId), col<'taskSkipped', string>((w) => w.reason), col<'taskSkipped', number>((w) => w.at)],
      );
    case 'executionFinished':
      return count(
        `UPDATE workflow_executions e SET status = v.status, finished_at = v.at
         FROM unnest($1::text[], $2::text[], $3::bigint[]) AS v(id, status, at)
         WHERE e.id = v.id AND e.id = ANY($1::text[]) AND e.status = 'Running'`,
        [col<'executionFinished', string>((w) => w.executionId), col<'executionFinished', string>((w) => w.status), col<'executionFinished', number>((w) => w.at)],
      );
  }
}
