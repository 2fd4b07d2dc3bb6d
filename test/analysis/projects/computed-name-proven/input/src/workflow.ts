// Loader names computed from values that are all known and spell one loader: planned like the
// name written out, proven (no removal before) and rewritten to get().
import { packagedWorkflow, task } from 'cloacina';

type Reader = (key: string) => unknown;
const LOADER = 'getWith' + 'Dependencies';

export const up = task({ id: 'up' }, (ctx) => {
  ctx.set('rows', [1, 2, 3]);
  ctx.set('token', 'abc');
});

export const read = task({ id: 'read', dependencies: ['up'] }, (ctx) => {
  let name = 'loadFromDependenciesAndCache';
  ctx.set('count', ((ctx as unknown as Record<string, Reader>)[name]!('rows') as number[]).length);
  ctx.set('seen', (ctx as unknown as Record<string, Reader>)[LOADER]!('token'));
  ctx.remove('rows');
});

export const initialContext = {};
export default packagedWorkflow({ name: 'computed-name-proven', package: 'computed-name-proven', version: '1.0.0', tasks: [up, read] });
