// Task definitions; they import the library through the local kit.
import { packagedWorkflow, task } from './kit.js';

export const up = task({ id: 'up' }, (ctx) => {
  ctx.set('rows', [1, 2, 3]);
  ctx.set('factor', 10);
  ctx.set('token', 'abc');
});

export const sum = task({ id: 'sum', dependencies: ['up'] }, (ctx) => {
  const rows = ctx.loadFromDependenciesAndCache('rows') as number[];
  ctx.set('sum', rows.reduce((a, b) => a + b, 0) * (ctx.getWithDependencies('factor') as number));
});

export const initialContext = {};
export default packagedWorkflow({ name: 'barrel-task-file', package: 'barrel-task-file', version: '1.0.0', tasks: [up, sum] });
