// A helper in the same file reads through the loader; the task removed the key first.
import { packagedWorkflow, task, type Context } from 'cloacina-workflow';

export const up = task({ id: 'up' }, (ctx) => {
  ctx.set('rows', [1, 2, 3]);
  ctx.set('factor', 10);
  ctx.set('token', 'abc');
});

function factorOf(c: Context): number {
  // TODO(cloacina-migrate): the key may have been removed from the context before this call; v1 then read the raw dependency value, v2 has no equivalent (ctx.remove('factor') in workflow.ts can run first)
  return (c.getWithDependencies('factor') as number | undefined) ?? 1;
}

export const total = task({ id: 'total', dependencies: ['up'] }, (ctx) => {
  ctx.remove('factor');
  ctx.set('total', 100 * factorOf(ctx));
});

export const initialContext = {};
export default packagedWorkflow({ name: 'helper-after-remove', package: 'helper-after-remove', version: '1.0.0', tasks: [up, total] });
