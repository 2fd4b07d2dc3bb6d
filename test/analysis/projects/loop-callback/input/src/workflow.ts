// In the second turn of the loop the callback's loader runs after the removal.
import { packagedWorkflow, task } from 'cloacina';

export const up = task({ id: 'up' }, (ctx) => {
  ctx.set('rows', [1, 2, 3]);
  ctx.set('factor', 10);
  ctx.set('token', 'abc');
});

export const rounds = task({ id: 'rounds', dependencies: ['up'] }, (ctx) => {
  const seen: string[] = [];
  for (const round of [1, 2]) {
    [round].forEach(() => seen.push(String(ctx.getWithDependencies('token') ?? 'none')));
    ctx.remove('token');
  }
  ctx.set('seen', seen);
});

export const initialContext = {};
export default packagedWorkflow({ name: 'loop-callback', package: 'loop-callback', version: '1.0.0', tasks: [up, rounds] });
