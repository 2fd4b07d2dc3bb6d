import { describe, expect, it } from 'vitest';
import { Context, DependencyLoader } from 'cloacina';
import { reconcilePaymentsOnly } from '../src/workflow.js';

describe('reconcile-payments', () => {
  it('sums the payments of its dependency', async () => {
    const ctx = new Context();
    ctx.setDependencyLoader(new DependencyLoader([['fetch-payments', { payments: [{ amount: 5 }, { amount: 7 }] }]]));
    await reconcilePaymentsOnly.run(ctx, { taskId: 'reconcile-payments', attempt: 1, signal: new AbortController().signal });
    expect(ctx.get('balance')).toBe(12);
  });
});
