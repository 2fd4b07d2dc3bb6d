import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { CronExpression, packagedWorkflow, Runner, task } from 'cloacina';
import { tempDir } from './helpers.js';

const utc = (text: string) => Date.parse(text);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

describe('CronExpression', () => {
  it('finds next and previous slots in UTC', () => {
    const every15 = new CronExpression('*/15 9-17 * * mon-fri');
    expect(iso(every15.next(utc('2026-11-27T17:50:00Z')))).toBe('2026-11-30T09:00:00.000Z'); // Friday evening -> Monday
    expect(iso(every15.previous(utc('2026-11-30T08:59:00Z')))).toBe('2026-11-27T17:45:00.000Z');
    expect(iso(every15.next(utc('2026-11-30T09:00:00Z')))).toBe('2026-11-30T09:15:00.000Z');
    expect(iso(every15.previous(utc('2026-11-30T09:00:00Z')))).toBe('2026-11-30T09:00:00.000Z');
  });

  it('ORs day-of-month and day-of-week when both are restricted', () => {
    const cron = new CronExpression('0 0 13 * fri');
    expect(iso(cron.next(utc('2026-11-01T00:00:00Z')))).toBe('2026-11-06T00:00:00.000Z'); // a Friday before the 13th
    expect(iso(cron.next(utc('2026-11-10T00:00:00Z')))).toBe('2026-11-13T00:00:00.000Z');
  });

  it('follows the wall clock of a time zone', () => {
    const nineInBerlin = new CronExpression('0 9 * * *', 'Europe/Berlin');
    expect(iso(nineInBerlin.next(utc('2026-07-01T00:00:00Z')))).toBe('2026-07-01T07:00:00.000Z'); // CEST, UTC+2
    expect(iso(nineInBerlin.next(utc('2026-12-01T00:00:00Z')))).toBe('2026-12-01T08:00:00.000Z'); // CET, UTC+1
  });

  it('fires a wall time skipped by spring forward shifted by the gap, and a repeated one once', () => {
    const ny = new CronExpression('30 2 * * *', 'America/New_York');
    // 2026-03-08: clocks jump from 02:00 EST to 03:00 EDT; 02:30 does not exist -> 03:30 EDT (07:30Z).
    expect(iso(ny.next(utc('2026-03-08T05:00:00Z')))).toBe('2026-03-08T07:30:00.000Z');
    const oneThirty = new CronExpression('30 1 * * *', 'America/New_York');
    // 2026-11-01: 01:30 happens twice (EDT then EST); only the first (05:30Z) fires.
    const first = oneThirty.next(utc('2026-11-01T04:00:00Z'));
    expect(iso(first)).toBe('2026-11-01T05:30:00.000Z');
    expect(iso(oneThirty.next(first!))).toBe('2026-11-02T06:30:00.000Z');
  });

  it.each([
    ['* * * *', /must have 5 fields, found 4/],
    ['60 * * * *', /minute field "60" has "60", outside 0-59/],
    ['* * * 13 *', /month field "13"/],
    ['*/0 * * * *', /invalid step "0"/],
    ['5-1 * * * *', /reversed range 5-1/],
  ])('refuses %s', (expression, message) => {
    expect(() => new CronExpression(expression)).toThrow(message);
  });

  it('refuses an unknown time zone', () => {
    expect(() => new CronExpression('* * * * *', 'Mars/Olympus')).toThrow('unknown time zone "Mars/Olympus"');
  });
});

describe('cron schedules on a runner', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());

  const report = packagedWorkflow({ name: 'report', tasks: [task({ id: 'run' }, (ctx) => ctx.set('ran', true))] });

  it('fires once per slot, catches up once after downtime, and never twice across runners', async () => {
    let now = utc('2026-11-24T10:00:30Z');
    const file = join(dir, 'cron.db');
    const runner = await Runner.open({ database: file, now: () => now, workflows: [report] });
    await runner.schedule(report, { cron: '*/5 * * * *', context: { source: 'cron' } });
    expect(await runner.tickCron()).toHaveLength(0); // 10:00 is before the schedule existed

    now = utc('2026-11-24T10:05:10Z');
    const fired = await runner.tickCron();
    expect(fired).toHaveLength(1);
    expect((await fired[0]!.result()).tasks.run!.output).toEqual({ source: 'cron', ran: true });
    expect(await runner.tickCron()).toHaveLength(0); // same slot again: nothing
    await runner.close();

    // Down from 10:05 to 10:31: the 10:10..10:30 slots were missed; one catch-up run fires.
    // Two runners on one SQLite file share it (a plain runner holds the file alone).
    now = utc('2026-11-24T10:31:00Z');
    const shared = { pollMs: 20 };
    const [one, two] = await Promise.all([
      Runner.open({ database: file, now: () => now, workflows: [report], shared }),
      Runner.open({ database: file, now: () => now, workflows: [report], shared }),
    ]);
    const results = await Promise.all([one.tickCron(), two.tickCron()]);
    expect(results.flat()).toHaveLength(1);
    await Promise.all(results.flat().map((h) => h.result()));
    expect((await one.history({ workflow: 'report' })).items.length).toBe(2);
    await one.close();
    await two.close();
  });
});
