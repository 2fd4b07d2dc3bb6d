// Lifecycle events. Every event follows from one stored write, so the stores derive and
// keep them in the transaction of the batch itself, and the runner derives the very same
// objects for its live listeners: what `events(id)` returns later is what was streamed.
import type { TaskFailure, Write } from './types.js';

interface Base {
  executionId: string;
  /** When it happened (epoch ms). */
  at: number;
}

interface TaskBase extends Base {
  taskId: string;
}

export type ExecutionEvent =
  | (Base & { type: 'executionStarted'; workflow: string; version: string })
  | (Base & { type: 'executionCompleted' })
  | (Base & { type: 'executionFailed' })
  | (Base & { type: 'executionCancelled'; reason: string })
  | (Base & { type: 'executionTimedOut'; reason: string })
  | (Base & { type: 'executionPaused' })
  | (Base & { type: 'executionResumed' })
  | (TaskBase & { type: 'taskStarted'; attempt: number })
  | (TaskBase & { type: 'taskCompleted'; attempt: number })
  | (TaskBase & { type: 'taskTimedOut'; attempt: number; error: TaskFailure })
  | (TaskBase & { type: 'taskRetryScheduled'; attempt: number; error: TaskFailure; delayMs: number; nextAttemptAt: number })
  | (TaskBase & { type: 'taskFailed'; attempt: number; error: TaskFailure })
  | (TaskBase & { type: 'taskSkipped'; reason: string });

export type ExecutionEventType = ExecutionEvent['type'];

/** The execution a write belongs to. */
export function executionOf(write: Write): string {
  return write.type === 'executionCreated' ? write.execution.executionId : write.executionId;
}

/** The events a write stands for, in order (a timed-out attempt is announced before its retry or failure). */
export function eventsOf(w: Write): ExecutionEvent[] {
  switch (w.type) {
    case 'executionCreated': {
      const e = w.execution;
      return [{ type: 'executionStarted', executionId: e.executionId, at: e.startedAt, workflow: e.workflow, version: e.version }];
    }
    case 'taskStarted':
      return [{ type: 'taskStarted', executionId: w.executionId, at: w.at, taskId: w.taskId, attempt: w.attempt }];
    case 'taskCompleted':
      return [{ type: 'taskCompleted', executionId: w.executionId, at: w.at, taskId: w.taskId, attempt: w.attempt }];
    case 'taskRetrying': {
      const error = { kind: w.errorKind, message: w.message };
      const retry: ExecutionEvent = {
        type: 'taskRetryScheduled', executionId: w.executionId, at: w.at, taskId: w.taskId, attempt: w.attempt, error,
        delayMs: w.notBefore - w.at, nextAttemptAt: w.notBefore,
      };
      return w.errorKind === 'Timeout' ? [timedOut(w, error), retry] : [retry];
    }
    case 'taskFailed': {
      const error = { kind: w.errorKind, message: w.message };
      const failed: ExecutionEvent = { type: 'taskFailed', executionId: w.executionId, at: w.at, taskId: w.taskId, attempt: w.attempt, error };
      return w.errorKind === 'Timeout' ? [timedOut(w, error), failed] : [failed];
    }
    case 'taskSkipped':
      return [{ type: 'taskSkipped', executionId: w.executionId, at: w.at, taskId: w.taskId, reason: w.reason }];
    case 'executionFinished':
      return [{ type: w.status === 'Completed' ? 'executionCompleted' : 'executionFailed', executionId: w.executionId, at: w.at }];
    case 'executionTerminated':
      return [{ type: w.cause === 'cancel' ? 'executionCancelled' : 'executionTimedOut', executionId: w.executionId, at: w.at, reason: w.reason }];
    case 'executionPaused':
      return [{ type: 'executionPaused', executionId: w.executionId, at: w.at }];
    case 'executionResumed':
      return [{ type: 'executionResumed', executionId: w.executionId, at: w.at }];
  }
}

function timedOut(w: { executionId: string; taskId: string; attempt: number; at: number }, error: TaskFailure): ExecutionEvent {
  return { type: 'taskTimedOut', executionId: w.executionId, at: w.at, taskId: w.taskId, attempt: w.attempt, error };
}

const q = JSON.stringify;

/**
 * The stored form of a write's events: JSON objects without the executionId (the row
 * carries it), comma-separated. Written by hand rather than through eventsOf and
 * JSON.stringify because it runs for every write on the hot path; a test holds the two
 * to the same events.
 */
export function encodeEvents(w: Write): string {
  switch (w.type) {
    case 'executionCreated': {
      const e = w.execution;
      return `{"type":"executionStarted","at":${e.startedAt},"workflow":${q(e.workflow)},"version":${q(e.version)}}`;
    }
    case 'taskStarted':
      return `{"type":"taskStarted","at":${w.at},"taskId":${q(w.taskId)},"attempt":${w.attempt}}`;
    case 'taskCompleted':
      return `{"type":"taskCompleted","at":${w.at},"taskId":${q(w.taskId)},"attempt":${w.attempt}}`;
    case 'taskRetrying': {
      const head = `"at":${w.at},"taskId":${q(w.taskId)},"attempt":${w.attempt},"error":{"kind":${q(w.errorKind)},"message":${q(w.message)}}`;
      const retry = `{"type":"taskRetryScheduled",${head},"delayMs":${w.notBefore - w.at},"nextAttemptAt":${w.notBefore}}`;
      return w.errorKind === 'Timeout' ? `{"type":"taskTimedOut",${head}},${retry}` : retry;
    }
    case 'taskFailed': {
      const head = `"at":${w.at},"taskId":${q(w.taskId)},"attempt":${w.attempt},"error":{"kind":${q(w.errorKind)},"message":${q(w.message)}}`;
      return w.errorKind === 'Timeout' ? `{"type":"taskTimedOut",${head}},{"type":"taskFailed",${head}}` : `{"type":"taskFailed",${head}}`;
    }
    case 'taskSkipped':
      return `{"type":"taskSkipped","at":${w.at},"taskId":${q(w.taskId)},"reason":${q(w.reason)}}`;
    case 'executionFinished':
      return `{"type":"${w.status === 'Completed' ? 'executionCompleted' : 'executionFailed'}","at":${w.at}}`;
    case 'executionTerminated':
      return `{"type":"${w.cause === 'cancel' ? 'executionCancelled' : 'executionTimedOut'}","at":${w.at},"reason":${q(w.reason)}}`;
    case 'executionPaused':
      return `{"type":"executionPaused","at":${w.at}}`;
    case 'executionResumed':
      return `{"type":"executionResumed","at":${w.at}}`;
  }
}

/**
 * A batch's events grouped per execution, each group as the JSON text one stored row
 * holds (a JSON array of the events without their executionId), in write order.
 */
export function storedEvents(writes: readonly Write[]): Map<string, string> {
  const groups = new Map<string, string>();
  for (const w of writes) {
    const id = executionOf(w);
    const text = groups.get(id);
    groups.set(id, text === undefined ? encodeEvents(w) : `${text},${encodeEvents(w)}`);
  }
  for (const [id, text] of groups) groups.set(id, `[${text}]`);
  return groups;
}

/** The events of stored rows, in row order. */
export function readStoredEvents(executionId: string, rows: readonly string[]): ExecutionEvent[] {
  const events: ExecutionEvent[] = [];
  for (const row of rows) for (const event of JSON.parse(row) as Array<Omit<ExecutionEvent, 'executionId'>>) events.push({ executionId, ...event } as ExecutionEvent);
  return events;
}
