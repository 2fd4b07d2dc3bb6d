// A loader taken off the context by destructuring.
import { packagedWorkflow, task } from 'cloacina';

export const up = task({ id: 'up' }, (ctx) => {
  ctx.set('rows', [1, 2, 3]);
  ctx.set('factor', 10);
  ctx.set('token', 'abc');
});

export const a = task({ id: 'a', dependencies: ['up'] }, (ctx) => {
  const { getWithDependencies } = ctx;
  ctx.set('seen', getWithDependencies.call(ctx, 'token') ?? 'none');
});

export const initialContext = {};
export default packagedWorkflow({ name: 'destructured-loader', package: 'destructured-loader', version: '1.0.0', tasks: [up, a] });
