// Loader names computed at run time: a conditional, a reassigned let, a concatenation, a
// function's return value. Each may be a loader after a removal of its key; v1 then read the
// dependency's value, which get() cannot.
import { packagedWorkflow, task } from 'cloacina-workflow';

type Reader = (key: string) => unknown;

export const up = task({ id: 'up' }, (ctx) => {
  ctx.set('rows', [1, 2, 3]);
  ctx.set('token', 'abc');
  ctx.set('limit', 7);
});

export const viaConditional = task({ id: 'via-conditional', dependencies: ['up'] }, (ctx) => {
  const deep = ctx.get('shallow') !== true;
  ctx.remove('token');
  // TODO(cloacina-migrate): the method called on this cloacina Context is chosen at run time and may be one v2 removed; call the method by its name (get(key) for the loaders) (it can be getWithDependencies)
  ctx.set('seen', (ctx as unknown as Record<string, Reader>)[deep ? 'getWithDependencies' : 'get']!('token') ?? 'none');
});

export const viaLet = task({ id: 'via-let', dependencies: ['up'] }, (ctx) => {
  let name = 'get';
  if (ctx.get('rows') !== undefined) name = 'loadFromDependenciesAndCache';
  ctx.remove('rows');
  // TODO(cloacina-migrate): the method called on this cloacina Context is chosen at run time and may be one v2 removed; call the method by its name (get(key) for the loaders) (it can be loadFromDependenciesAndCache)
  ctx.set('count', ((ctx as unknown as Record<string, Reader>)[name]!('rows') as number[] | undefined)?.length ?? 0);
});

export const viaReturn = task({ id: 'via-return', dependencies: ['up'] }, (ctx) => {
  ctx.remove('limit');
  // TODO(cloacina-migrate): the method called on this cloacina Context is chosen at run time and may be one v2 removed; call the method by its name (get(key) for the loaders) (it can be getWithDependencies)
  ctx.set('max', (ctx as unknown as Record<string, Reader>)[readerName(ctx.get('shallow') === true)]!('limit') ?? 0);
});

function readerName(shallow: boolean): string {
  return shallow ? 'get' : 'getWith' + 'Dependencies';
}

export const initialContext = {};
export default packagedWorkflow({ name: 'computed-method-names', package: 'computed-method-names', version: '1.0.0', tasks: [up, viaConditional, viaLet, viaReturn] });
