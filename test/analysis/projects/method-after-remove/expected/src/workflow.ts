// A class method reads through the loader; the task removed the key before calling it.
import { packagedWorkflow, task, type Context } from 'cloacina-workflow';

class RowReader {
  read(ctx: Context): number[] {
    // TODO(cloacina-migrate): the key may have been removed from the context before this call; v1 then read the raw dependency value, v2 has no equivalent (ctx.remove('rows') in workflow.ts can run first)
    return (ctx.loadFromDependenciesAndCache('rows') as number[] | undefined) ?? [];
  }
}

const reader = new RowReader();

export const up = task({ id: 'up' }, (ctx) => {
  ctx.set('rows', [1, 2, 3]);
  ctx.set('factor', 10);
  ctx.set('token', 'abc');
});

export const consume = task({ id: 'consume', dependencies: ['up'] }, (ctx) => {
  ctx.remove('rows');
  ctx.set('count', reader.read(ctx).length);
});

export const initialContext = {};
export default packagedWorkflow({ name: 'method-after-remove', package: 'method-after-remove', version: '1.0.0', tasks: [up, consume] });
