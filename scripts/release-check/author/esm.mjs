// An author's ES module: the authoring API and its testing helper, from the installed package.
import { createRequire } from 'node:module';
import { API_VERSION, Context, packagedWorkflow, task, TaskError } from 'cloacina-workflow';
import { runTask } from 'cloacina-workflow/testing';

const double = task({ id: 'double' }, (ctx) => ctx.set('n', ctx.get('n') * 2));
const check = task({ id: 'check', dependencies: [double] }, (ctx) => {
  if (ctx.get('n') > 100) throw TaskError.validationFailed('too big');
});
const workflow = packagedWorkflow({ name: 'esm-journey', tasks: [double, check] });

const doubled = await runTask(double, { initialContext: new Context({ n: 21 }) });
const checked = await runTask(check, { dependencyOutputs: { double: { n: 500 } } });
if (doubled.status !== 'Completed' || doubled.context.get('n') !== 42) throw new Error(`runTask(double) gave ${JSON.stringify(doubled)}`);
if (checked.status !== 'Failed' || checked.error.kind !== 'ValidationFailed') throw new Error(`runTask(check) gave ${JSON.stringify(checked)}`);

// Files behind the exports map stay private.
const hidden = await import('cloacina-workflow/dist/context.d.ts').then(() => 'importable', (error) => error.code);
if (hidden !== 'ERR_PACKAGE_PATH_NOT_EXPORTED') throw new Error(`a file outside the exports map was ${hidden}`);

// require() of the same package (Node >= 20.19) gets the very same module instance.
const fromCommonJs = createRequire(import.meta.url)('./cjs.cjs');
if (fromCommonJs.Context !== Context) throw new Error('require() and import of cloacina-workflow gave two copies');

console.log(JSON.stringify({ api: API_VERSION, workflow: workflow.name, order: workflow.executionOrder }));
