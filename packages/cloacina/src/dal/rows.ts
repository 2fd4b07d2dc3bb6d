// Maps database rows (snake_case; PostgreSQL returns BIGINT as text) to records. Shared by
// every SQL store so both backends report exactly the same shapes.
import type { ControlAction, ExecutionStatus, ExecutionSummary, TaskRecord } from './types.js';

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
