// Cron management on SQLite and on PostgreSQL: listing, disabling and enabling, updating,
// per-schedule history, and the catch-up policies (`latest`, `all` bounded by maxCatchUp),
// also with two runners firing at once.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { packagedWorkflow, Runner, task, type RunnerOptions } from 'cloacina';
import { bothBackends } from './support/backends.js';

const { backends } = bothBackends('cloacina-cron-');

const utc = (text: string) => Date.parse(text);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

function reportWorkflow() {
  return packagedWorkflow({ name: `report-${randomUUID().slice(0, 8)}`, tasks: [task({ id: 'run' }, (ctx) => ctx.set('ran', true))] });
}

describe.each(backends)('cron management on %s', (_backend, database) => {
  it('lists, disables, enables and updates a schedule, and pages its history', async () => {
    let now = utc('2026-11-24T10:00:30Z');
    const report = reportWorkflow();
    const clock: RunnerOptions = { now: () => now };
    const runner = await Runner.open({ database: database(), ...clock, workflows: [report] });
    try {
      const id = await runner.schedule(report, { cron: '*/5 * * * *', context: { source: 'cron' } });
      const other = await runner.schedule(report, { cron: '0 0 1 1 *', enabled: false });
      const listed = (await runner.schedules()).filter((s) => s.workflow === report.name);
      expect(listed.find((s) => s.scheduleId === id)).toEqual({
        scheduleId: id,
        workflow: report.name,
        cron: '*/5 * * * *',
        timezone: 'UTC',
        context: { source: 'cron' },
        enabled: true,
        catchUp: 'latest',
        maxCatchUp: 10,
        lastSlot: now,
        nextSlot: utc('2026-11-24T10:05:00Z'),
      });
      const disabledAtStart = listed.find((s) => s.scheduleId === other)!;
      expect(disabledAtStart.enabled).toBe(false);
      expect(disabledAtStart.nextSlot).toBeUndefined();

      now = utc('2026-11-24T10:05:10Z');
      const fired = await runner.tickCron();
      expect(fired).toHaveLength(1);
      await fired[0]!.result();

      // Disabled: the 10:10 slot passes without firing, and stays unfired once enabled again.
      const disabled = await runner.disableSchedule(id);
      expect(disabled.enabled).toBe(false);
      expect(disabled.nextSlot).toBeUndefined();
      now = utc('2026-11-24T10:12:00Z');
      expect(await runner.tickCron()).toHaveLength(0);
      const enabled = await runner.enableSchedule(id);
      expect(enabled).toMatchObject({ enabled: true, lastSlot: now, nextSlot: utc('2026-11-24T10:15:00Z') });
      expect(await runner.tickCron()).toHaveLength(0);
      now = utc('2026-11-24T10:15:05Z');
      const afterEnable = await runner.tickCron();
      expect(afterEnable).toHaveLength(1);
      await afterEnable[0]!.result();

      // A new expression and context: slots count from the update on.
      now = utc('2026-11-24T10:16:00Z');
      const updated = await runner.updateSchedule(id, { cron: '0 * * * *', context: { source: 'hourly' }, catchUp: 'all', maxCatchUp: 3 });
      expect(updated).toMatchObject({ cron: '0 * * * *', context: { source: 'hourly' }, catchUp: 'all', maxCatchUp: 3, enabled: true, nextSlot: utc('2026-11-24T11:00:00Z') });
      now = utc('2026-11-24T10:20:00Z');
      expect(await runner.tickCron()).toHaveLength(0);
      now = utc('2026-11-24T11:00:05Z');
      const hourly = await runner.tickCron();
      expect(hourly).toHaveLength(1);
      expect((await hourly[0]!.result()).tasks.run!.output).toEqual({ source: 'hourly', ran: true });

      // Executions not started by this schedule are not in its history.
      await (await runner.execute(report, { source: 'by hand' })).result();
      const first = await runner.scheduleHistory(id, { limit: 2 });
      expect(first.items.map((i) => iso(i.scheduledFor))).toEqual(['2026-11-24T11:00:00.000Z', '2026-11-24T10:15:00.000Z']);
      expect(first.items.every((i) => i.scheduleId === id && i.status === 'Completed')).toBe(true);
      const second = await runner.scheduleHistory(id, { limit: 2, cursor: first.cursor! });
      expect(second.items.map((i) => iso(i.scheduledFor))).toEqual(['2026-11-24T10:05:00.000Z']);
      expect(second.cursor).toBeUndefined();
      expect((await runner.scheduleHistory(other)).items).toEqual([]);
      const all = await runner.history({ workflow: report.name });
      expect(all.items).toHaveLength(4);
      expect(all.items[0]!.scheduleId).toBeUndefined();
    } finally {
      await runner.close();
    }
  });

  it('refuses bad updates, naming the field, and changes nothing', async () => {
    const report = reportWorkflow();
    const runner = await Runner.open({ database: database(), workflows: [report] });
    try {
      const id = await runner.schedule(report, { cron: '*/5 * * * *' });
      const before = (await runner.schedules()).find((s) => s.scheduleId === id);
      await expect(runner.updateSchedule(id, { cron: '61 * * * *' })).rejects.toThrow(/minute field "61"/);
      await expect(runner.updateSchedule(id, { timezone: 'Mars/Olympus' })).rejects.toThrow('unknown time zone "Mars/Olympus"');
      await expect(runner.updateSchedule(id, { catchUp: 'some' as 'all' })).rejects.toThrow(`updateSchedule: catchUp must be 'latest' or 'all', got "some"`);
      await expect(runner.updateSchedule(id, { maxCatchUp: 0 })).rejects.toThrow('updateSchedule: maxCatchUp must be an integer from 1 to 1000, got 0');
      await expect(runner.schedule(report, { cron: '* * * * *', maxCatchUp: 1.5 })).rejects.toThrow('schedule: maxCatchUp must be an integer');
      await expect(runner.updateSchedule('no-such-schedule', { enabled: false })).rejects.toThrow('no cron schedule no-such-schedule');
      expect((await runner.schedules()).find((s) => s.scheduleId === id)).toEqual(before);
    } finally {
      await runner.close();
    }
  });

  it.each([
    ['latest', {}, ['10:30']],
    ['all, bounded by maxCatchUp', { catchUp: 'all', maxCatchUp: 3 }, ['10:20', '10:25', '10:30']],
    ['all, fewer missed than the bound', { catchUp: 'all', maxCatchUp: 20 }, ['10:10', '10:15', '10:20', '10:25', '10:30']],
  ] as const)('catches up after downtime: %s', async (_policy, policy, slots) => {
    let now = utc('2026-11-24T10:05:10Z');
    const report = reportWorkflow();
    const db = database();
    const first = await Runner.open({ database: db, now: () => now, workflows: [report] });
    const id = await first.schedule(report, { cron: '*/5 * * * *', ...policy });
    await first.close();

    // Down from 10:05 to 10:31: two runners sharing the database come up and tick at once;
    // each slot fires once.
    now = utc('2026-11-24T10:31:00Z');
    const shared = { pollMs: 20 };
    const [one, two] = await Promise.all([
      Runner.open({ database: db, now: () => now, workflows: [report], shared }),
      Runner.open({ database: db, now: () => now, workflows: [report], shared }),
    ]);
    try {
      const fired = (await Promise.all([one.tickCron(), two.tickCron()])).flat();
      await Promise.all(fired.map((h) => h.result()));
      const history = await one.scheduleHistory(id);
      expect(history.items.map((i) => iso(i.scheduledFor)!.slice(11, 16)).reverse()).toEqual(slots);
      expect(fired).toHaveLength(slots.length);
      expect(await one.tickCron()).toHaveLength(0);
      expect((await one.schedules()).find((s) => s.scheduleId === id)!.lastSlot).toBe(utc('2026-11-24T10:30:00Z'));
    } finally {
      await one.close();
      await two.close();
    }
  });
});

describe('the README example', () => {
  it('examples/cron.mjs catches up, disables, enables, updates and lists its history', () => {
    const out = execFileSync(process.execPath, [fileURLToPath(new URL('../examples/cron.mjs', import.meta.url))], { encoding: 'utf8' });
    expect(out).toBe(
      [
        "scheduled report '*/15 * * * *' UTC, catch-up all (max 3), next 09:15",
        'caught up 3 slots',
        'disabled: 0 fired at 10:50',
        'enabled again, next 11:00',
        `'0 * * * *' fired: {"scope":"hourly","done":true}`,
        'history: 11:00 Completed, 10:30 Completed, 10:15 Completed, 10:00 Completed',
        '',
      ].join('\n'),
    );
  });
});
