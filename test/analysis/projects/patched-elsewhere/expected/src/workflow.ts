// Tasks that call extension points another module replaces: the functions that run are the
// plugin's, which remove the keys the loaders then read.
import { packagedWorkflow, task } from 'cloacina-workflow';
import { hooks, Steps } from './hooks.js';
import { cleaner } from './index.js';
import './plugins.js';

export const up = task({ id: 'up' }, (ctx) => {
  ctx.set('rows', [1, 2, 3]);
  ctx.set('token', 'abc');
  ctx.set('limit', 7);
});

export const viaHook = task({ id: 'via-hook', dependencies: ['up'] }, (ctx) => {
  hooks.before(ctx);
  // TODO(cloacina-migrate): a removal of the key before this call cannot be ruled out: the context passes through code the migration cannot follow; check that code and replace with get() (it is passed to hooks.before(), which cannot be followed (hooks.before may be replaced (a member of hooks is assigned in plugins.ts)) in workflow.ts, before this call)
  ctx.set('seen', ctx.getWithDependencies('token') ?? 'none');
});

export const viaPrototype = task({ id: 'via-prototype', dependencies: ['up'] }, (ctx) => {
  new Steps().prepare(ctx);
  // TODO(cloacina-migrate): a removal of the key before this call cannot be ruled out: the context passes through code the migration cannot follow; check that code and replace with get() (it is passed to other code(), which cannot be followed (prepare() may be replaced (the prototype of Steps is handed over in plugins.ts)) in workflow.ts, before this call)
  ctx.set('count', (ctx.getWithDependencies('rows') as number[] | undefined)?.length ?? 0);
});

export const viaNamespace = task({ id: 'via-namespace', dependencies: ['up'] }, (ctx) => {
  cleaner.run(ctx);
  // TODO(cloacina-migrate): a removal of the key before this call cannot be ruled out: the context passes through code the migration cannot follow; check that code and replace with get() (it is passed to cleaner.run(), which cannot be followed (cleaner.run may be replaced (a member of cleaner is assigned in plugins.ts)) in workflow.ts, before this call)
  ctx.set('max', ctx.getWithDependencies('limit') ?? 0);
});

export const initialContext = {};
export default packagedWorkflow({ name: 'patched-elsewhere', package: 'patched-elsewhere', version: '1.0.0', tasks: [up, viaHook, viaPrototype, viaNamespace] });
