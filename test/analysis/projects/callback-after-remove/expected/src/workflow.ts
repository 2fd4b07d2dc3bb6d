// A removal in the task body, then the loader inside a callback.
import { packagedWorkflow, task } from 'cloacina-workflow';

export const up = task({ id: 'up' }, (ctx) => {
  ctx.set('rows', [1, 2, 3]);
  ctx.set('factor', 10);
  ctx.set('token', 'abc');
});

export const scale = task({ id: 'scale', dependencies: ['up'] }, (ctx) => {
  const rows = ctx.get('rows') as number[];
  ctx.remove('factor');
  // TODO(cloacina-migrate): the key may have been removed from the context before this call; v1 then read the raw dependency value, v2 has no equivalent (ctx.remove('factor') in workflow.ts can run first)
  ctx.set('scaled', rows.map((r) => r * ((ctx.getWithDependencies('factor') as number | undefined) ?? 1)));
});

export const initialContext = {};
export default packagedWorkflow({ name: 'callback-after-remove', package: 'callback-after-remove', version: '1.0.0', tasks: [up, scale] });
