import { describe, expect, it } from 'vitest';
import { runTask } from 'cloacina-workflow/testing';
import { revenuePerCustomer } from '../src/workflows/nightly-orders.js';

describe('revenue-per-customer', () => {
  it('totals each customer in cents', async () => {
    const result = await runTask(revenuePerCustomer, {
      dependencyOutputs: {
        'validate-orders': {
          valid: [
            { id: 'a', customer: 'ada', price: '1.50', quantity: 2 },
            { id: 'b', customer: 'ada', price: '0.25', quantity: 1 },
            { id: 'c', customer: 'bob', price: '3.00', quantity: 1 },
          ],
        },
      },
    });
    expect(result.status).toBe('Completed');
    expect(result.context.get('revenueCents')).toEqual({ ada: 325, bob: 300 });
  });
});
