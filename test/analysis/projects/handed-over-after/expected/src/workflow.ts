// The context goes to other code only after the loader ran: nothing can have removed the key.
import { packagedWorkflow, task, type Context } from 'cloacina-workflow';
import { audit } from './audit.js';

function tidy(c: Context): void {
  c.remove('rows');
}

export const up = task({ id: 'up' }, (ctx) => {
  ctx.set('rows', [1, 2, 3]);
  ctx.set('factor', 10);
  ctx.set('token', 'abc');
});

export const report = task({ id: 'report', dependencies: ['up'] }, (ctx) => {
  const rows = ctx.get('rows') as number[];
  ctx.set('sum', rows.reduce((a, b) => a + b, 0));
  tidy(ctx);
  audit(ctx);
});

export const initialContext = {};
export default packagedWorkflow({ name: 'handed-over-after', package: 'handed-over-after', version: '1.0.0', tasks: [up, report] });
