// A batch of writes in one round trip: the store plans the batch into groups of one kind
// (see groupRuns), sends them as one JSON value with the batch's events, and cloacina_apply
// (created by migration 6) runs them in order inside the statement's own transaction. A
// lost lease or a transition from an unexpected state raises, and the whole batch is
// rolled back.
import type pg from 'pg';
import type { Fence, NewExecution, Write } from '../types.js';
import { storedEvents } from '../events.js';
import { fencedIds, leaseLost, refused } from '../sqlite/store.js';
import { prepared } from './prepared.js';

/** Applies a batch with one statement; refusals become the same errors as on SQLite. */
export async function applyBatch(db: pg.Pool | pg.PoolClient, writes: readonly Write[], fence?: Fence, events = true): Promise<void> {
  const groups = groupRuns(writes);
  const fenced = fence ? fencedIds(writes) : [];
  const eventRows: Array<{ eid: string; events: string }> = [];
  if (events) storedEvents(writes, (eid, text) => eventRows.push({ eid, events: text }));
  try {
    await db.query(
      prepared('SELECT cloacina_apply($1, $2, $3::json, $4::json)', [fence?.owner ?? null, fenced, JSON.stringify(groups.map(encodeGroup)), JSON.stringify(eventRows)]),
    );
  } catch (error) {
    const { message, detail } = error as { message?: string; detail?: string };
    if (message === 'cloacina: lease') throw leaseLost(fence!.owner, detail!);
    if (message === 'cloacina: refused') {
      const group = groups[Number(detail)]!;
      throw refused(groupLabel(group), describeGroup(group));
    }
    throw error;
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

type ExecutionLevel = Extract<Write, { type: 'executionFinished' | 'executionTerminated' | 'executionPaused' | 'executionResumed' }>;

/**
 * Orders a batch into groups of one type each, with few groups: the guards are per task
 * row and the batch commits as a whole, so only each task's own sequence must be kept
 * (its k-th write goes in round k), executions are created first, and the writes on
 * executions themselves (finished, terminated, paused, resumed) come last in their own
 * order: a termination skips the tasks still unfinished after the batch's task writes. A
 * start directly followed by the same task's completion becomes one write.
 */
function groupRuns(writes: readonly Write[]): Planned[][] {
  const created: Write[] = [];
  const executionLevel: ExecutionLevel[] = [];
  const byTask = new Map<string, Planned[]>();
  for (const w of writes) {
    if (w.type === 'executionCreated') created.push(w);
    else if (!('taskId' in w)) executionLevel.push(w);
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
  // Consecutive execution-level writes of one type form a group; their order is kept.
  const firstLevel = groups.length;
  for (const w of executionLevel) {
    const last = groups.length > firstLevel ? groups[groups.length - 1] : undefined;
    if (last !== undefined && last[0]!.type === w.type) last.push(w);
    else groups.push([w]);
  }
  return groups;
}

function describeGroup(group: readonly Planned[]): string {
  return group.map((w) => (w.type === 'executionCreated' ? w.execution.executionId : 'taskId' in w ? `${w.executionId}/${w.taskId}` : w.executionId)).join(', ');
}

/** The writes a planned group stands for, as named in errors. */
const groupLabel = (group: readonly Planned[]) => (group[0]!.type === 'taskRan' ? 'taskStarted+taskCompleted' : group[0]!.type);

/** The JSON rows of one group, with the column names cloacina_apply reads. */
function encodeGroup(group: readonly Planned[]): { type: Planned['type']; rows: unknown[] } {
  const type = group[0]!.type;
  const rows = group.map((w): unknown => {
    switch (w.type) {
      case 'executionCreated':
        return encodeExecution(w.execution);
      case 'taskStarted':
        return { eid: w.executionId, tid: w.taskId, attempt: w.attempt, at: w.at };
      case 'taskRan':
        return { eid: w.executionId, tid: w.taskId, attempt: w.attempt, started: w.startedAt, at: w.at, output: w.output };
      case 'taskCompleted':
        return { eid: w.executionId, tid: w.taskId, at: w.at, output: w.output };
      case 'taskRetrying':
        return { eid: w.executionId, tid: w.taskId, kind: w.errorKind, message: w.message, nb: w.notBefore };
      case 'taskFailed':
        return { eid: w.executionId, tid: w.taskId, kind: w.errorKind, message: w.message, at: w.at };
      case 'taskSkipped':
        return { eid: w.executionId, tid: w.taskId, reason: w.reason, at: w.at };
      case 'executionFinished':
        return { id: w.executionId, status: w.status, at: w.at };
      case 'executionTerminated':
        return { id: w.executionId, status: w.status, reason: w.reason, at: w.at, release: w.release ?? false };
      case 'executionPaused':
      case 'executionResumed':
        return { id: w.executionId, at: w.at, release: w.release ?? false };
    }
  });
  return { type, rows };
}

function encodeExecution(e: NewExecution) {
  return { id: e.executionId, timeout: e.timeoutMs ?? null, workflow: e.workflow, version: e.version, started_at: e.startedAt, owner: e.owner ?? null, lease: e.leaseUntil ?? null, context: e.initialContext, task_ids: e.taskIds };
}

/**
 * The function behind every batch (created by migration 6; changing it takes a new
 * migration, with this text frozen into migration 6). Each task update also filters on the
 * group's distinct execution ids, so the planner reaches rows through the primary key's
 * leading column. The batch's events are stored last, in the order given.
 */
export const APPLY_FUNCTION_SQL = `
CREATE FUNCTION cloacina_apply(p_owner text, p_fenced text[], p_groups json, p_events json) RETURNS void LANGUAGE plpgsql AS $fn$
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
        INSERT INTO workflow_executions (id, workflow, version, status, started_at, owner, lease_expires_at, timeout_ms)
          SELECT v.id, v.workflow, v.version, 'Running', v.started_at, v.owner, v.lease, v.timeout
          FROM json_to_recordset(r) AS v(id text, workflow text, version text, started_at bigint, owner text, lease bigint, timeout bigint);
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
        UPDATE workflow_executions e SET status = v.status, finished_at = v.at, control = NULL
          FROM json_to_recordset(r) AS v(id text, status text, at bigint)
          WHERE e.id = v.id AND e.status IN ('Running', 'Paused');
        GET DIAGNOSTICS changed = ROW_COUNT;
      WHEN 'executionTerminated' THEN
        UPDATE workflow_executions e SET status = v.status, reason = v.reason, finished_at = v.at, control = NULL,
            owner = CASE WHEN v.release THEN NULL ELSE e.owner END
          FROM json_to_recordset(r) AS v(id text, status text, reason text, at bigint, release boolean)
          WHERE e.id = v.id AND e.status IN ('Running', 'Paused');
        GET DIAGNOSTICS changed = ROW_COUNT;
        IF changed = expected THEN
          UPDATE task_executions t SET state = 'Skipped', reason = v.reason, finished_at = v.at
            FROM json_to_recordset(r) AS v(id text, reason text, at bigint)
            WHERE t.execution_id = v.id AND t.state IN ('Pending', 'Ready', 'Running');
        END IF;
      WHEN 'executionPaused' THEN
        UPDATE workflow_executions e SET status = 'Paused', paused_at = v.at,
            control = CASE WHEN e.control = 'pause' THEN NULL ELSE e.control END, owner = CASE WHEN v.release THEN NULL ELSE e.owner END
          FROM json_to_recordset(r) AS v(id text, at bigint, release boolean)
          WHERE e.id = v.id AND e.status = 'Running';
        GET DIAGNOSTICS changed = ROW_COUNT;
      WHEN 'executionResumed' THEN
        UPDATE workflow_executions e SET status = 'Running', paused_ms = e.paused_ms + GREATEST(0, v.at - COALESCE(e.paused_at, v.at)), paused_at = NULL,
            control = CASE WHEN e.control = 'resume' THEN NULL ELSE e.control END, owner = CASE WHEN v.release THEN NULL ELSE e.owner END
          FROM json_to_recordset(r) AS v(id text, at bigint, release boolean)
          WHERE e.id = v.id AND e.status = 'Paused';
        GET DIAGNOSTICS changed = ROW_COUNT;
    END CASE;
    IF changed <> expected THEN
      RAISE EXCEPTION 'cloacina: refused' USING DETAIL = i::text;
    END IF;
  END LOOP;
  INSERT INTO execution_events (execution_id, events)
    SELECT v.eid, v.events FROM ROWS FROM (json_to_recordset(p_events) AS (eid text, events text)) WITH ORDINALITY AS v(eid, events, n) ORDER BY v.n;
END
$fn$;
`;
