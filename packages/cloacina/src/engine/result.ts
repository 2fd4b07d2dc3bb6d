import { decodeJson, type JsonObject, type TaskErrorKind, type TaskStateKind } from 'cloacina-workflow';
import type { ExecutionRecord, ExecutionStatus } from '../dal/types.js';

export interface TaskResult {
  state: TaskStateKind;
  attempts: number;
  error?: { kind: TaskErrorKind; message: string };
  /** Why a task was Skipped. */
  reason?: string;
  /** The output context of a Completed task. */
  output?: JsonObject;
  startedAt?: number;
  finishedAt?: number;
}

export interface ExecutionResult {
  executionId: string;
  workflow: string;
  version: string;
  status: ExecutionStatus;
  startedAt: number;
  finishedAt?: number;
  /** Why it was Cancelled, or Failed by its workflow timeout. */
  reason?: string;
  tasks: Record<string, TaskResult>;
}

/** The public view of a stored execution. */
export function resultFromRecord(record: ExecutionRecord): ExecutionResult {
  const tasks: Record<string, TaskResult> = {};
  for (const t of record.tasks) {
    const result: TaskResult = { state: t.state, attempts: t.attempts };
    if (t.errorKind !== undefined && (t.state === 'Failed' || t.state === 'Ready')) {
      result.error = { kind: t.errorKind, message: t.error ?? '' };
    }
    if (t.reason !== undefined) result.reason = t.reason;
    if (t.output !== undefined) result.output = decodeJson(t.output, `output of task ${t.taskId}`) as JsonObject;
    if (t.startedAt !== undefined) result.startedAt = t.startedAt;
    if (t.finishedAt !== undefined) result.finishedAt = t.finishedAt;
    Object.defineProperty(tasks, t.taskId, { value: result, enumerable: true, writable: true, configurable: true });
  }
  return {
    executionId: record.executionId,
    workflow: record.workflow,
    version: record.version,
    status: record.status,
    startedAt: record.startedAt,
    ...(record.finishedAt === undefined ? {} : { finishedAt: record.finishedAt }),
    ...(record.reason === undefined ? {} : { reason: record.reason }),
    tasks,
  };
}
