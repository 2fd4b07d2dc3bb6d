import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { readFileSync } from 'node:fs';
import { ContextError, RetryPolicy, TaskError, type BackoffStrategy, type TaskErrorKind } from 'cloacina-workflow';

const backoffArb: fc.Arbitrary<BackoffStrategy> = fc.oneof(
  fc.constant({ type: 'fixed' as const }),
  fc.record({ type: fc.constant('linear' as const), multiplier: fc.double({ min: 0, max: 10, noNaN: true }) }),
  fc.record({
    type: fc.constant('exponential' as const),
    base: fc.double({ min: 1, max: 10, noNaN: true }),
    multiplier: fc.double({ min: 0, max: 10, noNaN: true }),
  }),
);

const policyArb = fc
  .record({
    backoff: backoffArb,
    initialDelayMs: fc.integer({ min: 0, max: 10_000 }),
    extra: fc.integer({ min: 0, max: 100_000 }),
    jitter: fc.boolean(),
  })
  .map(({ backoff, initialDelayMs, extra, jitter }) =>
    new RetryPolicy({ backoff, initialDelayMs, maxDelayMs: initialDelayMs + extra, jitter }),
  );

const unit = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

describe('RetryPolicy defaults and validation', () => {
  it('has the documented defaults', () => {
    const policy = RetryPolicy.default();
    expect(policy.toJSON()).toEqual({
      maxAttempts: 3,
      backoff: { type: 'exponential', base: 2, multiplier: 1 },
      initialDelayMs: 1000,
      maxDelayMs: 60_000,
      jitter: true,
      conditions: [{ type: 'allErrors' }],
    });
  });

  it('computes each backoff shape without jitter', () => {
    const fixed = new RetryPolicy({ backoff: { type: 'fixed' }, initialDelayMs: 500, jitter: false });
    const linear = new RetryPolicy({ backoff: { type: 'linear', multiplier: 1.5 }, initialDelayMs: 100, jitter: false });
    const exp = new RetryPolicy({ backoff: { type: 'exponential', base: 3, multiplier: 2 }, initialDelayMs: 10, jitter: false });
    expect([1, 2, 3].map((n) => fixed.delayFor(n))).toEqual([500, 500, 500]);
    expect([1, 2, 3].map((n) => linear.delayFor(n))).toEqual([150, 300, 450]);
    expect([1, 2, 3].map((n) => exp.delayFor(n))).toEqual([20, 60, 180]);
    expect(exp.delayFor(2000)).toBe(60_000);
  });

  it('spreads jitter by at most 25% either way', () => {
    const policy = new RetryPolicy({ backoff: { type: 'fixed' }, initialDelayMs: 1000 });
    expect(policy.delayFor(1, () => 0)).toBe(750);
    expect(policy.delayFor(1, () => 0.5)).toBe(1000);
    expect(policy.delayFor(1, () => 0.999999)).toBe(1250);
  });

  it.each([
    [{ maxAttempts: 0 }, /maxAttempts must be an integer >= 1/],
    [{ maxAttempts: 1.5 }, /maxAttempts/],
    [{ initialDelayMs: -1 }, /initialDelayMs/],
    [{ initialDelayMs: 10, maxDelayMs: 5 }, /maxDelayMs \(5\) must not be below initialDelayMs \(10\)/],
    [{ backoff: { type: 'cubic' } }, /backoff.type must be fixed, linear or exponential, got "cubic"/],
    [{ backoff: { type: 'exponential', base: 0.5, multiplier: 1 } }, /backoff.base/],
    [{ conditions: [{ type: 'sometimes' }] }, /conditions\[0\].type/],
    [{ conditions: [{ type: 'errorPattern', patterns: [''] }] }, /conditions\[0\].patterns/],
  ])('refuses %j', (options, message) => {
    expect(() => new RetryPolicy(options as never)).toThrow(message);
  });
});

