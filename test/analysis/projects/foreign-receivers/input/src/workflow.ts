// A task that also uses the project's own registry and settings, whose methods share names
// with the removed context methods.
import { packagedWorkflow, task } from 'cloacina';
import { Registry } from './registry.js';

const settings = { executionScope: 'tenant-a', retries: 2 };

export const up = task({ id: 'up' }, (ctx) => {
  ctx.set('rows', [1, 2, 3]);
  ctx.set('factor', 10);
  ctx.set('token', 'abc');
});

export const wire = task({ id: 'wire', dependencies: ['up'] }, (ctx) => {
  const container = new Registry();
  container.setDependencyLoader((name) => `lazy:${name}`);
  ctx.set('db', container.getWithDependencies('db'));
  ctx.set('scope', settings.executionScope);
  ctx.set('rows', ctx.loadFromDependenciesAndCache('rows') ?? []);
});

export const initialContext = {};
export default packagedWorkflow({ name: 'foreign-receivers', package: 'foreign-receivers', version: '1.0.0', tasks: [up, wire] });
