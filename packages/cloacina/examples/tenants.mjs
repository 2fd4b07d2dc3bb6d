// One schema per tenant on PostgreSQL (see the README section "One schema per tenant"):
//   node examples/tenants.mjs postgresql://user@host/db
import { packagedWorkflow, Runner, task } from 'cloacina';

const url = process.argv[2] ?? process.env.DATABASE_URL;
if (!url) throw new Error('pass a postgresql:// URL (or set DATABASE_URL)');
const report = packagedWorkflow({ name: 'report', tasks: [task({ id: 'totals' }, (ctx) => ctx.set('done', true))] });

const acme = await Runner.open({ database: url, schema: 'tenant_acme', workflows: [report] });
const globex = await Runner.open({ database: url, schema: 'tenant_globex', workflows: [report] });
const result = await (await acme.execute(report, { day: '2026-11-24' })).result();
console.log(`acme ran ${result.executionId}: ${result.status}`);
console.log(`acme sees ${(await acme.history()).items.length} execution(s), globex sees ${(await globex.history()).items.length}`);
console.log(`globex looks it up: ${(await globex.execution(result.executionId)) ?? 'not found'}`);
await acme.close();
await globex.close();
