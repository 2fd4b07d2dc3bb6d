// The loader runs in a promise callback, after the task removed the key.
import { packagedWorkflow, task } from 'cloacina';

export const up = task({ id: 'up' }, (ctx) => {
  ctx.set('rows', [1, 2, 3]);
  ctx.set('factor', 10);
  ctx.set('token', 'abc');
});

export const check = task({ id: 'check', dependencies: ['up'] }, async (ctx) => {
  ctx.remove('token');
  const seen = await Promise.resolve().then(() => ctx.loadFromDependenciesAndCache('token'));
  ctx.set('seen', seen ?? 'none');
});

export const initialContext = {};
export default packagedWorkflow({ name: 'then-after-remove', package: 'then-after-remove', version: '1.0.0', tasks: [up, check] });
