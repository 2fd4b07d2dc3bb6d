// Removals through call, apply and Reflect.apply.
import { packagedWorkflow, task } from 'cloacina-workflow';

export const up = task({ id: 'up' }, (ctx) => {
  ctx.set('rows', [1, 2, 3]);
  ctx.set('factor', 10);
  ctx.set('token', 'abc');
});

export const a = task({ id: 'a', dependencies: ['up'] }, (ctx) => {
  ctx.remove.call(ctx, 'token');
  // TODO(cloacina-migrate): the key may have been removed from the context before this call; v1 then read the raw dependency value, v2 has no equivalent (ctx.remove.call(ctx, 'token') in workflow.ts can run first)
  ctx.set('seen', ctx.getWithDependencies('token') ?? 'none');
});

export const b = task({ id: 'b', dependencies: ['up'] }, (ctx) => {
  Reflect.apply(ctx.remove, ctx, ['factor']);
  // TODO(cloacina-migrate): the key may have been removed from the context before this call; v1 then read the raw dependency value, v2 has no equivalent (Reflect.apply(ctx.remove, ctx, ['factor']) in workflow.ts can run first)
  ctx.set('seen', ctx.getWithDependencies('factor') ?? 0);
});

export const c = task({ id: 'c', dependencies: ['up'] }, (ctx) => {
  ctx.remove.apply(ctx, ['rows']);
  // TODO(cloacina-migrate): the key may have been removed from the context before this call; v1 then read the raw dependency value, v2 has no equivalent (ctx.remove.apply(ctx, ['rows']) in workflow.ts can run first)
  ctx.set('seen', ctx.loadFromDependenciesAndCache('rows') ?? []);
});

export const initialContext = {};
export default packagedWorkflow({ name: 'remove-call-apply', package: 'remove-call-apply', version: '1.0.0', tasks: [up, a, b, c] });
