// Removals through call, apply and Reflect.apply.
import { packagedWorkflow, task } from 'cloacina';

export const up = task({ id: 'up' }, (ctx) => {
  ctx.set('rows', [1, 2, 3]);
  ctx.set('factor', 10);
  ctx.set('token', 'abc');
});

export const a = task({ id: 'a', dependencies: ['up'] }, (ctx) => {
  ctx.remove.call(ctx, 'token');
  ctx.set('seen', ctx.getWithDependencies('token') ?? 'none');
});

export const b = task({ id: 'b', dependencies: ['up'] }, (ctx) => {
  Reflect.apply(ctx.remove, ctx, ['factor']);
  ctx.set('seen', ctx.getWithDependencies('factor') ?? 0);
});

export const c = task({ id: 'c', dependencies: ['up'] }, (ctx) => {
  ctx.remove.apply(ctx, ['rows']);
  ctx.set('seen', ctx.loadFromDependenciesAndCache('rows') ?? []);
});

export const initialContext = {};
export default packagedWorkflow({ name: 'remove-call-apply', package: 'remove-call-apply', version: '1.0.0', tasks: [up, a, b, c] });
