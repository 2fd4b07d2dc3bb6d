// Type tests (vitest typecheck): task(), packagedWorkflow() and runTask as authors write them.
import { describe, expectTypeOf, it } from 'vitest';
import {
  Context,
  RetryPolicy,
  TaskError,
  packagedWorkflow,
  task,
  when,
  type JsonValue,
  type PackagedWorkflow,
  type Task,
  type TaskRunInfo,
} from 'cloacina-workflow';
import { runTask, type TaskRunResult } from 'cloacina-workflow/testing';

const load = task({ id: 'load' }, (ctx) => {
  ctx.set('rows', [1, 2, 3]);
});

describe('task()', () => {
  it('types the body: a Context and the run info', () => {
    task({ id: 'body' }, (ctx, info) => {
      expectTypeOf(ctx).toEqualTypeOf<Context>();
      expectTypeOf(ctx.get('rows')).toEqualTypeOf<JsonValue | undefined>();
      expectTypeOf(info).toEqualTypeOf<TaskRunInfo>();
      expectTypeOf(info.attempt).toEqualTypeOf<number>();
      expectTypeOf(info.taskId).toEqualTypeOf<string>();
      expectTypeOf(info.signal).toEqualTypeOf<AbortSignal>();
    });
  });

  it('accepts sync and async bodies and returns a Task', () => {
    expectTypeOf(task({ id: 'sync' }, () => {})).toEqualTypeOf<Task>();
    expectTypeOf(task({ id: 'async' }, async (ctx) => ctx.set('a', 1))).toEqualTypeOf<Task>();
    // @ts-expect-error a body returns nothing (void or Promise<void>), not data
    task({ id: 'returns' }, () => 42);
  });

  it('accepts every documented option', () => {
    task(
      {
        id: 'all-options',
        dependencies: [load, 'other'],
        retry: new RetryPolicy({ maxAttempts: 5, backoff: { type: 'linear', multiplier: 2 } }),
        timeoutMs: 1000,
        triggerRules: when.all(when.taskSuccess('load'), when.context('rows', 'greaterThan', 0)),
        description: 'everything',
      },
      () => {},
    );
    task({ id: 'plain-retry', retry: { maxAttempts: 2, conditions: [{ type: 'transientOnly' }] } }, () => {});
  });

  it('refuses options that are not part of the API', () => {
    // @ts-expect-error the id is required
    task({ dependencies: [] }, () => {});
    // @ts-expect-error timeoutMs is a number of milliseconds
    task({ id: 'x', timeoutMs: '1s' }, () => {});
    // @ts-expect-error dependencies are task ids or tasks
    task({ id: 'x', dependencies: [42] }, () => {});
    // @ts-expect-error unknown backoff type
    task({ id: 'x', retry: { backoff: { type: 'random' } } }, () => {});
    // @ts-expect-error unknown context operator
    when.context('rows', 'between', 1);
  });

  it('exposes a frozen definition', () => {
    expectTypeOf(load.id).toEqualTypeOf<string>();
    expectTypeOf(load.dependencies).toEqualTypeOf<readonly string[]>();
    expectTypeOf(load.retry).toEqualTypeOf<RetryPolicy>();
    // @ts-expect-error a task definition is read-only
    load.id = 'renamed';
  });

  it('TaskError factories give a TaskError', () => {
    expectTypeOf(TaskError.executionFailed('x')).toEqualTypeOf<TaskError>();
    expectTypeOf(TaskError.validationFailed('x')).toEqualTypeOf<TaskError>();
    expectTypeOf<TaskError['retryable']>().toEqualTypeOf<boolean>();
  });
});

describe('packagedWorkflow()', () => {
  it('takes tasks and returns a PackagedWorkflow', () => {
    const workflow = packagedWorkflow({ name: 'wf', version: '1.0.0', tasks: [load] });
    expectTypeOf(workflow).toEqualTypeOf<PackagedWorkflow>();
    expectTypeOf(workflow.executionOrder).toEqualTypeOf<readonly string[]>();
    expectTypeOf(workflow.provenance).toEqualTypeOf<{ readonly api: string; readonly version: string }>();
    // @ts-expect-error a workflow is read-only
    workflow.name = 'other';
  });

  it('requires a name and tasks', () => {
    // @ts-expect-error tasks are required
    packagedWorkflow({ name: 'wf' });
    // @ts-expect-error the name is required
    packagedWorkflow({ tasks: [load] });
    // @ts-expect-error tasks are made with task()
    packagedWorkflow({ name: 'wf', tasks: [{ id: 'plain' }] });
  });
});

describe('runTask (cloacina-workflow/testing)', () => {
  it('takes plain objects or contexts and resolves to a result', async () => {
    const result = await runTask(load, {
      initialContext: { day: '2024-01-01' },
      attempt: 2,
      timeoutMs: 100,
    });
    expectTypeOf(result).toEqualTypeOf<TaskRunResult>();
    expectTypeOf(result.context).toEqualTypeOf<Context>();
    if (result.status === 'Failed') expectTypeOf(result.error).toEqualTypeOf<TaskError>();
    // @ts-expect-error only a failed result has an error
    result.error;
    await runTask(load, { dependencyOutputs: { load: new Context({ rows: [] }) } });
    // @ts-expect-error outputs are JSON objects or contexts
    await runTask(load, { dependencyOutputs: { load: 42 } });
  });
});
