// Settings parsed from JSON and environment variables have an executionScope of their own.
import { packagedWorkflow, task } from 'cloacina';

const settings = JSON.parse(process.env.SHOP_SETTINGS ?? '{"executionScope":"eu","retries":2}');

export const up = task({ id: 'up' }, (ctx) => {
  ctx.set('scope', settings.executionScope);
  ctx.set('envScope', process.env.executionScope ?? 'none');
  ctx.set('factor', 10);
});

export const b = task({ id: 'b', dependencies: ['up'] }, (ctx) => {
  ctx.set('seen', (ctx.getWithDependencies('factor') as number) * settings.retries);
});

export const initialContext = {};
export default packagedWorkflow({ name: 'plain-data-receivers', package: 'plain-data-receivers', version: '1.0.0', tasks: [up, b] });
