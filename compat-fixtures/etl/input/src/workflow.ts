// Nightly orders ETL: extract raw orders, clean them, aggregate per customer, load.
import { task, packagedWorkflow, Context, TaskError, type TaskOptions } from 'cloacina';

interface Order {
  id: string;
  customer: string;
  amount: number;
  currency: string;
}

const retrying: Pick<TaskOptions, 'retry'> = {
  retry: { maxAttempts: 3, initialDelayMs: 0, jitter: false, conditions: [{ type: 'transientOnly' }] },
};

export const extract = task({ id: 'extract', description: 'Read the raw export', ...retrying }, async (ctx: Context, { attempt }) => {
  // The upstream API drops the first request of the night.
  if (attempt === 1) throw new TaskError('ExecutionFailed', 'upstream timed out', { retryable: true });
  const raw = ctx.getRequired('raw') as unknown as Order[];
  ctx.insert('orders', raw as never);
  ctx.set('extractedAt', 'nightly');
});

export const clean = task({ id: 'clean', dependencies: [extract], description: 'Drop invalid orders' }, async (ctx: Context) => {
  const orders = ctx.loadFromDependenciesAndCache('orders') as unknown as Order[];
  const valid = orders.filter((o) => o.amount > 0 && o.currency === 'EUR');
  ctx.set('orders', valid as never);
  ctx.set('rejected', orders.length - valid.length);
});

export const aggregate = task({ id: 'aggregate', dependencies: [clean], description: 'Totals per customer' }, async (ctx: Context) => {
  const orders = ctx.getWithDependencies('orders') as unknown as Order[];
  const totals: Record<string, number> = {};
  for (const order of orders) totals[order.customer] = (totals[order.customer] ?? 0) + order.amount;
  ctx.set('totals', totals);
});

export const load = task({ id: 'load', dependencies: [aggregate], description: 'Write the report rows' }, async (ctx: Context) => {
  const totals = ctx.getRequired('totals') as Record<string, number>;
  if (Object.keys(totals).length === 0) throw TaskError.validationFailed('nothing to load');
  ctx.set('loaded', Object.keys(totals).sort());
});

export const initialContext = {
  raw: [
    { id: 'o1', customer: 'acme', amount: 120, currency: 'EUR' },
    { id: 'o2', customer: 'acme', amount: 30, currency: 'EUR' },
    { id: 'o3', customer: 'globex', amount: -5, currency: 'EUR' },
    { id: 'o4', customer: 'initech', amount: 80, currency: 'USD' },
    { id: 'o5', customer: 'globex', amount: 55, currency: 'EUR' },
  ],
};

export default packagedWorkflow({
  name: 'orders-etl',
  package: 'orders-etl',
  version: '3.1.0',
  description: 'Nightly orders ETL',
  author: 'data@example.com',
  tasks: [extract, clean, aggregate, load],
});
