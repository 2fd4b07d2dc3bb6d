// take() reads a key and removes it; the second call finds it removed.
import { packagedWorkflow, task, type Context } from 'cloacina-workflow';

function take(ctx: Context): string {
  // TODO(cloacina-migrate): the key may have been removed from the context before this call; v1 then read the raw dependency value, v2 has no equivalent (ctx.remove('token') in workflow.ts can run first)
  const value = (ctx.loadFromDependenciesAndCache('token') as string | undefined) ?? 'none';
  ctx.remove('token');
  return value;
}

export const up = task({ id: 'up' }, (ctx) => {
  ctx.set('rows', [1, 2, 3]);
  ctx.set('factor', 10);
  ctx.set('token', 'abc');
});

export const twice = task({ id: 'twice', dependencies: ['up'] }, (ctx) => {
  ctx.set('first', take(ctx));
  ctx.set('second', take(ctx));
});

export const initialContext = {};
export default packagedWorkflow({ name: 'helper-called-twice', package: 'helper-called-twice', version: '1.0.0', tasks: [up, twice] });
