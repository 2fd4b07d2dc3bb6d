// pick() is exported for other packages; what it receives cannot be known here.
import { packagedWorkflow, task } from 'cloacina-workflow';

export function pick(source: any, key: string): unknown {
  // TODO(cloacina-migrate): cannot tell whether this is a cloacina Context; if it is, apply the v2 change by hand; if not, give it a type that says what it is (no call of pick() was found in the project)
  return source.getWithDependencies(key);
}

export const up = task({ id: 'up' }, (ctx) => {
  ctx.set('rows', [1, 2, 3]);
  ctx.set('factor', 10);
  ctx.set('token', 'abc');
});

export const copy = task({ id: 'copy', dependencies: ['up'] }, (ctx) => {
  ctx.set('copied', ctx.get('token') ?? 'none');
});

export const initialContext = {};
export default packagedWorkflow({ name: 'unknown-receiver', package: 'unknown-receiver', version: '1.0.0', tasks: [up, copy] });
