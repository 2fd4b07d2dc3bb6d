// Removals written with optional chaining.
import { packagedWorkflow, task } from 'cloacina-workflow';

export const up = task({ id: 'up' }, (ctx) => {
  ctx.set('rows', [1, 2, 3]);
  ctx.set('factor', 10);
  ctx.set('token', 'abc');
});

export const a = task({ id: 'a', dependencies: ['up'] }, (ctx) => {
  ctx?.remove('token');
  // TODO(cloacina-migrate): the key may have been removed from the context before this call; v1 then read the raw dependency value, v2 has no equivalent (ctx?.remove('token') in workflow.ts can run first)
  ctx.set('seen', ctx.getWithDependencies('token') ?? 'none');
});

export const b = task({ id: 'b', dependencies: ['up'] }, (ctx) => {
  ctx.remove?.('factor');
  // TODO(cloacina-migrate): the key may have been removed from the context before this call; v1 then read the raw dependency value, v2 has no equivalent (ctx.remove?.('factor') in workflow.ts can run first)
  ctx.set('seen', ctx.loadFromDependenciesAndCache('factor') ?? 0);
});

export const initialContext = {};
export default packagedWorkflow({ name: 'optional-remove', package: 'optional-remove', version: '1.0.0', tasks: [up, a, b] });
