// `cloacina schedules`: list the cron schedules of a database, enable, disable, update or
// remove one, and page through the executions one started.
import { Context, type JsonValue } from 'cloacina-workflow';
import type { ScheduleInfo, ScheduleUpdate } from '../cron/service.js';
import type { Runner } from '../runner.js';
import { parseCount, UsageError, type Parsed } from './args.js';
import { duration, table, time } from './format.js';
import { historyQuery } from './commands.js';

const write = (text: string) => void process.stdout.write(text);
const json = (value: unknown) => write(`${JSON.stringify(value, null, 2)}\n`);

/** The flags each action takes besides --db, --schema and --json. */
const FLAGS: Record<string, readonly string[]> = {
  list: [],
  enable: [],
  disable: [],
  remove: [],
  update: ['--cron', '--timezone', '--context', '--catch-up', '--max-catch-up'],
  history: ['--status', '--since', '--until', '--limit', '--cursor'],
};

export const SCHEDULE_FLAGS = [...new Set(Object.values(FLAGS).flat())];

export async function schedules(runner: Runner, args: Parsed): Promise<number> {
  const [action = 'list', ...ids] = args.positional;
  const allowed = FLAGS[action];
  if (allowed === undefined) throw new UsageError(`schedules: unknown action ${action} (list, enable, disable, update, history, remove)`);
  for (const flag of args.values.keys()) {
    if (flag !== '--db' && flag !== '--schema' && !allowed.includes(flag)) throw new UsageError(`schedules ${action} does not take ${flag}`);
  }
  if (action === 'list') {
    if (ids.length > 0) throw new UsageError('schedules list takes no ids');
    return list(await runner.schedules(), args);
  }
  if (ids.length === 0) throw new UsageError(`schedules ${action} takes a schedule id`);
  if ((action === 'update' || action === 'history') && ids.length > 1) throw new UsageError(`schedules ${action} takes one schedule id`);
  switch (action) {
    case 'enable':
    case 'disable': {
      const changed = [];
      for (const id of ids) changed.push(await (action === 'enable' ? runner.enableSchedule(id) : runner.disableSchedule(id)));
      return list(changed, args);
    }
    case 'update':
      return list([await runner.updateSchedule(ids[0]!, update(args))], args);
    case 'remove': {
      const removed = [];
      for (const id of ids) {
        if (!(await runner.unschedule(id))) throw new Error(`no cron schedule ${id}`);
        removed.push(id);
      }
      if (args.switches.has('--json')) return json({ removed }), 0;
      for (const id of removed) write(`${id}: removed\n`);
      return 0;
    }
    default:
      return history(runner, ids[0]!, args);
  }
}

function update(args: Parsed): ScheduleUpdate {
  const v = args.values;
  const changes: ScheduleUpdate = {};
  if (v.has('--cron')) changes.cron = v.get('--cron')!;
  if (v.has('--timezone')) changes.timezone = v.get('--timezone')!;
  if (v.has('--context')) {
    try {
      changes.context = Context.fromJSON(v.get('--context')!).toJSON() as Record<string, JsonValue>;
    } catch (error) {
      throw new UsageError(`--context: ${(error as Error).message}`);
    }
  }
  if (v.has('--catch-up')) {
    const policy = v.get('--catch-up')!;
    if (policy !== 'latest' && policy !== 'all') throw new UsageError(`--catch-up must be latest or all, got ${JSON.stringify(policy)}`);
    changes.catchUp = policy;
  }
  if (v.has('--max-catch-up')) changes.maxCatchUp = parseCount('--max-catch-up', v.get('--max-catch-up')!);
  if (Object.keys(changes).length === 0) throw new UsageError('schedules update needs --cron, --timezone, --context, --catch-up or --max-catch-up');
  return changes;
}

function list(items: readonly ScheduleInfo[], args: Parsed): number {
  if (args.switches.has('--json')) return json(items), 0;
  if (items.length === 0) return write('no cron schedules\n'), 0;
  write(table([
    ['schedule', 'workflow', 'cron', 'timezone', 'enabled', 'catch-up', 'last slot', 'next slot'],
    ...items.map((s) => [
      s.scheduleId, s.workflow, s.cron, s.timezone, s.enabled ? 'yes' : 'no',
      s.catchUp === 'all' ? `all (max ${s.maxCatchUp})` : 'latest', time(s.lastSlot), s.nextSlot === undefined ? '-' : time(s.nextSlot),
    ]),
  ]));
  return 0;
}

async function history(runner: Runner, id: string, args: Parsed): Promise<number> {
  if (!(await runner.schedules()).some((s) => s.scheduleId === id)) throw new Error(`no cron schedule ${id}`);
  const page = await runner.scheduleHistory(id, historyQuery(args));
  if (args.switches.has('--json')) return json(page), 0;
  if (page.items.length === 0) write('no executions of this schedule\n');
  else {
    write(table([
      ['execution', 'slot', 'status', 'started', 'duration', 'reason'],
      ...page.items.map((i) => [
        i.executionId, i.scheduledFor === undefined ? '-' : time(i.scheduledFor), i.status, time(i.startedAt),
        i.finishedAt === undefined ? '-' : duration(i.finishedAt - i.startedAt), i.reason ?? '',
      ]),
    ]));
  }
  if (page.cursor !== undefined) write(`more: add --cursor ${page.cursor}\n`);
  return 0;
}
