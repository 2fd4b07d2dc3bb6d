// Refunds: apply the payment provider's refunds; when its feed cannot be read, skip the
// booking and alert finance instead.
import { task, packagedWorkflow, when, TaskError } from 'cloacina';

export const fetchRefunds = task(
  { id: 'fetch-refunds', retry: { maxAttempts: 2, initialDelayMs: 0, jitter: false } },
  () => {
    throw TaskError.validationFailed('refund feed: unknown column "amount_minor"');
  },
);

export const bookRefunds = task({ id: 'book-refunds', dependencies: [fetchRefunds] }, (ctx) => {
  ctx.set('booked', ctx.getWithDependencies('refunds') ?? []);
});

export const alertFinance = task(
  { id: 'alert-finance', dependencies: [fetchRefunds], triggerRules: when.any(when.taskFailed('fetch-refunds')) },
  (ctx) => {
    ctx.set('alert', `refunds for ${String(ctx.get('date'))} need a manual booking`);
  },
);

export const initialContext = { date: '2024-03-01' };

export default packagedWorkflow({
  name: 'refunds',
  package: 'acme-shop',
  version: '1.3.0',
  tasks: [fetchRefunds, bookRefunds, alertFinance],
});
