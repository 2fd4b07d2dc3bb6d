// The task removes the token, then asks a helper module for it.
import { packagedWorkflow, task } from 'cloacina-workflow';
import { tokenOf } from './lib/tokens.js';

export const up = task({ id: 'up' }, (ctx) => {
  ctx.set('rows', [1, 2, 3]);
  ctx.set('factor', 10);
  ctx.set('token', 'abc');
});

export const rotate = task({ id: 'rotate', dependencies: ['up'] }, (ctx) => {
  ctx.remove('token');
  ctx.set('seen', tokenOf(ctx));
});

export const initialContext = {};
export default packagedWorkflow({ name: 'imported-helper-after-remove', package: 'imported-helper-after-remove', version: '1.0.0', tasks: [up, rotate] });
