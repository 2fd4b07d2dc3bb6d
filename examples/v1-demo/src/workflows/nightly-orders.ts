// Nightly orders: pull the day's orders (the back office often times out once), drop the
// malformed ones, total the revenue per customer and publish a report.
import { task, packagedWorkflow, RetryPolicy, TaskError } from 'cloacina';
import { ORDERS, type Order } from '../lib/catalog.js';
import { formatCents, toCents } from '../lib/money.js';

export const extractOrders = task(
  {
    id: 'extract-orders',
    description: 'fetch the day\'s orders from the back office',
    retry: new RetryPolicy({ maxAttempts: 3, initialDelayMs: 0, jitter: false }),
  },
  (ctx, { attempt }) => {
    if (attempt === 1) throw new TaskError('ExecutionFailed', 'back office timed out', { retryable: true });
    ctx.set('orders', ORDERS);
    ctx.set('fetchedOn', ctx.get('date') ?? null);
  },
);

export const validateOrders = task({ id: 'validate-orders', dependencies: [extractOrders] }, (ctx) => {
  const orders = ctx.loadFromDependenciesAndCache('orders') as unknown as Order[];
  const valid = orders.filter((o) => /^\d+\.\d{2}$/.test(o.price) && o.quantity > 0);
  ctx.set('valid', valid);
  ctx.set('rejected', orders.filter((o) => !valid.includes(o)).map((o) => o.id));
});

export const revenuePerCustomer = task({ id: 'revenue-per-customer', dependencies: [validateOrders] }, (ctx) => {
  const valid = ctx.getWithDependencies('valid') as unknown as Order[];
  const revenue: Record<string, number> = {};
  for (const order of valid) revenue[order.customer] = (revenue[order.customer] ?? 0) + toCents(order.price) * order.quantity;
  ctx.set('revenueCents', revenue);
});

export const publishReport = task({ id: 'publish-report', dependencies: [revenuePerCustomer] }, (ctx) => {
  const revenue = ctx.get('revenueCents') as Record<string, number>;
  const lines = Object.keys(revenue)
    .sort()
    .map((customer) => `${customer}: ${formatCents(revenue[customer]!)}`);
  ctx.set('report', lines);
  // The report is all downstream systems read; the bulky order list stays behind.
  ctx.remove('valid');
});

export const initialContext = { date: '2024-03-01' };

export default packagedWorkflow({
  name: 'nightly-orders',
  package: 'acme-shop',
  version: '1.3.0',
  description: 'revenue per customer from the day\'s orders',
  tasks: [extractOrders, validateOrders, revenuePerCustomer, publishReport],
});
