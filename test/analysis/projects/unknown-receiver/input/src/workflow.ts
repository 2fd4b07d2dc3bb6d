// pick() is exported for other packages; what it receives cannot be known here.
import { packagedWorkflow, task } from 'cloacina';

export function pick(source: any, key: string): unknown {
  return source.getWithDependencies(key);
}

export const up = task({ id: 'up' }, (ctx) => {
  ctx.set('rows', [1, 2, 3]);
  ctx.set('factor', 10);
  ctx.set('token', 'abc');
});

export const copy = task({ id: 'copy', dependencies: ['up'] }, (ctx) => {
  ctx.set('copied', ctx.getWithDependencies('token') ?? 'none');
});

export const initialContext = {};
export default packagedWorkflow({ name: 'unknown-receiver', package: 'unknown-receiver', version: '1.0.0', tasks: [up, copy] });
