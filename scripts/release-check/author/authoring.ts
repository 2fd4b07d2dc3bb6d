// Strict TypeScript against the installed cloacina-workflow alone: the author's everyday API.
import {
  Context,
  packagedWorkflow,
  RetryPolicy,
  task,
  TaskError,
  when,
  type JsonValue,
  type PackagedWorkflow,
  type Task,
  type TaskRunInfo,
} from 'cloacina-workflow';
import { runTask, type TaskRunResult } from 'cloacina-workflow/testing';

export const fetchRates: Task = task(
  {
    id: 'fetch-rates',
    retry: new RetryPolicy({ maxAttempts: 3, backoff: { type: 'fixed' }, initialDelayMs: 10 }),
    timeoutMs: 5_000,
  },
  async (ctx: Context, info: TaskRunInfo) => {
    if (info.signal.aborted) throw new TaskError('Timeout', 'aborted', { retryable: true });
    ctx.set('rates', { eur: 1, usd: 1.08 });
    ctx.set('attempt', info.attempt);
  },
);

export const convert = task(
  { id: 'convert', dependencies: [fetchRates], triggerRules: when.all(when.taskSuccess('fetch-rates'), when.context('attempt', 'lessThan', 3)) },
  (ctx) => {
    const rates = ctx.getRequired('rates') as { usd: number };
    const amount: JsonValue | undefined = ctx.get('amount');
    ctx.set('usd', (typeof amount === 'number' ? amount : 0) * rates.usd);
  },
);

export const workflow: PackagedWorkflow = packagedWorkflow({ name: 'rates', package: 'rates', version: '1.0.0', tasks: [fetchRates, convert] });

// A context built from a literal keeps JsonValue values: its keys can take other values.
export const counters = new Context({ count: 0 });
counters.set('count', 1);

export async function unitTest(): Promise<number | undefined> {
  const result: TaskRunResult = await runTask(convert, { dependencyOutputs: { 'fetch-rates': { rates: { usd: 2 }, amount: 21 } } });
  if (result.status === 'Failed') throw result.error;
  const usd = result.context.get('usd');
  return typeof usd === 'number' ? usd : undefined;
}
