// Helpers, callbacks and aliases that never remove the key: every loader is rewritten.
import { packagedWorkflow, task, type Context } from 'cloacina';
import { label } from './format.js';

function record(c: Context, key: string): void {
  c.set(`label.${key}`, label(c, key));
}

export const up = task({ id: 'up' }, (ctx) => {
  ctx.set('rows', [1, 2, 3]);
  ctx.set('factor', 10);
  ctx.set('token', 'abc');
});

export const collect = task({ id: 'collect', dependencies: ['up'] }, (ctx) => {
  const alias = ctx;
  record(alias, 'rows');
  ctx.remove('token');
  const rows = (ctx.loadFromDependenciesAndCache('rows') as number[]).map((r) => r * (ctx.getWithDependencies('factor') as number));
  ctx.set('scaled', rows);
});

export const initialContext = {};
export default packagedWorkflow({ name: 'proven-across-calls', package: 'proven-across-calls', version: '1.0.0', tasks: [up, collect] });
