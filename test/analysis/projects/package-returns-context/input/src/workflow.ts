import { packagedWorkflow, task } from 'cloacina';
import { setImmediate as nextTurn } from 'node:timers/promises';

export const up = task({ id: 'up' }, (ctx) => {
  ctx.set('rows', [1, 2, 3]);
});

export const sum = task({ id: 'sum', dependencies: ['up'] }, async (ctx) => {
  ctx.remove('rows');
  // A package function may hand back what it is given: here the very same context.
  const same = await nextTurn(ctx);
  const rows = (same.getWithDependencies('rows') as number[] | undefined) ?? [];
  ctx.set('sum', rows.reduce((a, b) => a + b, 0));
});

export default packagedWorkflow({ name: 'package-returns-context', package: 'package-returns-context', version: '1.0.0', tasks: [up, sum] });
