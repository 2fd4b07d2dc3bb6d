// Cron management (see the README section "Cron"): schedule with a catch-up policy, list,
// disable, enable, update, and page through a schedule's executions. The runner is given
// a clock of its own so the example covers two hours without waiting for them.
import { packagedWorkflow, Runner, task } from 'cloacina';

const report = packagedWorkflow({ name: 'report', tasks: [task({ id: 'totals' }, (ctx) => ctx.set('done', true))] });

let now = Date.parse('2026-11-24T09:00:00Z');
const runner = await Runner.open({ database: ':memory:', workflows: [report], now: () => now });
const at = (ms) => new Date(ms).toISOString().slice(11, 16);

const id = await runner.schedule(report, { cron: '*/15 * * * *', context: { scope: 'quarter-hour' }, catchUp: 'all', maxCatchUp: 3 });
const [listed] = await runner.schedules();
console.log(`scheduled ${listed.workflow} '${listed.cron}' ${listed.timezone}, catch-up ${listed.catchUp} (max ${listed.maxCatchUp}), next ${at(listed.nextSlot)}`);

// No tick for 100 minutes (no runner up): six slots passed, the latest three fire.
now = Date.parse('2026-11-24T10:40:00Z');
const fired = await runner.tickCron();
await Promise.all(fired.map((h) => h.result()));
console.log(`caught up ${fired.length} slots`);

await runner.disableSchedule(id);
now = Date.parse('2026-11-24T10:50:00Z');
console.log(`disabled: ${(await runner.tickCron()).length} fired at ${at(now)}`);
const enabled = await runner.enableSchedule(id);
console.log(`enabled again, next ${at(enabled.nextSlot)}`);

const updated = await runner.updateSchedule(id, { cron: '0 * * * *', context: { scope: 'hourly' } });
now = Date.parse('2026-11-24T11:00:05Z');
for (const h of await runner.tickCron()) console.log(`'${updated.cron}' fired: ${JSON.stringify((await h.result()).tasks.totals.output)}`);

const page = await runner.scheduleHistory(id, { limit: 10 });
console.log(`history: ${page.items.map((i) => `${at(i.scheduledFor)} ${i.status}`).join(', ')}`);
await runner.close();
