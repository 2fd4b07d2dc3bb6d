// Contexts given a dependency loader by hand: the loader calls read from it.
import { Context, DependencyLoader, packagedWorkflow, task } from 'cloacina';
import { makeCtx } from './scratch.js';

export const hand = task({ id: 'hand' }, (ctx) => {
  const scratch = new Context({ z: 0 });
  scratch.setDependencyLoader(new DependencyLoader([['x', { a: 42 }]]));
  ctx.set('fromScratch', scratch.getWithDependencies('a') ?? 'none');
  ctx.set('fromHelper', makeCtx().loadFromDependenciesAndCache('a') ?? 'none');
  // Nothing reads this loader: the setter goes.
  const idle = new Context({ q: 1 });
  idle.setDependencyLoader(new DependencyLoader([['x', { q: 2 }]]));
  ctx.set('idle', idle.get('q'));
});

export const initialContext = {};
export default packagedWorkflow({ name: 'loader-set-by-hand', package: 'loader-set-by-hand', version: '1.0.0', tasks: [hand] });
