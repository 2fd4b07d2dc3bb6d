// Helpers replaced after they are declared: a hook object whose method is assigned, and a
// function declaration given another value. The functions that run are the replacements.
import { packagedWorkflow, task } from 'cloacina';

const hooks = {
  before(c: { remove(k: string): unknown }) {},
};
hooks.before = (c) => c.remove('token');

function tidy(c: { remove(k: string): unknown }) {}
// eslint-disable-next-line no-func-assign
tidy = (c) => c.remove('rows');

export const up = task({ id: 'up' }, (ctx) => {
  ctx.set('rows', [1, 2, 3]);
  ctx.set('token', 'abc');
});

export const viaHook = task({ id: 'via-hook', dependencies: ['up'] }, (ctx) => {
  hooks.before(ctx);
  ctx.set('seen', ctx.getWithDependencies('token') ?? 'none');
});

export const viaReplaced = task({ id: 'via-replaced', dependencies: ['up'] }, (ctx) => {
  tidy(ctx);
  ctx.set('count', (ctx.getWithDependencies('rows') as number[] | undefined)?.length ?? 0);
});

export const initialContext = {};
export default packagedWorkflow({ name: 'replaced-helper', package: 'replaced-helper', version: '1.0.0', tasks: [up, viaHook, viaReplaced] });
