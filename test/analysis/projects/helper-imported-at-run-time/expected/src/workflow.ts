import { packagedWorkflow, task } from 'cloacina-workflow';
import { readAll } from './read.js';

export const up = task({ id: 'up' }, (ctx) => {
  ctx.set('a', 1);
});

export const use = task({ id: 'use', dependencies: ['up'] }, (ctx) => {
  ctx.set('all', readAll(ctx, ['a']) as number[]);
});

export default packagedWorkflow({ name: 'helper-imported-at-run-time', package: 'helper-imported-at-run-time', version: '1.0.0', tasks: [up, use] });
