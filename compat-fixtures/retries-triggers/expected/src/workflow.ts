/*
 * Payments sync: fetch with retries, reconcile, and alert only when fetching failed.
 * SPDX-License-Identifier: Apache-2.0
 */
import { task, packagedWorkflow, TaskError, when, RetryPolicy } from 'cloacina-workflow';

export const fetchPayments = task(
  {
    id: 'fetch-payments',
    retry: new RetryPolicy({ maxAttempts: 4, initialDelayMs: 0, jitter: false, conditions: [{ type: 'transientOnly' }] }),
  },
  (ctx, { attempt }) => {
    if (attempt < 3) throw new TaskError('ExecutionFailed', `gateway busy (attempt ${attempt})`, { retryable: true });
    ctx.set('payments', [{ id: 'p1', amount: 40 }, { id: 'p2', amount: 2 }]);
    ctx.set('attemptsUsed', attempt);
  },
);

export const fetchRefunds = task(
  { id: 'fetch-refunds', retry: { maxAttempts: 2, initialDelayMs: 0, jitter: false, conditions: [{ type: 'allErrors' }] } },
  () => {
    throw TaskError.validationFailed('refund feed schema changed');
  },
);

export const reconcile = task({ id: 'reconcile', dependencies: [fetchPayments, fetchRefunds] }, (ctx) => {
  ctx.set('balance', 0);
});

export const reconcilePaymentsOnly = task(
  { id: 'reconcile-payments', dependencies: [fetchPayments], triggerRules: when.all(when.taskSuccess('fetch-payments')) },
  (ctx) => {
    const payments = ctx.get('payments') as Array<{ amount: number }>;
    ctx.set('balance', payments.reduce((sum, p) => sum + p.amount, 0));
  },
);

export const alert = task(
  { id: 'alert', dependencies: [fetchRefunds], triggerRules: when.any(when.taskFailed('fetch-refunds')) },
  (ctx) => {
    ctx.set('alert', 'refunds could not be fetched');
  },
);

export const initialContext = {};

export default packagedWorkflow({
  name: 'payments-sync',
  package: 'payments-sync',
  version: '1.0.0',
  tasks: [fetchPayments, fetchRefunds, reconcile, reconcilePaymentsOnly, alert],
});
