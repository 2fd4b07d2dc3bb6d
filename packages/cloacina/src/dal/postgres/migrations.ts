// The PostgreSQL schema: the same tables and versions as the SQLite one. Contexts are
// stored as text written by the shared codec, so key order and values are exactly what
// SQLite and memory hold.
import type { Migration } from '../sqlite/migrations.js';
import { APPLY_FUNCTION_SQL } from './apply-batch.js';

/** The batch function as migration 5 created it (migration 6 replaces it; kept verbatim). */
const APPLY_FUNCTION_V5_SQL = `
CREATE FUNCTION cloacina_apply(p_owner text, p_fenced text[], p_groups json) RETURNS void LANGUAGE plpgsql AS $fn$
DECLARE
  g json;
  r json;
  i int := -1;
  expected int;
  changed bigint;
  ids text[];
  missing text;
BEGIN
  IF p_owner IS NOT NULL AND cardinality(p_fenced) > 0 THEN
    -- FOR SHARE holds the lease rows until commit, so no claim can slip in between.
    PERFORM 1 FROM workflow_executions WHERE id = ANY(p_fenced) AND owner = p_owner FOR SHARE;
    SELECT f.id INTO missing FROM unnest(p_fenced) WITH ORDINALITY AS f(id, n)
      WHERE NOT EXISTS (SELECT 1 FROM workflow_executions e WHERE e.id = f.id AND e.owner = p_owner)
      ORDER BY f.n LIMIT 1;
    IF missing IS NOT NULL THEN
      RAISE EXCEPTION 'cloacina: lease' USING DETAIL = missing;
    END IF;
  END IF;
  FOR g IN SELECT value FROM json_array_elements(p_groups) LOOP
    i := i + 1;
    r := g->'rows';
    expected := json_array_length(r);
    ids := ARRAY(SELECT DISTINCT v.eid FROM json_to_recordset(r) AS v(eid text) WHERE v.eid IS NOT NULL);
    CASE g->>'type'
      WHEN 'executionCreated' THEN
        INSERT INTO workflow_executions (id, workflow, version, status, started_at, owner, lease_expires_at)
          SELECT v.id, v.workflow, v.version, 'Running', v.started_at, v.owner, v.lease
          FROM json_to_recordset(r) AS v(id text, workflow text, version text, started_at bigint, owner text, lease bigint);
        INSERT INTO contexts (execution_id, task_id, data)
          SELECT v.id, '', v.context FROM json_to_recordset(r) AS v(id text, context text);
        INSERT INTO task_executions (execution_id, task_id, state)
          SELECT v.id, t.tid, 'Pending' FROM json_to_recordset(r) AS v(id text, task_ids json), json_array_elements_text(v.task_ids) AS t(tid);
        changed := expected;
      WHEN 'taskStarted' THEN
        UPDATE task_executions t SET state = 'Running', attempts = v.attempt, started_at = COALESCE(t.started_at, v.at), not_before = NULL
          FROM json_to_recordset(r) AS v(eid text, tid text, attempt int, at bigint)
          WHERE t.execution_id = ANY(ids) AND t.execution_id = v.eid AND t.task_id = v.tid AND t.state IN ('Pending', 'Ready');
        GET DIAGNOSTICS changed = ROW_COUNT;
      WHEN 'taskRan' THEN
        UPDATE task_executions t SET state = 'Completed', attempts = v.attempt, started_at = COALESCE(t.started_at, v.started), not_before = NULL,
            finished_at = v.at, error_kind = NULL, error = NULL
          FROM json_to_recordset(r) AS v(eid text, tid text, attempt int, started bigint, at bigint)
          WHERE t.execution_id = ANY(ids) AND t.execution_id = v.eid AND t.task_id = v.tid AND t.state IN ('Pending', 'Ready');
        GET DIAGNOSTICS changed = ROW_COUNT;
        IF changed = expected THEN
          INSERT INTO contexts (execution_id, task_id, data) SELECT v.eid, v.tid, v.output FROM json_to_recordset(r) AS v(eid text, tid text, output text);
        END IF;
      WHEN 'taskCompleted' THEN
        UPDATE task_executions t SET state = 'Completed', finished_at = v.at, error_kind = NULL, error = NULL
          FROM json_to_recordset(r) AS v(eid text, tid text, at bigint)
          WHERE t.execution_id = ANY(ids) AND t.execution_id = v.eid AND t.task_id = v.tid AND t.state = 'Running';
        GET DIAGNOSTICS changed = ROW_COUNT;
        IF changed = expected THEN
          INSERT INTO contexts (execution_id, task_id, data) SELECT v.eid, v.tid, v.output FROM json_to_recordset(r) AS v(eid text, tid text, output text);
        END IF;
      WHEN 'taskRetrying' THEN
        UPDATE task_executions t SET state = 'Ready', error_kind = v.kind, error = v.message, not_before = v.nb
          FROM json_to_recordset(r) AS v(eid text, tid text, kind text, message text, nb bigint)
          WHERE t.execution_id = ANY(ids) AND t.execution_id = v.eid AND t.task_id = v.tid AND t.state = 'Running';
        GET DIAGNOSTICS changed = ROW_COUNT;
      WHEN 'taskFailed' THEN
        UPDATE task_executions t SET state = 'Failed', error_kind = v.kind, error = v.message, finished_at = v.at
          FROM json_to_recordset(r) AS v(eid text, tid text, kind text, message text, at bigint)
          WHERE t.execution_id = ANY(ids) AND t.execution_id = v.eid AND t.task_id = v.tid AND t.state = 'Running';
        GET DIAGNOSTICS changed = ROW_COUNT;
      WHEN 'taskSkipped' THEN
        UPDATE task_executions t SET state = 'Skipped', reason = v.reason, finished_at = v.at
          FROM json_to_recordset(r) AS v(eid text, tid text, reason text, at bigint)
          WHERE t.execution_id = ANY(ids) AND t.execution_id = v.eid AND t.task_id = v.tid AND t.state = 'Pending';
        GET DIAGNOSTICS changed = ROW_COUNT;
      WHEN 'executionFinished' THEN
        UPDATE workflow_executions e SET status = v.status, finished_at = v.at
          FROM json_to_recordset(r) AS v(id text, status text, at bigint)
          WHERE e.id = v.id AND e.status = 'Running';
        GET DIAGNOSTICS changed = ROW_COUNT;
    END CASE;
    IF changed <> expected THEN
      RAISE EXCEPTION 'cloacina: refused' USING DETAIL = i::text;
    END IF;
  END LOOP;
END
$fn$;
`;

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
    sql: APPLY_FUNCTION_V5_SQL,
  },
  {
    version: 6,
    name: 'execution control, timeouts, events, history paging',
    sql: `
      ALTER TABLE workflow_executions DROP CONSTRAINT workflow_executions_status_check;
      ALTER TABLE workflow_executions ADD CONSTRAINT workflow_executions_status_check
        CHECK (status IN ('Running', 'Paused', 'Completed', 'Failed', 'Cancelled'));
      ALTER TABLE workflow_executions
        ADD COLUMN reason TEXT,
        ADD COLUMN control TEXT CHECK (control IN ('cancel', 'pause', 'resume')),
        ADD COLUMN timeout_ms BIGINT,
        ADD COLUMN paused_ms BIGINT NOT NULL DEFAULT 0,
        ADD COLUMN paused_at BIGINT;
      CREATE INDEX workflow_executions_unfinished ON workflow_executions (started_at, seq) WHERE status IN ('Running', 'Paused');
      CREATE INDEX workflow_executions_by_start ON workflow_executions (started_at, seq);
      CREATE INDEX workflow_executions_by_finish ON workflow_executions (finished_at) WHERE finished_at IS NOT NULL;
      -- One row per batch of writes and execution: that batch's events of the execution as a
      -- JSON array, in order.
      CREATE TABLE execution_events (
        seq BIGSERIAL PRIMARY KEY,
        execution_id TEXT NOT NULL REFERENCES workflow_executions (id) ON DELETE CASCADE,
        events TEXT NOT NULL
      );
      CREATE INDEX execution_events_by_execution ON execution_events (execution_id, seq);
      DROP FUNCTION cloacina_apply(text, text[], json);
      ${APPLY_FUNCTION_SQL}
    `,
  },
  {
    version: 7,
    name: 'cron management: enabled, catch-up policy, executions by schedule',
    sql: `
      ALTER TABLE cron_schedules
        ADD COLUMN enabled BOOLEAN NOT NULL DEFAULT true,
        ADD COLUMN catch_up TEXT NOT NULL DEFAULT 'latest' CHECK (catch_up IN ('latest', 'all')),
        ADD COLUMN max_catch_up INTEGER NOT NULL DEFAULT 10 CHECK (max_catch_up >= 1);
      ALTER TABLE workflow_executions
        ADD COLUMN schedule_id TEXT,
        ADD COLUMN scheduled_for BIGINT;
      CREATE INDEX workflow_executions_by_schedule ON workflow_executions (schedule_id, started_at, seq) WHERE schedule_id IS NOT NULL;
    `,
  },
];
