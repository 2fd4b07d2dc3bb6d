// The async closure stops at its first await; the task removes the key meanwhile.
import { packagedWorkflow, task } from 'cloacina-workflow';

export const up = task({ id: 'up' }, (ctx) => {
  ctx.set('rows', [1, 2, 3]);
  ctx.set('factor', 10);
  ctx.set('token', 'abc');
});

export const race = task({ id: 'race', dependencies: ['up'] }, async (ctx) => {
  const pending = (async () => {
    await null;
    // TODO(cloacina-migrate): the key may have been removed from the context before this call; v1 then read the raw dependency value, v2 has no equivalent (ctx.remove('token') in workflow.ts can run first)
    return ctx.loadFromDependenciesAndCache('token');
  })();
  ctx.remove('token');
  ctx.set('seen', (await pending) ?? 'none');
});

export const initialContext = {};
export default packagedWorkflow({ name: 'async-closure-suspends', package: 'async-closure-suspends', version: '1.0.0', tasks: [up, race] });
