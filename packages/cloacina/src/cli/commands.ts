// The commands that look at or control the executions of a database: list, status, cancel,
// pause, events, history, prune. Each prints a table or lines, or JSON with --json.
import type { ExecutionStatus, HistoryQuery } from '../dal/types.js';
import type { Runner } from '../runner.js';
import { parseCount, parseTime, UsageError, type Parsed } from './args.js';
import { describeEvent, duration, resultText, table, time } from './format.js';

const STATUSES: readonly ExecutionStatus[] = ['Running', 'Paused', 'Completed', 'Failed', 'Cancelled'];

const write = (text: string) => void process.stdout.write(text);
const json = (value: unknown) => write(`${JSON.stringify(value, null, 2)}\n`);

function statuses(flag: string, value: string): ExecutionStatus[] {
  const list = value.split(',').map((s) => s.trim());
  for (const s of list) {
    const found = STATUSES.find((known) => known.toLowerCase() === s.toLowerCase());
    if (found === undefined) throw new UsageError(`${flag}: ${JSON.stringify(s)} is not a status (${STATUSES.join(', ')})`);
  }
  return list.map((s) => STATUSES.find((known) => known.toLowerCase() === s.toLowerCase())!);
}

function oneId(args: Parsed, command: string): string {
  if (args.positional.length !== 1) throw new UsageError(`${command} takes one execution id`);
  return args.positional[0]!;
}

/** Unfinished executions (Running and Paused), oldest first, with how far each got. */
export async function list(runner: Runner, args: Parsed): Promise<number> {
  if (args.positional.length > 0) throw new UsageError('list takes no arguments');
  const items = (await runner.history({ status: ['Running', 'Paused'], limit: 10_000 })).items.reverse();
  const rows = [];
  for (const item of items) {
    const result = await runner.execution(item.executionId);
    const tasks = Object.values(result?.tasks ?? {});
    const done = tasks.filter((t) => t.state === 'Completed' || t.state === 'Failed' || t.state === 'Skipped').length;
    rows.push({ ...item, tasks: tasks.length, ended: done, running: tasks.filter((t) => t.state === 'Running').length });
  }
  if (args.switches.has('--json')) return json(rows), 0;
  if (rows.length === 0) return write('no unfinished executions\n'), 0;
  write(table([
    ['execution', 'workflow', 'status', 'started', 'tasks ended', 'running'],
    ...rows.map((r) => [r.executionId, `${r.workflow}@${r.version}`, r.status, time(r.startedAt), `${r.ended}/${r.tasks}`, String(r.running)]),
  ]));
  return 0;
}

/** One execution: its status and each task. */
export async function status(runner: Runner, args: Parsed): Promise<number> {
  const id = oneId(args, 'status');
  const result = await runner.execution(id);
  if (result === undefined) throw new Error(`no execution ${id}`);
  if (args.switches.has('--json')) return json(result), 0;
  write(resultText(result));
  if (result.finishedAt !== undefined) write(`started ${time(result.startedAt)}, took ${duration(result.finishedAt - result.startedAt)}\n`);
  else write(`started ${time(result.startedAt)}, ${duration(Date.now() - result.startedAt)} ago\n`);
  return 0;
}

/** cancel, pause or resume by id: says whether it is done or waits for the runner holding it. */
export async function control(runner: Runner, args: Parsed, action: 'cancel' | 'pause' | 'resume'): Promise<number> {
  if (args.positional.length === 0) throw new UsageError(`${action} takes one or more execution ids`);
  const results = [];
  for (const id of args.positional) results.push(await runner[action](id));
  if (args.switches.has('--json')) return json(results.length === 1 ? results[0] : results), 0;
  for (const r of results) {
    if (r.pending) write(`${r.executionId}: ${action} requested; the runner running it acts on it within one lease period (status now ${r.status})\n`);
    else write(`${r.executionId}: ${r.status}\n`);
  }
  return 0;
}

/** The stored events of an execution, in order. */
export async function events(runner: Runner, args: Parsed): Promise<number> {
  const id = oneId(args, 'events');
  if ((await runner.execution(id)) === undefined) throw new Error(`no execution ${id}`);
  const all = await runner.events(id);
  if (args.switches.has('--json')) return json(all), 0;
  for (const e of all) write(`${time(e.at)}  ${describeEvent(e)}\n`);
  return 0;
}

/** The history filters and paging of the flags given (--workflow, --status, --since, --until, --limit, --cursor). */
export function historyQuery(args: Parsed): HistoryQuery {
  const v = args.values;
  return {
    ...(v.has('--workflow') ? { workflow: v.get('--workflow')! } : {}),
    ...(v.has('--status') ? { status: statuses('--status', v.get('--status')!) } : {}),
    ...(v.has('--since') ? { since: parseTime('--since', v.get('--since')!) } : {}),
    ...(v.has('--until') ? { until: parseTime('--until', v.get('--until')!) } : {}),
    limit: v.has('--limit') ? parseCount('--limit', v.get('--limit')!) : 20,
    ...(v.has('--cursor') ? { cursor: v.get('--cursor')! } : {}),
  };
}

/** A page of history, newest first, with the cursor of the next page. */
export async function history(runner: Runner, args: Parsed): Promise<number> {
  if (args.positional.length > 0) throw new UsageError('history takes no arguments (filter with --workflow, --status, --since, --until)');
  const page = await runner.history(historyQuery(args));
  if (args.switches.has('--json')) return json(page), 0;
  if (page.items.length === 0) write('no executions\n');
  else {
    write(table([
      ['execution', 'workflow', 'status', 'started', 'duration', 'reason'],
      ...page.items.map((i) => [i.executionId, `${i.workflow}@${i.version}`, i.status, time(i.startedAt), i.finishedAt === undefined ? '-' : duration(i.finishedAt - i.startedAt), i.reason ?? '']),
    ]));
  }
  if (page.cursor !== undefined) write(`more: add --cursor ${page.cursor}\n`);
  return 0;
}

/** Deletes finished executions older than --older-than. */
export async function prune(runner: Runner, args: Parsed): Promise<number> {
  if (args.positional.length > 0) throw new UsageError('prune takes no arguments');
  const olderThan = args.values.get('--older-than');
  if (olderThan === undefined) throw new UsageError('prune needs --older-than (a duration such as 30d, or an ISO date)');
  const cutoff = parseTime('--older-than', olderThan);
  const chosen = args.values.has('--status') ? statuses('--status', args.values.get('--status')!) : undefined;
  const removed = await runner.prune({ olderThan: cutoff, ...(chosen ? { statuses: chosen } : {}) });
  if (args.switches.has('--json')) return json({ pruned: removed, olderThan: time(cutoff) }), 0;
  write(`pruned ${removed} execution(s) that finished before ${time(cutoff)}\n`);
  return 0;
}
