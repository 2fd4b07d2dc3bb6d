// A helper that builds a context with a dependency loader and hands it back.
import { Context, DependencyLoader } from 'cloacina';

export function makeCtx(): Context {
  const c = new Context({ z: 0 });
  c.setDependencyLoader(new DependencyLoader([['x', { a: 42 }]]));
  return c;
}
