// A loader named by a template literal.
import { packagedWorkflow, task } from 'cloacina';

export const up = task({ id: 'up' }, (ctx) => {
  ctx.set('rows', [1, 2, 3]);
  ctx.set('factor', 10);
  ctx.set('token', 'abc');
});

export const b = task({ id: 'b', dependencies: ['up'] }, (ctx) => {
  ctx.set('seen', ctx[`getWithDependencies`]('token') ?? 'none');
});

export const initialContext = {};
export default packagedWorkflow({ name: 'template-name', package: 'template-name', version: '1.0.0', tasks: [up, b] });
