// The loader runs in a promise callback, after the task removed the key.
import { packagedWorkflow, task } from 'cloacina-workflow';

export const up = task({ id: 'up' }, (ctx) => {
  ctx.set('rows', [1, 2, 3]);
  ctx.set('factor', 10);
  ctx.set('token', 'abc');
});

export const check = task({ id: 'check', dependencies: ['up'] }, async (ctx) => {
  ctx.remove('token');
  // TODO(cloacina-migrate): the key may have been removed from the context before this call; v1 then read the raw dependency value, v2 has no equivalent (ctx.remove('token') in workflow.ts can run first)
  const seen = await Promise.resolve().then(() => ctx.loadFromDependenciesAndCache('token'));
  ctx.set('seen', seen ?? 'none');
});

export const initialContext = {};
export default packagedWorkflow({ name: 'then-after-remove', package: 'then-after-remove', version: '1.0.0', tasks: [up, check] });
