import { describe, expect, it } from 'vitest';
import { DependencyLoader } from 'cloacina';
import { Context } from 'cloacina-workflow';
import { reconcilePaymentsOnly } from '../src/workflow.js';

describe('reconcile-payments', () => {
  it('sums the payments of its dependency', async () => {
    const ctx = new Context();
    // TODO(cloacina-migrate): removed setDependencyLoader(): v2 pre-injects dependency outputs; in task unit tests use runTask from cloacina-workflow/testing
    await reconcilePaymentsOnly.run(ctx, { taskId: 'reconcile-payments', attempt: 1, signal: new AbortController().signal });
    expect(ctx.get('balance')).toBe(12);
  });
});
