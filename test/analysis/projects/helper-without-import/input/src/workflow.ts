import { packagedWorkflow, task } from 'cloacina';
import { normalizedRows } from './steps/normalize.js';

export const up = task({ id: 'up' }, (ctx) => {
  ctx.set('rows', [1, 2, 3]);
  ctx.set('factor', 10);
  ctx.set('token', 'abc');
});

export const normalize = task({ id: 'normalize', dependencies: ['up'] }, (ctx) => {
  ctx.set('normalized', normalizedRows(ctx));
});

export const initialContext = {};
export default packagedWorkflow({ name: 'helper-without-import', package: 'helper-without-import', version: '1.0.0', tasks: [up, normalize] });
