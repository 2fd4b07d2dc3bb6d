// Versioned schema. Each migration runs once, in order, inside a transaction; the
// applied versions are recorded in cloacina_migrations. Never edit a shipped migration:
// add the next one.
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const SQLITE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'executions, tasks, contexts',
    sql: `
      CREATE TABLE workflow_executions (
        id TEXT PRIMARY KEY,
        workflow TEXT NOT NULL,
        version TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('Running', 'Completed', 'Failed')),
        started_at INTEGER NOT NULL,
        finished_at INTEGER
      );
      CREATE INDEX workflow_executions_by_workflow ON workflow_executions (workflow, started_at);
      CREATE INDEX workflow_executions_running ON workflow_executions (status) WHERE status = 'Running';

      CREATE TABLE task_executions (
        execution_id TEXT NOT NULL REFERENCES workflow_executions (id) ON DELETE CASCADE,
        task_id TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('Pending', 'Ready', 'Running', 'Completed', 'Failed', 'Skipped')),
        attempts INTEGER NOT NULL DEFAULT 0,
        error_kind TEXT,
        error TEXT,
        reason TEXT,
        started_at INTEGER,
        finished_at INTEGER,
        not_before INTEGER,
        PRIMARY KEY (execution_id, task_id)
      ) WITHOUT ROWID;

      -- One row per context: the initial one (task_id = '') and each completed task's output.
      CREATE TABLE contexts (
        execution_id TEXT NOT NULL REFERENCES workflow_executions (id) ON DELETE CASCADE,
        task_id TEXT NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (execution_id, task_id)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    name: 'cron schedules',
    sql: `
      CREATE TABLE cron_schedules (
        id TEXT PRIMARY KEY,
        workflow TEXT NOT NULL,
        expression TEXT NOT NULL,
        timezone TEXT NOT NULL,
        context TEXT NOT NULL,
        last_slot INTEGER NOT NULL
      );
    `,
  },
  {
    version: 3,
    name: 'package registry',
    sql: `
      CREATE TABLE packages (
        name TEXT NOT NULL,
        version TEXT NOT NULL,
        manifest TEXT NOT NULL,
        archive BLOB NOT NULL,
        sha256 TEXT NOT NULL,
        registered_at INTEGER NOT NULL,
        PRIMARY KEY (name, version)
      );
    `,
  },
  {
    version: 4,
    name: 'execution leases',
    sql: `
      ALTER TABLE workflow_executions ADD COLUMN owner TEXT;
      ALTER TABLE workflow_executions ADD COLUMN lease_expires_at INTEGER;
    `,
  },
  {
    version: 5,
    name: 'one statement per batch of writes',
    // PostgreSQL's batches go through a server-side function; SQLite applies them in
    // process. Kept so both backends count schema versions alike.
    sql: 'SELECT 1;',
  },
  {
    version: 6,
    name: 'execution control, timeouts, events, history paging',
    // SQLite cannot widen a CHECK constraint, so the executions table is rebuilt (rowids
    // kept: they order history within a millisecond). The migration runs with foreign keys
    // off, so dropping the old table leaves tasks and contexts alone; the new table takes
    // its name and they refer to it again.
    sql: `
      CREATE TABLE workflow_executions_v6 (
        id TEXT PRIMARY KEY,
        workflow TEXT NOT NULL,
        version TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('Running', 'Paused', 'Completed', 'Failed', 'Cancelled')),
        started_at INTEGER NOT NULL,
        finished_at INTEGER,
        owner TEXT,
        lease_expires_at INTEGER,
        reason TEXT,
        control TEXT CHECK (control IN ('cancel', 'pause', 'resume')),
        timeout_ms INTEGER,
        paused_ms INTEGER NOT NULL DEFAULT 0,
        paused_at INTEGER
      );
      INSERT INTO workflow_executions_v6 (rowid, id, workflow, version, status, started_at, finished_at, owner, lease_expires_at)
        SELECT rowid, id, workflow, version, status, started_at, finished_at, owner, lease_expires_at FROM workflow_executions;
      DROP TABLE workflow_executions;
      ALTER TABLE workflow_executions_v6 RENAME TO workflow_executions;
      CREATE INDEX workflow_executions_by_workflow ON workflow_executions (workflow, started_at);
      CREATE INDEX workflow_executions_running ON workflow_executions (status) WHERE status = 'Running';
      CREATE INDEX workflow_executions_unfinished ON workflow_executions (started_at) WHERE status IN ('Running', 'Paused');
      CREATE INDEX workflow_executions_by_start ON workflow_executions (started_at);
      CREATE INDEX workflow_executions_by_finish ON workflow_executions (finished_at) WHERE finished_at IS NOT NULL;

      -- Lifecycle events: one row per batch of writes and execution, holding that batch's
      -- events of the execution as a JSON array, in order (one row instead of one per event
      -- keeps events cheap on the hot path). seq orders the rows.
      CREATE TABLE execution_events (
        seq INTEGER PRIMARY KEY,
        execution_id TEXT NOT NULL REFERENCES workflow_executions (id) ON DELETE CASCADE,
        events TEXT NOT NULL
      );
      CREATE INDEX execution_events_by_execution ON execution_events (execution_id, seq);
    `,
  },
  {
    version: 7,
    name: 'cron management: enabled, catch-up policy, executions by schedule',
    sql: `
      ALTER TABLE cron_schedules ADD COLUMN enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1));
      ALTER TABLE cron_schedules ADD COLUMN catch_up TEXT NOT NULL DEFAULT 'latest' CHECK (catch_up IN ('latest', 'all'));
      ALTER TABLE cron_schedules ADD COLUMN max_catch_up INTEGER NOT NULL DEFAULT 10 CHECK (max_catch_up >= 1);
      ALTER TABLE workflow_executions ADD COLUMN schedule_id TEXT;
      ALTER TABLE workflow_executions ADD COLUMN scheduled_for INTEGER;
      CREATE INDEX workflow_executions_by_schedule ON workflow_executions (schedule_id, started_at) WHERE schedule_id IS NOT NULL;
    `,
  },
];
