import { packagedWorkflow, task } from 'cloacina-workflow';
import { read } from '#helpers/read';

export const up = task({ id: 'up' }, (ctx) => {
  ctx.set('j', 'J');
});

export const two = task({ id: 'two', dependencies: ['up'] }, (ctx) => {
  ctx.remove('j');
  ctx.set('j2', read(ctx, 'j') as string);
});

export default packagedWorkflow({ name: 'package-imports-helper', package: 'package-imports-helper', version: '1.0.0', tasks: [up, two] });
