import { describe, expect, it } from 'vitest';
import { Context, ContextError, task, TaskError } from 'cloacina-workflow';
import { runTask } from 'cloacina-workflow/testing';

const a = task({ id: 'a' }, () => {});
const b = task({ id: 'b' }, () => {});

describe('runTask', () => {
  it('gives a task without dependencies the initial context', async () => {
    const t = task({ id: 'root' }, (ctx) => ctx.set('doubled', (ctx.get('n') as number) * 2));
    const result = await runTask(t, { initialContext: { n: 21 } });
    expect(result.status).toBe('Completed');
    expect(result.context.toJSON()).toEqual({ n: 21, doubled: 42 });
    expect(result.input.toJSON()).toEqual({ n: 21 });
  });

  it('merges dependency outputs in declared order, like the runtime', async () => {
    const join = task({ id: 'join', dependencies: [b, a] }, (ctx) => ctx.set('seen', ctx.get('tags') ?? null));
    const result = await runTask(join, {
      initialContext: { ignored: true },
      dependencyOutputs: { a: { tags: ['x', 'y'], who: 'a' }, b: new Context({ tags: ['y', 'z'], who: 'b' }) },
    });
    expect(result.context.toJSON()).toEqual({ tags: ['y', 'z', 'x'], who: 'a', seen: ['y', 'z', 'x'] });
  });

  it('reports a thrown error as Failed with a TaskError, keeping its kind', async () => {
    const validating = task({ id: 'v' }, () => {
      throw TaskError.validationFailed('amount must be positive');
    });
    const result = await runTask(validating);
    expect(result.status).toBe('Failed');
    if (result.status !== 'Failed') return;
    expect(result.error.kind).toBe('ValidationFailed');
    expect(result.error.retryable).toBe(false);
    expect(result.error.taskId).toBe('v');
  });

  it('wraps plain throws and context errors', async () => {
    const plain = await runTask(task({ id: 'p' }, () => { throw new Error('boom'); }));
    expect(plain.status === 'Failed' && plain.error.kind).toBe('ExecutionFailed');
    const ctxError = await runTask(task({ id: 'c' }, (ctx) => void ctx.getRequired('nope')));
    expect(ctxError.status === 'Failed' && ctxError.error.kind).toBe('ContextError');
    expect(ctxError.status === 'Failed' && ctxError.error.cause).toBeInstanceOf(ContextError);
  });

  it('times out a slow task and aborts its signal', async () => {
    let aborted = false;
    const slow = task({ id: 'slow', timeoutMs: 20 }, (_ctx, info) =>
      new Promise<void>((resolve) => {
        info.signal.addEventListener('abort', () => { aborted = true; resolve(); });
      }),
    );
    const result = await runTask(slow);
    expect(result.status === 'Failed' && result.error.kind).toBe('Timeout');
    expect(aborted).toBe(true);
  });

  it('passes the attempt number', async () => {
    const t = task({ id: 't' }, (ctx, info) => ctx.set('attempt', info.attempt));
    expect((await runTask(t, { attempt: 3 })).context.get('attempt')).toBe(3);
  });

  it('names missing and unexpected dependency outputs', async () => {
    const join = task({ id: 'join', dependencies: ['a', 'b'] }, () => {});
    await expect(runTask(join, { dependencyOutputs: { a: {} } })).rejects.toThrow('needs the output of "b"');
    await expect(runTask(join, { dependencyOutputs: { a: {}, b: {}, c: {} } })).rejects.toThrow('"c" is not a dependency of task "join"');
  });
});
