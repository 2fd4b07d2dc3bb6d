// The PostgreSQL schema: the same tables and versions as the SQLite one. Contexts are
// stored as text written by the shared codec, so key order and values are exactly what
// SQLite and memory hold.
import type { Migration } from '../sqlite/migrations.js';
import { APPLY_FUNCTION_SQL } from './apply-batch.js';

export const POSTGRES_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'executions, tasks, contexts',
    sql: `
      CREATE TABLE workflow_executions (
        id TEXT PRIMARY KEY,
        workflow TEXT NOT NULL,
        version TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('Running', 'Completed', 'Failed')),
        started_at BIGINT NOT NULL,
        finished_at BIGINT,
        seq BIGSERIAL
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
        started_at BIGINT,
        finished_at BIGINT,
        not_before BIGINT,
        PRIMARY KEY (execution_id, task_id)
      );
      CREATE TABLE contexts (
        execution_id TEXT NOT NULL REFERENCES workflow_executions (id) ON DELETE CASCADE,
        task_id TEXT NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (execution_id, task_id)
      );
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
        last_slot BIGINT NOT NULL
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
        archive BYTEA NOT NULL,
        sha256 TEXT NOT NULL,
        registered_at BIGINT NOT NULL,
        PRIMARY KEY (name, version)
      );
    `,
  },
  {
    version: 4,
    name: 'execution leases',
    sql: `
      ALTER TABLE workflow_executions ADD COLUMN owner TEXT;
      ALTER TABLE workflow_executions ADD COLUMN lease_expires_at BIGINT;
      CREATE INDEX workflow_executions_claimable ON workflow_executions (seq) WHERE status = 'Running';
    `,
  },
  {
    version: 5,
    name: 'one statement per batch of writes',
    sql: APPLY_FUNCTION_SQL,
  },
];
