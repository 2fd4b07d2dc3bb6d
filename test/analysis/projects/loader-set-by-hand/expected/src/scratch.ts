// A helper that builds a context with a dependency loader and hands it back.
import { DependencyLoader } from 'cloacina';
import { Context } from 'cloacina-workflow';

export function makeCtx(): Context {
  const c = new Context({ z: 0 });
  // TODO(cloacina-migrate): a loader call on this context, or code it is handed to, may read from this dependency loader, so it stays; v2 has no dependency loaders: rewrite this code by hand (in task unit tests use runTask from cloacina-workflow/testing) (it is returned in scratch.ts, after this)
  c.setDependencyLoader(new DependencyLoader([['x', { a: 42 }]]));
  return c;
}
