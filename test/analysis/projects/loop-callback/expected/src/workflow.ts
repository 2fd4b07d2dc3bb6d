// In the second turn of the loop the callback's loader runs after the removal.
import { packagedWorkflow, task } from 'cloacina-workflow';

export const up = task({ id: 'up' }, (ctx) => {
  ctx.set('rows', [1, 2, 3]);
  ctx.set('factor', 10);
  ctx.set('token', 'abc');
});

export const rounds = task({ id: 'rounds', dependencies: ['up'] }, (ctx) => {
  const seen: string[] = [];
  for (const round of [1, 2]) {
    // TODO(cloacina-migrate): the key may have been removed from the context before this call; v1 then read the raw dependency value, v2 has no equivalent (ctx.remove('token') in workflow.ts can run first)
    [round].forEach(() => seen.push(String(ctx.getWithDependencies('token') ?? 'none')));
    ctx.remove('token');
  }
  ctx.set('seen', seen);
});

export const initialContext = {};
export default packagedWorkflow({ name: 'loop-callback', package: 'loop-callback', version: '1.0.0', tasks: [up, rounds] });
