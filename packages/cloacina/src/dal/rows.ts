// Maps database rows (snake_case; PostgreSQL returns BIGINT as text) to records. Shared by
// every SQL store so both backends report exactly the same shapes.
import type { ExecutionStatus, ExecutionSummary, TaskRecord } from './types.js';

type Row = Record<string, unknown>;

const present = (v: unknown): boolean => v !== null && v !== undefined;

export function toSummary(row: Row): ExecutionSummary {
  const summary: ExecutionSummary = {
    id: row.id as string,
    workflow: row.workflow as string,
    version: row.version as string,
    status: row.status as ExecutionStatus,
    startedAt: Number(row.started_at),
  };
  if (present(row.finished_at)) summary.finishedAt = Number(row.finished_at);
  return summary;
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
