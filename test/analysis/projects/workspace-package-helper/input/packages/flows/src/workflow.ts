import { packagedWorkflow, task } from 'cloacina';
import { prune, readAll } from '@acme/shared';

export const seed = task({ id: 'seed' }, (ctx) => {
  ctx.set('x', 1);
  ctx.set('y', 2);
});

export const use = task({ id: 'use', dependencies: ['seed'] }, (ctx) => {
  prune(ctx, 'x');
  ctx.set('all', readAll(ctx, ['x', 'y']) as number[]);
});

export default packagedWorkflow({ name: 'workspace-package-helper', package: 'workspace-package-helper', version: '1.0.0', tasks: [seed, use] });
