// A loader named through a constant: `const method = 'getWithDependencies'; ctx[method](k)`.
import { packagedWorkflow, task } from 'cloacina';

const LOAD = 'getWithDependencies';

export const up = task({ id: 'up' }, (ctx) => {
  ctx.set('rows', [1, 2, 3]);
  ctx.set('token', 'abc');
});

export const scrubbed = task({ id: 'scrubbed', dependencies: ['up'] }, (ctx) => {
  const method = 'loadFromDependenciesAndCache';
  ctx.remove('token');
  ctx.set('again', ctx[method]('token') ?? 'gone');
});

export const plain = task({ id: 'plain', dependencies: ['up'] }, (ctx) => {
  ctx.set('seen', ctx[LOAD]('rows') ?? 'none');
});

export const initialContext = {};
export default packagedWorkflow({ name: 'const-method-name', package: 'const-method-name', version: '1.0.0', tasks: [up, scrubbed, plain] });
