// Helpers replaced after they are declared: a hook object whose method is assigned, and a
// function declaration given another value. The functions that run are the replacements.
import { packagedWorkflow, task } from 'cloacina-workflow';

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
  // TODO(cloacina-migrate): a removal of the key before this call cannot be ruled out: the context passes through code the migration cannot follow; check that code and replace with get() (it is passed to hooks.before(), which cannot be followed (hooks.before may be replaced (a member of hooks is assigned in workflow.ts)) in workflow.ts, before this call)
  ctx.set('seen', ctx.getWithDependencies('token') ?? 'none');
});

export const viaReplaced = task({ id: 'via-replaced', dependencies: ['up'] }, (ctx) => {
  tidy(ctx);
  // TODO(cloacina-migrate): a removal of the key before this call cannot be ruled out: the context passes through code the migration cannot follow; check that code and replace with get() (it is passed to tidy(), which cannot be followed (tidy does not hold a function that can be followed) in workflow.ts, before this call)
  ctx.set('count', (ctx.getWithDependencies('rows') as number[] | undefined)?.length ?? 0);
});

export const initialContext = {};
export default packagedWorkflow({ name: 'replaced-helper', package: 'replaced-helper', version: '1.0.0', tasks: [up, viaHook, viaReplaced] });
