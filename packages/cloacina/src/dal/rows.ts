// Maps database rows (snake_case; PostgreSQL returns BIGINT as text) to records. Shared by
// every SQL store so both backends report exactly the same shapes.
import type { CatchUp, ControlAction, CronScheduleRecord, ExecutionStatus, ExecutionSummary, ScheduleChanges, TaskRecord } from './types.js';

type Row = Record<string, unknown>;

const present = (v: unknown): boolean => v !== null && v !== undefined;

export function toSummary(row: Row): ExecutionSummary {
  const summary: ExecutionSummary = {
    executionId: row.id as string,
    workflow: row.workflow as string,
    version: row.version as string,
    status: row.status as ExecutionStatus,
    startedAt: Number(row.started_at),
  };
  if (present(row.finished_at)) summary.finishedAt = Number(row.finished_at);
  if (present(row.reason)) summary.reason = row.reason as string;
  if (present(row.schedule_id)) summary.scheduleId = row.schedule_id as string;
  if (present(row.scheduled_for)) summary.scheduledFor = Number(row.scheduled_for);
  return summary;
}

/** The execution-level fields a runner needs beyond the summary (control, timeout, pauses). */
export function toExecutionState(row: Row): { timeoutMs?: number; pausedMs: number; pausedAt?: number; control?: ControlAction } {
  const state: { timeoutMs?: number; pausedMs: number; pausedAt?: number; control?: ControlAction } = { pausedMs: Number(row.paused_ms ?? 0) };
  if (present(row.timeout_ms)) state.timeoutMs = Number(row.timeout_ms);
  if (present(row.paused_at)) state.pausedAt = Number(row.paused_at);
  if (present(row.control)) state.control = row.control as ControlAction;
  return state;
}

export function toTaskRecord(row: Row): TaskRecord {
  const record: TaskRecord = { taskId: row.task_id as string, state: row.state as TaskRecord['state'], attempts: Number(row.attempts) };
  if (present(row.error_kind)) record.errorKind = row.error_kind as TaskRecord['errorKind'];
  if (present(row.error)) record.error = row.error as string;
  if (present(row.reason)) record.reason = row.reason as string;
  if (present(row.output)) record.output = row.output as string;
  if (present(row.started_at)) record.startedAt = Number(row.started_at);
  if (present(row.finished_at)) record.finishedAt = Number(row.finished_at);
  if (present(row.not_before)) record.notBefore = Number(row.not_before);
  return record;
}

export function toSchedule(row: Row): CronScheduleRecord {
  return {
    id: row.id as string,
    workflow: row.workflow as string,
    expression: row.expression as string,
    timezone: row.timezone as string,
    context: row.context as string,
    lastSlot: Number(row.last_slot),
    // SQLite stores booleans as 0/1.
    enabled: row.enabled === true || row.enabled === 1,
    catchUp: row.catch_up as CatchUp,
    maxCatchUp: Number(row.max_catch_up),
  };
}

/** The columns of a schedule, as toSchedule reads them. */
export const SCHEDULE_COLUMNS = 'id, workflow, expression, timezone, context, last_slot, enabled, catch_up, max_catch_up';

/** How a backend spells a schedule update: the i-th placeholder, its two-argument max(), a boolean. */
export interface Dialect {
  param: (i: number) => string;
  greatest: string;
  bool: (value: boolean) => unknown;
}

/** The SET list and parameters of a schedule update. */
export function scheduleUpdate(changes: ScheduleChanges, { param, greatest, bool }: Dialect): { set: string; params: unknown[] } {
  const sets: string[] = [];
  const params: unknown[] = [];
  const add = (column: string, value: unknown) => sets.push(`${column} = ${param(params.push(value))}`);
  if (changes.expression !== undefined) add('expression', changes.expression);
  if (changes.timezone !== undefined) add('timezone', changes.timezone);
  if (changes.context !== undefined) add('context', changes.context);
  if (changes.enabled !== undefined) add('enabled', bool(changes.enabled));
  if (changes.catchUp !== undefined) add('catch_up', changes.catchUp);
  if (changes.maxCatchUp !== undefined) add('max_catch_up', changes.maxCatchUp);
  if (changes.lastSlotAtLeast !== undefined) sets.push(`last_slot = ${greatest}(last_slot, ${param(params.push(changes.lastSlotAtLeast))})`);
  // Nothing to change still reads the schedule back (and says whether it exists).
  if (sets.length === 0) sets.push('id = id');
  return { set: sets.join(', '), params };
}
