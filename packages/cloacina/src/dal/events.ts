// Lifecycle events. Every event follows from one stored write, so the stores derive and
// keep them in the transaction of the batch itself, and the runner derives the very same
// objects for its live listeners: what `events(id)` returns later is what was streamed.
import type { TaskFailure, Write } from './types.js';
import { KEPT_WRITES } from './writes.js';

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
  const announced = timedOutBefore(w);
  return announced === undefined ? [eventOf(w)] : [announced, eventOf(w)];
}

/** The `taskTimedOut` event that comes before a write's own event, when the write ends a timed-out attempt. */
export function timedOutBefore(w: Write): ExecutionEvent | undefined {
  if ((w.type !== 'taskRetrying' && w.type !== 'taskFailed') || w.errorKind !== 'Timeout') return undefined;
  return { type: 'taskTimedOut', executionId: w.executionId, at: w.at, taskId: w.taskId, attempt: w.attempt, error: { kind: w.errorKind, message: w.message } };
}

/** A write's own event: its only one, or the last (see timedOutBefore). */
export function eventOf(w: Write): ExecutionEvent {
  switch (w.type) {
    case 'executionCreated': {
      const e = w.execution;
      return { type: 'executionStarted', executionId: e.executionId, at: e.startedAt, workflow: e.workflow, version: e.version };
    }
    case 'taskStarted':
      return { type: 'taskStarted', executionId: w.executionId, at: w.at, taskId: w.taskId, attempt: w.attempt };
    case 'taskCompleted':
      return { type: 'taskCompleted', executionId: w.executionId, at: w.at, taskId: w.taskId, attempt: w.attempt };
    case 'taskRetrying':
      return {
        type: 'taskRetryScheduled', executionId: w.executionId, at: w.at, taskId: w.taskId, attempt: w.attempt, error: { kind: w.errorKind, message: w.message },
        delayMs: w.notBefore - w.at, nextAttemptAt: w.notBefore,
      };
    case 'taskFailed':
      return { type: 'taskFailed', executionId: w.executionId, at: w.at, taskId: w.taskId, attempt: w.attempt, error: { kind: w.errorKind, message: w.message } };
    case 'taskSkipped':
      return { type: 'taskSkipped', executionId: w.executionId, at: w.at, taskId: w.taskId, reason: w.reason };
    case 'executionFinished':
      return { type: w.status === 'Completed' ? 'executionCompleted' : 'executionFailed', executionId: w.executionId, at: w.at };
    case 'executionTerminated':
      return { type: w.cause === 'cancel' ? 'executionCancelled' : 'executionTimedOut', executionId: w.executionId, at: w.at, reason: w.reason };
    case 'executionPaused':
      return { type: 'executionPaused', executionId: w.executionId, at: w.at };
    case 'executionResumed':
      return { type: 'executionResumed', executionId: w.executionId, at: w.at };
  }
}

/**
 * One event of each kind, kept for the life of the process for the reason writes are
 * (dal/writes.ts): the live stream makes an event of every write, and its listeners read them.
 */
export const KEPT_EVENTS: readonly ExecutionEvent[] = Object.freeze(KEPT_WRITES.flatMap(eventsOf));

const q = JSON.stringify;

// The stored form. A row holds one batch's writes of one execution, each as the few fields
// its events are made of, in a JSON array: `[code, time, ...fields]`. A time is the
// difference from the time before it in the row (the first from 0) when that is an integer
// that gives it back exactly (epoch ms: a digit or two), else the time itself as a string. Reading turns each back into its write and
// derives the events with eventsOf, so stored events are the live ones by construction.
// Rows written before this form (an array of event objects) are still read.
const CREATED = 0;
const STARTED = 1;
const COMPLETED = 2;
const RETRYING = 3;
const FAILED = 4;
const SKIPPED = 5;
const FINISHED = 6;
const TERMINATED = 7;
const PAUSED = 8;
const RESUMED = 9;

/** `value` relative to `from`, exactly (see above). */
function time(value: number, from: number): string {
  const delta = value - from;
  return Number.isSafeInteger(delta) && from + delta === value ? `${delta}` : q(String(value));
}

function timeFrom(stored: number | string, from: number): number {
  return typeof stored === 'number' ? from + stored : Number(stored);
}

/**
 * One write's stored form; `previous` is the time of the write before it in the row (0 for
 * the first). Written by hand rather than with JSON.stringify: it runs for every write.
 */
