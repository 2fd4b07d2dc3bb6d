// A CommonJS TypeScript module (NodeNext): imports of the ESM-only package compile to require().
import { task, packagedWorkflow } from 'cloacina-workflow';
import { runTask } from 'cloacina-workflow/testing';

export const ping = task({ id: 'ping' }, (ctx) => ctx.set('pong', true));
export const workflow = packagedWorkflow({ name: 'ping', tasks: [ping] });
export const run = () => runTask(ping);
