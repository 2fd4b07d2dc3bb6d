// A class method reads through the loader; the task removed the key before calling it.
import { packagedWorkflow, task, type Context } from 'cloacina';

class RowReader {
  read(ctx: Context): number[] {
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
