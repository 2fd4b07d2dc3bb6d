// A closure defined first reads through the loader; it is called after a removal.
import { packagedWorkflow, task } from 'cloacina';

export const up = task({ id: 'up' }, (ctx) => {
  ctx.set('rows', [1, 2, 3]);
  ctx.set('factor', 10);
  ctx.set('token', 'abc');
});

export const read = task({ id: 'read', dependencies: ['up'] }, (ctx) => {
  const currentToken = () => ctx.loadFromDependenciesAndCache('token');
  ctx.remove('token');
  ctx.set('seen', currentToken() ?? 'none');
});

export const initialContext = {};
export default packagedWorkflow({ name: 'closure-called-later', package: 'closure-called-later', version: '1.0.0', tasks: [up, read] });
