// The stored form of events is written by hand for speed; it must hold exactly the events
// the live stream gets, for any ids, names and messages.
import { expect } from 'vitest';
import { it } from '@fast-check/vitest';
import fc from 'fast-check';
import type { TaskErrorKind, Write } from 'cloacina';
import { encodeEvents, eventsOf } from '../src/dal/events.js';

const kinds: TaskErrorKind[] = ['ExecutionFailed', 'ValidationFailed', 'Timeout', 'DependencyNotSatisfied', 'ContextError', 'Unknown'];
const text = fc.string({ unit: 'binary', maxLength: 20 });
const time = fc.integer({ min: 0, max: 2 ** 45 });

const write: fc.Arbitrary<Write> = fc.oneof(
  fc.record({ executionId: text, workflow: text, version: text, startedAt: time }).map(
    (e): Write => ({ type: 'executionCreated', execution: { ...e, initialContext: '{}', taskIds: [] } }),
  ),
  fc.record({ executionId: text, taskId: text, attempt: fc.nat(), at: time }).map((w): Write => ({ type: 'taskStarted', ...w })),
  fc.record({ executionId: text, taskId: text, attempt: fc.nat(), at: time }).map((w): Write => ({ type: 'taskCompleted', ...w, output: '{}' })),
  fc.record({ executionId: text, taskId: text, attempt: fc.nat(), errorKind: fc.constantFrom(...kinds), message: text, at: time, delay: fc.nat() }).map(
    ({ delay, ...w }): Write => ({ type: 'taskRetrying', ...w, notBefore: w.at + delay }),
  ),
  fc.record({ executionId: text, taskId: text, attempt: fc.nat(), errorKind: fc.constantFrom(...kinds), message: text, at: time }).map(
    (w): Write => ({ type: 'taskFailed', ...w }),
  ),
  fc.record({ executionId: text, taskId: text, reason: text, at: time }).map((w): Write => ({ type: 'taskSkipped', ...w })),
  fc.record({ executionId: text, status: fc.constantFrom('Completed' as const, 'Failed' as const), at: time }).map((w): Write => ({ type: 'executionFinished', ...w })),
  fc.record({ executionId: text, cause: fc.constantFrom('cancel' as const, 'timeout' as const), reason: text, at: time }).map(
    (w): Write => ({ type: 'executionTerminated', ...w, status: w.cause === 'cancel' ? 'Cancelled' : 'Failed' }),
  ),
  fc.record({ executionId: text, at: time }).map((w): Write => ({ type: 'executionPaused', ...w })),
  fc.record({ executionId: text, at: time }).map((w): Write => ({ type: 'executionResumed', ...w })),
);

it.prop([write])('stores exactly the events of a write, without the execution id', (w) => {
  const stored = JSON.parse(`[${encodeEvents(w)}]`) as unknown[];
  expect(stored).toEqual(eventsOf(w).map(({ executionId: _id, ...rest }) => rest));
});
