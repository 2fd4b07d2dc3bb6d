import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { ContextError, task, TaskError, type TaskErrorKind } from 'cloacina-workflow';
import { runTask } from 'cloacina-workflow/testing';

const KINDS: TaskErrorKind[] = ['ExecutionFailed', 'ValidationFailed', 'Timeout', 'DependencyNotSatisfied', 'ContextError', 'Unknown'];

function revoked(): object {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

const throwing = () => {
  throw new Error('no');
};

/** Values built so that reading them throws, in every way a thrown value gets read. */
const POISONS: Array<[string, () => unknown]> = [
  ['Object.create(null)', () => Object.create(null)],
  ['revoked Proxy', revoked],
  ['Proxy with throwing traps', () => new Proxy({}, { get: throwing, getPrototypeOf: throwing, ownKeys: throwing, getOwnPropertyDescriptor: throwing })],
  ['Error with a throwing message getter', () => Object.defineProperty(new Error('x'), 'message', { get: throwing })],
  ['object with a throwing toString', () => ({ toString: throwing })],
  ['forged TaskError, throwing fields', () => Object.defineProperties({ [Symbol.for('cloacina-workflow.TaskError')]: true }, { kind: { get: throwing }, message: { get: throwing } })],
  ['forged TaskError, wrong types', () => ({ [Symbol.for('cloacina-workflow.TaskError')]: true, kind: 'Nope', message: {}, retryable: 1, taskId: 5 })],
  ['forged ContextError, throwing message', () => Object.defineProperty({ [Symbol.for('cloacina-workflow.ContextError')]: true }, 'message', { get: throwing })],
  ['TaskError whose kind was redefined as a getter', () => Object.defineProperty(TaskError.validationFailed('v'), 'kind', { get: throwing })],
];

function expectSound(error: TaskError): void {
  expect(error).toBeInstanceOf(TaskError);
  expect(KINDS).toContain(error.kind);
  expect(typeof error.message).toBe('string');
  expect(error.message.length).toBeGreaterThan(0);
  expect(typeof error.retryable).toBe('boolean');
}

describe('TaskError.from', () => {
  test.prop([fc.anything({ withBigInt: true, withBoxedValues: true, withMap: true, withSet: true, withNullPrototype: true })])(
    'never throws and always gives a sound TaskError',
    (thrown) => {
      const error = TaskError.from(thrown, 't');
      expect(typeof error.message).toBe('string');
      expect(KINDS).toContain(error.kind);
      expect(typeof error.retryable).toBe('boolean');
      expect(error.taskId).toBe('t');
    },
  );

  it.each(POISONS)('never throws for %s', (_name, make) => {
    const error = TaskError.from(make(), 't');
    expectSound(error);
    expect(error.taskId).toBe('t');
  });

  it.each([
    ['Object.create(null)', Object.create(null), 'cannot be converted to text'],
    ['revoked Proxy', revoked(), 'cannot be read'],
    ['Error with a throwing message getter', Object.defineProperty(new Error('x'), 'message', { get: throwing }), 'cannot be converted to text'],
  ])('describes %s readably', (_name, thrown, text) => {
    const error = TaskError.from(thrown, 't');
    expectSound(error);
    expect(error.kind).toBe('ExecutionFailed');
    expect(error.message).toContain(text);
  });

  it('keeps a sound TaskError, its kind and retryability', () => {
    const original = TaskError.validationFailed('bad', { taskId: 'x' });
    expect(TaskError.from(original, 'x')).toBe(original);
    const relabelled = TaskError.from(TaskError.validationFailed('bad'), 't');
    expect([relabelled.kind, relabelled.retryable, relabelled.taskId]).toEqual(['ValidationFailed', false, 't']);
    expect(TaskError.from(new ContextError('KeyNotFound', 'gone'), 't').kind).toBe('ContextError');
  });

  it('rebuilds a TaskError whose fields are getters, keeping the readable ones', () => {
    const error = TaskError.validationFailed('still readable');
    Object.defineProperty(error, 'kind', { get: throwing });
    const rebuilt = TaskError.from(error, 't');
    expect(rebuilt === error).toBe(false);
    expectSound(rebuilt);
    expect([rebuilt.kind, rebuilt.message, rebuilt.retryable]).toEqual(['ExecutionFailed', 'still readable', false]);
  });
});

describe('runTask with poison values', () => {
  it.each([
    ['Object.create(null)', () => Object.create(null)],
    ['revoked Proxy', revoked],
    ['object with a throwing toString', () => ({ toString: throwing })],
  ])('fails the task for %s', async (_name, make) => {
    const result = await runTask(task({ id: 't' }, () => {
      throw make();
    }));
    expect(result.status).toBe('Failed');
    if (result.status === 'Failed') expectSound(result.error);
  });
});
