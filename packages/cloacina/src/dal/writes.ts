// Every write is made here, each kind by one object literal, so all writes of a kind share
// one hidden class, and one write of each kind lives as long as the process (KEPT_WRITES).
//
// Why keep them: V8 holds the hidden classes of plain objects weakly. Between two executions
// no write is alive, so a full garbage collection frees those classes, and the next execution's
// writes get new ones. The optimized code of everything that reads writes (the stores' apply
// loops, the event encoder) depends on the old classes and is thrown away: each execution then
// reads its writes in unoptimized code and compiles that code again. For a wide workflow of
// no-op tasks that was a tenth of its CPU time with stored events on, most of what events cost.
import type { TaskErrorKind } from 'cloacina-workflow';
import type { NewExecution, Write } from './types.js';

type Kind<T extends Write['type']> = Extract<Write, { type: T }>;
type Terminated = Kind<'executionTerminated'>;

/** A new execution's record, every field present (absent ones undefined) so all have one hidden class. */
export function newExecution(e: NewExecution): NewExecution {
  return {
    executionId: e.executionId, owner: e.owner, leaseUntil: e.leaseUntil, workflow: e.workflow, version: e.version,
    initialContext: e.initialContext, taskIds: e.taskIds, startedAt: e.startedAt, timeoutMs: e.timeoutMs,
  };
}

export function executionCreated(execution: NewExecution): Kind<'executionCreated'> {
  return { type: 'executionCreated', execution };
}

export function taskStarted(executionId: string, taskId: string, attempt: number, at: number): Kind<'taskStarted'> {
  return { type: 'taskStarted', executionId, taskId, attempt, at };
}

export function taskCompleted(executionId: string, taskId: string, attempt: number, output: string, at: number): Kind<'taskCompleted'> {
  return { type: 'taskCompleted', executionId, taskId, attempt, output, at };
}

export function taskRetrying(
  executionId: string, taskId: string, attempt: number, errorKind: TaskErrorKind, message: string, at: number, notBefore: number,
): Kind<'taskRetrying'> {
  return { type: 'taskRetrying', executionId, taskId, attempt, errorKind, message, at, notBefore };
}

export function taskFailed(executionId: string, taskId: string, attempt: number, errorKind: TaskErrorKind, message: string, at: number): Kind<'taskFailed'> {
  return { type: 'taskFailed', executionId, taskId, attempt, errorKind, message, at };
}

export function taskSkipped(executionId: string, taskId: string, reason: string, at: number): Kind<'taskSkipped'> {
  return { type: 'taskSkipped', executionId, taskId, reason, at };
}

export function executionFinished(executionId: string, status: Kind<'executionFinished'>['status'], at: number): Kind<'executionFinished'> {
  return { type: 'executionFinished', executionId, status, at };
}

/** `release`: written by a runner that does not hold the execution (its lease is cleared too). */
export function executionTerminated(
  executionId: string, status: Terminated['status'], cause: Terminated['cause'], reason: string, at: number, release = false,
): Terminated {
  return { type: 'executionTerminated', executionId, status, cause, reason, at, release };
}

export function executionPaused(executionId: string, at: number, release = false): Kind<'executionPaused'> {
  return { type: 'executionPaused', executionId, at, release };
}

export function executionResumed(executionId: string, at: number, release = false): Kind<'executionResumed'> {
  return { type: 'executionResumed', executionId, at, release };
}

// Field values of the kinds real writes hold: a time that is not a small integer (epoch ms
// are not), so the class stores times as doubles from the start and a real write never
// changes it. The failures are timeouts so that the events made of them (KEPT_EVENTS) cover
// every kind.
const AT = 0.5;
const sampleExecution = newExecution({ executionId: '', owner: undefined, leaseUntil: undefined, workflow: '', version: '', initialContext: '', taskIds: [], startedAt: AT, timeoutMs: undefined });

/** One write of each kind, kept for the life of the process (see the top of this file). */
export const KEPT_WRITES: readonly Write[] = Object.freeze([
  executionCreated(sampleExecution),
  taskStarted('', '', 1, AT),
  taskCompleted('', '', 1, '', AT),
  taskRetrying('', '', 1, 'Timeout', '', AT, AT),
  taskFailed('', '', 1, 'Timeout', '', AT),
  taskSkipped('', '', '', AT),
  executionFinished('', 'Completed', AT),
  executionTerminated('', 'Failed', 'timeout', '', AT),
  executionPaused('', AT),
  executionResumed('', AT),
]);