describe('RetryPolicy.delayFor properties', () => {
  test.prop([policyArb, fc.integer({ min: 1, max: 200 }), unit])('never exceeds maxDelayMs and is never negative', (policy, n, r) => {
    const delay = policy.delayFor(n, () => r);
    expect(delay).toBeGreaterThanOrEqual(0);
    expect(delay).toBeLessThanOrEqual(policy.maxDelayMs);
    expect(Number.isInteger(delay)).toBe(true);
  });

  test.prop([policyArb, fc.integer({ min: 1, max: 60 }), unit])('is monotone in the retry number for a fixed random draw', (policy, n, r) => {
    expect(policy.delayFor(n + 1, () => r)).toBeGreaterThanOrEqual(policy.delayFor(n, () => r));
  });

  test.prop([policyArb, fc.integer({ min: 1, max: 60 })])('with jitter stays within 25% of the un-jittered delay (before the cap)', (policy, n) => {
    const plain = new RetryPolicy({ ...policy.toJSON(), jitter: false }).delayFor(n);
    for (const r of [0, 0.25, 0.75, 0.999]) {
      const delay = policy.delayFor(n, () => r);
      if (plain < policy.maxDelayMs) {
        expect(delay).toBeGreaterThanOrEqual(Math.floor(plain * 0.75) - 1);
        expect(delay).toBeLessThanOrEqual(Math.ceil(plain * 1.25) + 1);
      }
    }
  });
});

describe('RetryPolicy.shouldRetry', () => {
  const transient = TaskError.executionFailed('connection reset');
  const fatal = TaskError.validationFailed('bad input');
  it('stops at maxAttempts, the first run included', () => {
    const policy = new RetryPolicy({ maxAttempts: 2 });
    expect(policy.shouldRetry(transient, 1)).toBe(true);
    expect(policy.shouldRetry(transient, 2)).toBe(false);
  });

  it('applies each condition', () => {
    const transientOnly = new RetryPolicy({ conditions: [{ type: 'transientOnly' }] });
    expect(transientOnly.shouldRetry(transient, 1)).toBe(true);
    expect(transientOnly.shouldRetry(fatal, 1)).toBe(false);
    expect(transientOnly.shouldRetry(new ContextError('KeyNotFound', 'x'), 1)).toBe(false);
    expect(transientOnly.shouldRetry(new Error('plain'), 1)).toBe(true);
    expect(new RetryPolicy({ conditions: [{ type: 'never' }] }).shouldRetry(transient, 1)).toBe(false);
    const pattern = new RetryPolicy({ conditions: [{ type: 'errorPattern', patterns: ['reset', 'refused'] }] });
    expect(pattern.shouldRetry(transient, 1)).toBe(true);
    expect(pattern.shouldRetry(fatal, 1)).toBe(false);
  });

  it('retries when any condition matches', () => {
    const policy = new RetryPolicy({ conditions: [{ type: 'never' }, { type: 'errorPattern', patterns: ['bad'] }] });
    expect(policy.shouldRetry(fatal, 1)).toBe(true);
  });
});

describe('the README errors table', () => {
  it('states what TaskError and the default policy do for every kind', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const rows = [...readme.matchAll(/^\| `(\w+)`[^|]*\| (yes|no) \| (yes|no) \|$/gm)];
    const kinds: TaskErrorKind[] = ['ExecutionFailed', 'ValidationFailed', 'Timeout', 'DependencyNotSatisfied', 'ContextError', 'Unknown'];
    expect(rows.map((r) => r[1]).sort()).toEqual([...kinds].sort());
    for (const [, kind, retryable, retried] of rows) {
      const error = new TaskError(kind as TaskErrorKind, 'failed');
      expect(error.retryable ? 'yes' : 'no', `${kind} retryable`).toBe(retryable);
      expect(RetryPolicy.default().shouldRetry(error, 1) ? 'yes' : 'no', `${kind} retried by default`).toBe(retried);
    }
  });
});
