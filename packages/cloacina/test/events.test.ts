// The stored form of events is written by hand for speed, compactly; read back it must give
// exactly the events the live stream gets, in order, for any ids, names, messages and times.
import { expect } from 'vitest';
import { it } from '@fast-check/vitest';
import fc from 'fast-check';
import type { TaskErrorKind, Write } from 'cloacina';
import { eventsOf, executionOf, readStoredEvents, storedEvents, WRITES_PER_ROW } from '../src/dal/events.js';

const kinds: TaskErrorKind[] = ['ExecutionFailed', 'ValidationFailed', 'Timeout', 'DependencyNotSatisfied', 'ContextError', 'Unknown'];
const text = fc.string({ unit: 'binary', maxLength: 20 });
// Epoch milliseconds as Date.now gives them, and the fractions a clock of one's own (RunnerOptions.now) may.
const time = fc.oneof(
  fc.integer({ min: 0, max: 2 ** 45 }),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -(2 ** 60), max: 2 ** 60 }).filter((x) => !Object.is(x, -0)),
);
// A few execution ids, so a batch mixes executions as real batches do.
const executionId = fc.constantFrom('e1', 'e2', 'e3');

const write: fc.Arbitrary<Write> = fc.oneof(
  fc.record({ executionId, workflow: text, version: text, startedAt: time }).map(
    (e): Write => ({ type: 'executionCreated', execution: { ...e, initialContext: '{}', taskIds: [] } }),
  ),
  fc.record({ executionId, taskId: text, attempt: fc.nat(), at: time }).map((w): Write => ({ type: 'taskStarted', ...w })),
  fc.record({ executionId, taskId: text, attempt: fc.nat(), at: time }).map((w): Write => ({ type: 'taskCompleted', ...w, output: '{}' })),
  fc.record({ executionId, taskId: text, attempt: fc.nat(), errorKind: fc.constantFrom(...kinds), message: text, at: time, delay: fc.nat() }).map(
    ({ delay, ...w }): Write => ({ type: 'taskRetrying', ...w, notBefore: w.at + delay }),
  ),
  fc.record({ executionId, taskId: text, attempt: fc.nat(), errorKind: fc.constantFrom(...kinds), message: text, at: time }).map(
    (w): Write => ({ type: 'taskFailed', ...w }),
  ),
  fc.record({ executionId, taskId: text, reason: text, at: time }).map((w): Write => ({ type: 'taskSkipped', ...w })),
  fc.record({ executionId, status: fc.constantFrom('Completed' as const, 'Failed' as const), at: time }).map((w): Write => ({ type: 'executionFinished', ...w })),
  fc.record({ executionId, cause: fc.constantFrom('cancel' as const, 'timeout' as const), reason: text, at: time }).map(
    (w): Write => ({ type: 'executionTerminated', ...w, status: w.cause === 'cancel' ? 'Cancelled' : 'Failed' }),
  ),
  fc.record({ executionId, at: time }).map((w): Write => ({ type: 'executionPaused', ...w })),
  fc.record({ executionId, at: time }).map((w): Write => ({ type: 'executionResumed', ...w })),
);

it.prop([fc.array(fc.array(write, { maxLength: 12 }), { minLength: 1, maxLength: 4 })])(
  'stores exactly the events of every batch, per execution and in order',
  (batches) => {
    const rows = new Map<string, string[]>();
    for (const batch of batches) storedEvents(batch, (id, row) => rows.set(id, [...(rows.get(id) ?? []), row]));
    for (const id of new Set(batches.flat().map(executionOf))) {
      const live = batches.flat().filter((w) => executionOf(w) === id).flatMap(eventsOf);
      expect(readStoredEvents(id, rows.get(id)!)).toEqual(live);
    }
  },
);

it('reads rows stored in the earlier form (one object per event)', () => {
  const row =
    '[{"type":"taskStarted","at":1700000000000,"taskId":"t0","attempt":1},' +
    '{"type":"taskRetryScheduled","at":1700000000005,"taskId":"t0","attempt":1,"error":{"kind":"ExecutionFailed","message":"boom"},"delayMs":100,"nextAttemptAt":1700000000105}]';
  const compact = rowsOf([{ type: 'executionFinished', executionId: 'e', status: 'Completed', at: 1700000000200 }]).get('e')![0]!;
  expect(readStoredEvents('e', [row, compact])).toEqual([
    { executionId: 'e', type: 'taskStarted', at: 1700000000000, taskId: 't0', attempt: 1 },
    {
      executionId: 'e', type: 'taskRetryScheduled', at: 1700000000005, taskId: 't0', attempt: 1,
      error: { kind: 'ExecutionFailed', message: 'boom' }, delayMs: 100, nextAttemptAt: 1700000000105,
    },
    { executionId: 'e', type: 'executionCompleted', at: 1700000000200 },
  ]);
});

it('keeps a row small: a task that starts and completes takes a few bytes beyond its id', () => {
  const at = 1_764_633_600_000;
  const writes: Write[] = [];
  for (let i = 0; i < 10; i++) writes.push({ type: 'taskStarted', executionId: 'e', taskId: `t${i}`, attempt: 1, at });
  for (let i = 0; i < 10; i++) writes.push({ type: 'taskCompleted', executionId: 'e', taskId: `t${i}`, attempt: 1, output: '{"big":"x"}', at: at + 1 });
  const [row, ...more] = rowsOf(writes).get('e')!;
  expect(more).toEqual([]);
  // Absolute times once, then differences; no field names, no outputs.
  expect(row!.length).toBeLessThan(20 + 20 * 13);
  expect(row).not.toContain('big');
});

it('splits a large batch of one execution into rows of at most WRITES_PER_ROW writes, read back in order', () => {
  const writes: Write[] = [];
  for (let i = 0; i < 2 * WRITES_PER_ROW + 5; i++) {
    writes.push({ type: 'taskStarted', executionId: 'big', taskId: `t${i}`, attempt: 1, at: 1000 + i });
    if (i % 50 === 0) writes.push({ type: 'taskSkipped', executionId: 'small', taskId: `s${i}`, reason: 'r', at: 1000 + i });
  }
  const rows = rowsOf(writes);
  expect(rows.get('big')!.map((r) => (JSON.parse(r) as unknown[]).length)).toEqual([WRITES_PER_ROW, WRITES_PER_ROW, 5]);
  expect(rows.get('small')).toHaveLength(1);
  for (const id of ['big', 'small']) {
    expect(readStoredEvents(id, rows.get(id)!)).toEqual(writes.filter((w) => executionOf(w) === id).flatMap(eventsOf));
  }
});

/** The rows storedEvents makes of one batch, per execution in the order made. */
function rowsOf(writes: readonly Write[]): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  storedEvents(writes, (id, row) => rows.set(id, [...(rows.get(id) ?? []), row]));
  return rows;
}
