// Contexts given a dependency loader by hand: the loader calls read from it.
import { DependencyLoader } from 'cloacina';
import { Context, packagedWorkflow, task } from 'cloacina-workflow';
import { makeCtx } from './scratch.js';

export const hand = task({ id: 'hand' }, (ctx) => {
  const scratch = new Context({ z: 0 });
  // TODO(cloacina-migrate): a loader call on this context, or code it is handed to, may read from this dependency loader, so it stays; v2 has no dependency loaders: rewrite this code by hand (in task unit tests use runTask from cloacina-workflow/testing) (scratch.getWithDependencies('a') in workflow.ts may read from it)
  scratch.setDependencyLoader(new DependencyLoader([['x', { a: 42 }]]));
  // TODO(cloacina-migrate): a dependency loader is set on this context by hand before this call, so v1 read from it; v2 has no dependency loaders, rewrite it by hand (scratch.setDependencyLoader(...) in workflow.ts)
  ctx.set('fromScratch', scratch.getWithDependencies('a') ?? 'none');
  // TODO(cloacina-migrate): a dependency loader is set on this context by hand before this call, so v1 read from it; v2 has no dependency loaders, rewrite it by hand (c.setDependencyLoader(...) in scratch.ts)
  ctx.set('fromHelper', makeCtx().loadFromDependenciesAndCache('a') ?? 'none');
  // Nothing reads this loader: the setter goes.
  const idle = new Context({ q: 1 });
  // TODO(cloacina-migrate): removed setDependencyLoader(): v2 pre-injects dependency outputs; in task unit tests use runTask from cloacina-workflow/testing
  ctx.set('idle', idle.get('q'));
});

export const initialContext = {};
export default packagedWorkflow({ name: 'loader-set-by-hand', package: 'loader-set-by-hand', version: '1.0.0', tasks: [hand] });
