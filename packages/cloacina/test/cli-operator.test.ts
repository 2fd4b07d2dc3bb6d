// The operator's side of the cloacina command, as real child processes: live progress on a
// terminal and event lines elsewhere, Ctrl-C and resuming, and the commands that look at
// and control executions (list, status, cancel, pause, resume, events, history, prune).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pack, packagedWorkflow, Runner, task } from 'cloacina';
import { CLI, FIXTURES } from './packaging-helpers.js';
import { startPostgres, type PostgresCluster } from './support/postgres.js';
import { tempDir, until } from './helpers.js';

let dir: string;
let cleanup: () => void;
let gated: string;
let cluster: PostgresCluster;
const children = new Set<ChildProcess>();

beforeAll(async () => {
  ({ dir, cleanup } = tempDir('cloacina-cli-op-'));
  gated = join(dir, 'gated.cloacina');
  await pack(join(FIXTURES, 'gated.ts'), { outFile: gated });
  cluster = await startPostgres();
}, 120_000);
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await cluster?.stop();
  cleanup();
});

const cli = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: dir });
const json = (args: string[]) => {
  const r = cli([...args, '--json']);
  if (r.status !== 0) throw new Error(`cloacina ${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout);
};

/** `cloacina run` in the background; `out` collects stdout as it comes. */
function background(args: string[]) {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  const io = { out: '', err: '' };
  child.stdout!.on('data', (d) => (io.out += d));
  child.stderr!.on('data', (d) => (io.err += d));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => (children.delete(child), resolve(code))));
  return { child, io, exit };
}

const context = (gate: string) => JSON.stringify({ gate: join(dir, gate) });

/** Reads a database in this process (cheaper than a command per poll); runs nothing. */
async function inspect<T>(db: string, read: (runner: Runner) => Promise<T>): Promise<T> {
  const runner = await Runner.open({ database: join(dir, db), resume: false });
  try {
    return await read(runner);
  } finally {
    await runner.close();
  }
}

describe('cloacina run', () => {
  it('prints one line per event when not on a terminal, then the result; --quiet and --json print the outcome only', () => {
    writeFileSync(join(dir, 'open-1'), '');
    const run = cli(['run', gated, '--db', 'lines.db', '--context', context('open-1')]);
    expect(run.status).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z {2}execution of gated@1\.0\.0 started$/);
    expect(run.stdout).toMatch(/ {2}flaky failed \(attempt 1: ExecutionFailed: first attempt fails\); retry in 300 ms\n/);
    expect(run.stdout).toMatch(/ {2}flaky completed \(attempt 2\)\n.* {2}execution completed\n/);
    expect(run.stdout).toMatch(/^flaky\s+Completed\s+2\s+\d+ ms/m);

    const quiet = cli(['run', gated, '--db', 'lines.db', '--context', context('open-1'), '--quiet']);
    expect(quiet.stdout).toMatch(/^gated Completed \(execution [0-9a-f-]{36}\)\n$/);
    const result = JSON.parse(cli(['run', gated, '--db', 'lines.db', '--context', context('open-1'), '--json']).stdout);
    expect(result).toMatchObject({ workflow: 'gated', status: 'Completed', tasks: { flaky: { attempts: 2 } } });
  }, 120_000);

  it.skipIf(!existsSync('/usr/bin/script'))('shows each task live on a terminal', () => {
    writeFileSync(join(dir, 'open-2'), '');
    // `script` gives the command a pseudo-terminal.
    const command = [process.execPath, CLI, 'run', gated, '--db', join(dir, 'tty.db'), '--context', context('open-2')].map((a) => `'${a}'`).join(' ');
    const run = spawnSync('script', ['-qfec', command, '/dev/null'], { encoding: 'utf8', env: { ...process.env, COLUMNS: '120', LINES: '30' } });
    expect(run.status).toBe(0);
    // The block is redrawn in place: cursor up to its first line, clear, draw again.
    expect(run.stdout).toMatch(/\x1b\[3F\x1b\[J/);
    expect(run.stdout).toMatch(/↻ flaky\s+Retrying\s+attempt 1 failed, next in \d+ ms: ExecutionFailed: first attempt fails/);
    expect(run.stdout).toMatch(/gated Completed \(execution [0-9a-f-]{36}\): 2 Completed/);
    expect(run.stdout).toMatch(/✓ flaky\s+Completed\s+attempt 2/);
  });

  it('stops starting tasks on Ctrl-C, says how to resume, and `run --db` finishes the execution', async () => {
    const run = background(['run', gated, '--db', 'interrupted.db', '--context', context('open-3')]);
    await until(() => run.io.out.includes('wait started (attempt 1)'), 30_000, 'the first task to start');
    run.child.kill('SIGINT');
    expect(await run.exit).toBe(130);
    expect(run.io.err).toContain('cloacina: interrupted; no new tasks start. 1 unfinished execution(s) in interrupted.db');
    expect(run.io.err).toContain('cloacina resume --db interrupted.db');
    const [unfinished] = json(['list', '--db', 'interrupted.db']);
    expect(unfinished).toMatchObject({ workflow: 'gated', status: 'Running', tasks: 2, ended: 0 });

    writeFileSync(join(dir, 'open-3'), '');
    const finish = cli(['run', '--db', 'interrupted.db']);
    expect(finish.status).toBe(0);
    expect(finish.stdout).toContain(`gated Completed (execution ${unfinished.executionId})`);
    expect(json(['list', '--db', 'interrupted.db'])).toEqual([]);
    expect(cli(['resume', '--db', 'interrupted.db']).stdout).toBe('nothing to finish: no unfinished executions in interrupted.db\n');
  }, 120_000);
});

describe('cloacina list, status, cancel, pause, resume, events, history, prune', () => {
  it('pauses and resumes an execution another cloacina run is running, and cancels one', async () => {
    const run = background(['run', gated, '--db', 'control.db', '--context', context('open-4')]);
    await until(() => run.io.out.includes('wait started'), 30_000, 'the first task to start');
    const [{ executionId }] = json(['list', '--db', 'control.db']);
    const status = () => inspect('control.db', (r) => r.execution(executionId));
    const paused = cli(['pause', executionId, '--db', 'control.db']);
    expect(paused.stdout).toBe(`${executionId}: pause requested; the runner running it acts on it within one lease period (status now Running)\n`);
    await until(async () => (await status())!.status === 'Paused', 15_000, 'the run to pause');
    writeFileSync(join(dir, 'open-4'), '');
    await until(async () => (await status())!.tasks.wait!.state === 'Completed', 15_000, 'wait to complete');
    expect((await status())!.tasks.flaky!.state).toBe('Pending');
    // Held by the running `cloacina run`: that process resumes it; this one waits for the end.
    expect(json(['resume', executionId, '--db', 'control.db'])).toMatchObject({ executionId, status: 'Completed' });
    expect(await run.exit, run.io.err).toBe(0);
    expect(json(['events', executionId, '--db', 'control.db']).map((e: { type: string }) => e.type)).toEqual([
      'executionStarted', 'taskStarted', 'executionPaused', 'taskCompleted', 'executionResumed',
      'taskStarted', 'taskRetryScheduled', 'taskStarted', 'taskCompleted', 'executionCompleted',
    ]);

    const doomed = background(['run', gated, '--db', 'control.db', '--context', context('never-opened')]);
    await until(() => doomed.io.out.includes('wait started'), 30_000, 'the first task to start');
    const id = (json(['list', '--db', 'control.db']) as Array<{ executionId: string }>)[0]!.executionId;
    expect(json(['cancel', id, '--db', 'control.db'])).toEqual({ executionId: id, status: 'Running', pending: true });
    expect(await doomed.exit).toBe(1);
    expect(doomed.io.out).toContain(`gated Cancelled: execution cancelled (execution ${id})`);
    expect(cli(['cancel', id, '--db', 'control.db']).stdout).toBe(`${id}: Cancelled\n`);
    expect(cli(['events', id, '--db', 'control.db']).stdout).toMatch(/Z {2}execution cancelled \(execution cancelled\)\n$/);
  }, 180_000);

  it('pages history and prunes, on SQLite and on PostgreSQL', () => {
    writeFileSync(join(dir, 'open-5'), '');
    for (const db of ['history.db', cluster.url]) {
      for (let i = 0; i < 2; i++) expect(cli(['run', gated, '--db', db, '--context', context('open-5'), '--quiet']).status).toBe(0);
      const first = json(['history', '--db', db, '--limit', '1', '--workflow', 'gated']);
      expect(first.items).toHaveLength(1);
      expect(first.items[0]).toMatchObject({ workflow: 'gated', status: 'Completed' });
      expect(first.items[0]).not.toHaveProperty('id');
      const second = cli(['history', '--db', db, '--limit', '1', '--workflow', 'gated', '--cursor', first.cursor]);
      expect(second.stdout).toMatch(/^execution\s+workflow\s+status\s+started\s+duration\s+reason\n[0-9a-f-]{36}\s+gated@1\.0\.0\s+Completed\s/);
      expect(second.stdout).not.toContain(first.items[0].executionId);
      expect(json(['history', '--db', db, '--status', 'failed,cancelled', '--since', '1h', '--workflow', 'gated']).items).toEqual([]);
      const pruned = json(['prune', '--db', db, '--older-than', '0s', '--status', 'Completed']);
      expect(pruned.pruned).toBeGreaterThanOrEqual(2);
      expect(json(['history', '--db', db, '--workflow', 'gated', '--status', 'Completed']).items).toEqual([]);
    }
  }, 240_000);

  it('lists, disables, enables, updates and removes cron schedules and pages their history, on SQLite and on a PostgreSQL tenant', async () => {
    const report = packagedWorkflow({ name: 'cli-report', tasks: [task({ id: 'run' }, (ctx) => ctx.set('ran', true))] });
    for (const [db, schema] of [[join(dir, 'schedules.db'), undefined], [cluster.url, 'cli_tenant']] as const) {
      const at = { database: db, ...(schema ? { schema } : {}) };
      let now = Date.parse('2026-11-24T10:00:30Z');
      const runner = await Runner.open({ ...at, workflows: [report], now: () => now });
      const id = await runner.schedule(report, { cron: '*/5 * * * *' });
      now = Date.parse('2026-11-24T10:05:10Z');
      await Promise.all((await runner.tickCron()).map((h) => h.result()));
      await runner.close();

      const where = ['--db', db, ...(schema ? ['--schema', schema] : [])];
      const listed = json(['schedules', ...where]);
      expect(listed).toEqual([expect.objectContaining({ scheduleId: id, workflow: 'cli-report', cron: '*/5 * * * *', enabled: true, catchUp: 'latest' })]);
      expect(cli(['schedules', ...where]).stdout).toMatch(new RegExp(`^schedule\\s+workflow\\s+cron\\s+timezone\\s+enabled\\s+catch-up\\s+last slot\\s+next slot\\n${id}\\s+cli-report\\s+\\*/5 \\* \\* \\* \\*\\s+UTC\\s+yes\\s+latest\\s`));
      expect(json(['schedules', 'disable', id, ...where])).toEqual([expect.objectContaining({ scheduleId: id, enabled: false })]);
      expect(json(['schedules', ...where])[0].enabled).toBe(false);
      expect(json(['schedules', 'enable', id, ...where])[0].enabled).toBe(true);
      const updated = json(['schedules', 'update', id, '--cron', '0 * * * *', '--catch-up', 'all', '--max-catch-up', '4', '--context', '{"from":"cli"}', ...where]);
      expect(updated).toEqual([expect.objectContaining({ cron: '0 * * * *', catchUp: 'all', maxCatchUp: 4, context: { from: 'cli' } })]);
      const history = json(['schedules', 'history', id, ...where]);
      expect(history.items).toEqual([expect.objectContaining({ scheduleId: id, scheduledFor: Date.parse('2026-11-24T10:05:00Z'), status: 'Completed' })]);
      expect(cli(['schedules', 'history', id, ...where]).stdout).toMatch(/^execution\s+slot\s+status\s+started\s+duration\s+reason\n[0-9a-f-]{36}\s+2026-11-24T10:05:00\.000Z\s+Completed\s/);

      const unknownAction = cli(['schedules', 'pause', id, ...where]);
      expect([unknownAction.status, unknownAction.stderr.split('\n')[0]]).toEqual([2, 'cloacina: schedules: unknown action pause (list, enable, disable, update, history, remove)']);
      const wrongFlag = cli(['schedules', 'enable', id, '--cron', '* * * * *', ...where]);
      expect([wrongFlag.status, wrongFlag.stderr.split('\n')[0]]).toEqual([2, 'cloacina: schedules enable does not take --cron']);
      const badCron = cli(['schedules', 'update', id, '--cron', '61 * * * *', ...where]);
      expect(badCron.status).toBe(1);
      expect(badCron.stderr).toContain('minute field "61"');
      const missing = cli(['schedules', 'disable', 'no-such-schedule', ...where]);
      expect([missing.status, missing.stderr]).toEqual([1, 'cloacina: no cron schedule no-such-schedule\n']);

      expect(json(['schedules', 'remove', id, ...where])).toEqual({ removed: [id] });
      expect(json(['schedules', ...where])).toEqual([]);
    }
    // The tenant's schedules were in its schema only.
    expect(json(['schedules', '--db', cluster.url])).toEqual([]);
  }, 240_000);

  it('answers --help for every command, and names a missing database and a bad time', () => {
    for (const command of ['run', 'resume', 'list', 'status', 'cancel', 'pause', 'events', 'history', 'prune', 'schedules']) {
      const help = cli([command, '--help']);
      expect(help.status).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`^Usage: cloacina ${command}.*--json`));
    }
    const missing = cli(['status', 'x', '--db', 'missing.db']);
    expect([missing.status, missing.stderr]).toEqual([1, 'cloacina: no database at missing.db (pass --db FILE|URL)\n']);
    expect(existsSync(join(dir, 'missing.db'))).toBe(false);
    const bad = cli(['history', '--db', ':memory:', '--since', 'yesterday']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--since: "yesterday" is neither an ISO date');
  }, 120_000);
});