export function encodeWrite(w: Write, previous: number): string {
  switch (w.type) {
    case 'executionCreated': {
      const e = w.execution;
      return `[${CREATED},${time(e.startedAt, previous)},${q(e.workflow)},${q(e.version)}]`;
    }
    case 'taskStarted':
      return `[${STARTED},${time(w.at, previous)},${q(w.taskId)},${w.attempt}]`;
    case 'taskCompleted':
      return `[${COMPLETED},${time(w.at, previous)},${q(w.taskId)},${w.attempt}]`;
    case 'taskRetrying':
      return `[${RETRYING},${time(w.at, previous)},${q(w.taskId)},${w.attempt},${q(w.errorKind)},${q(w.message)},${time(w.notBefore, w.at)}]`;
    case 'taskFailed':
      return `[${FAILED},${time(w.at, previous)},${q(w.taskId)},${w.attempt},${q(w.errorKind)},${q(w.message)}]`;
    case 'taskSkipped':
      return `[${SKIPPED},${time(w.at, previous)},${q(w.taskId)},${q(w.reason)}]`;
    case 'executionFinished':
      return `[${FINISHED},${time(w.at, previous)},${q(w.status)}]`;
    case 'executionTerminated':
      return `[${TERMINATED},${time(w.at, previous)},${q(w.status)},${q(w.cause)},${q(w.reason)}]`;
    case 'executionPaused':
      return `[${PAUSED},${time(w.at, previous)}]`;
    case 'executionResumed':
      return `[${RESUMED},${time(w.at, previous)}]`;
  }
}

/** The time of a write (the start of a new execution's). */
function timeOf(w: Write): number {
  return w.type === 'executionCreated' ? w.execution.startedAt : w.at;
}

/** A stored write back as the write it was (only the fields its events are made of). */
function decodeWrite(executionId: string, stored: readonly unknown[], previous: number): Write {
  const [code, t] = stored as [number, number | string];
  const at = timeFrom(t, previous);
  const f = stored as unknown[] as string[] & number[];
  switch (code) {
    case CREATED:
      return { type: 'executionCreated', execution: { executionId, startedAt: at, workflow: f[2]!, version: f[3]!, initialContext: '', taskIds: [] } };
    case STARTED:
      return { type: 'taskStarted', executionId, at, taskId: f[2]!, attempt: f[3]! };
    case COMPLETED:
      return { type: 'taskCompleted', executionId, at, taskId: f[2]!, attempt: f[3]!, output: '' };
    case RETRYING:
      return { type: 'taskRetrying', executionId, at, taskId: f[2]!, attempt: f[3]!, errorKind: f[4] as never, message: f[5]!, notBefore: timeFrom(f[6]!, at) };
    case FAILED:
      return { type: 'taskFailed', executionId, at, taskId: f[2]!, attempt: f[3]!, errorKind: f[4] as never, message: f[5]! };
    case SKIPPED:
      return { type: 'taskSkipped', executionId, at, taskId: f[2]!, reason: f[3]! };
    case FINISHED:
      return { type: 'executionFinished', executionId, at, status: f[2] as never };
    case TERMINATED:
      return { type: 'executionTerminated', executionId, at, status: f[2] as never, cause: f[3] as never, reason: f[4]! };
    case PAUSED:
      return { type: 'executionPaused', executionId, at };
    case RESUMED:
      return { type: 'executionResumed', executionId, at };
    default:
      throw new Error(`execution ${executionId}: stored event of unknown kind ${JSON.stringify(code)}`);
  }
}

/** Writes per stored row at most: a row stays within a page or two, and is let go of soon. */
export const WRITES_PER_ROW = 128;

/**
 * A batch's writes as stored rows: per execution, in write order, up to WRITES_PER_ROW
 * writes a row, each row the JSON text of its writes. Each row is handed to `row` as soon as
 * it is made, one execution after another, so only one row's text is alive at a time (a
 * batch of thousands of writes would otherwise keep all of its text alive until stored,
 * through the collections of the young generation).
 */
export function storedEvents(writes: readonly Write[], row: (executionId: string, text: string) => void): void {
  const byExecution = new Map<string, Write[]>();
  for (const w of writes) {
    const id = executionOf(w);
    const own = byExecution.get(id);
    if (own === undefined) byExecution.set(id, [w]);
    else own.push(w);
  }
  for (const [id, own] of byExecution) {
    for (let start = 0; start < own.length; start += WRITES_PER_ROW) {
      const end = Math.min(start + WRITES_PER_ROW, own.length);
      let text = encodeWrite(own[start]!, 0);
      for (let i = start + 1; i < end; i++) text = `${text},${encodeWrite(own[i]!, timeOf(own[i - 1]!))}`;
      row(id, `[${text}]`);
    }
  }
}

/** The events of stored rows, in row order. */
export function readStoredEvents(executionId: string, rows: readonly string[]): ExecutionEvent[] {
  const events: ExecutionEvent[] = [];
  for (const row of rows) {
    const stored = JSON.parse(row) as unknown[];
    let previous = 0;
    for (const item of stored) {
      if (!Array.isArray(item)) {
        // The earlier form: the event itself, without its executionId.
        events.push({ executionId, ...(item as Omit<ExecutionEvent, 'executionId'>) } as ExecutionEvent);
        continue;
      }
      const w = decodeWrite(executionId, item, previous);
      previous = timeOf(w);
      events.push(...eventsOf(w));
    }
  }
  return events;
}
