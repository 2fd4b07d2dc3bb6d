import { describe, expect, it } from 'vitest';
import { Context, DependencyLoader } from 'cloacina';
import { revenuePerCustomer } from '../src/workflows/nightly-orders.js';

describe('revenue-per-customer', () => {
  it('totals each customer in cents', async () => {
    const ctx = new Context();
    ctx.setDependencyLoader(
      new DependencyLoader([
        [
          'validate-orders',
          {
            valid: [
              { id: 'a', customer: 'ada', price: '1.50', quantity: 2 },
              { id: 'b', customer: 'ada', price: '0.25', quantity: 1 },
              { id: 'c', customer: 'bob', price: '3.00', quantity: 1 },
            ],
          },
        ],
      ]),
    );
    await revenuePerCustomer.run(ctx, { taskId: 'revenue-per-customer', attempt: 1, signal: new AbortController().signal });
    expect(ctx.get('revenueCents')).toEqual({ ada: 325, bob: 300 });
  });
});
