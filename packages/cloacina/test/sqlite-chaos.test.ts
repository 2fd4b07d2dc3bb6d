// Shared runners on one SQLite file. Without any fault, four runner processes start every
// task body exactly once. Under faults (runners killed with SIGKILL and restarted at random,
// and another process holding the write lock for longer than the runners' busy timeout) every
// workflow still finishes, every task completes exactly once (an audit trigger records every
// completion) and no context is lost.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { Runner, type ExecutionHandle } from 'cloacina';
import { sleep, tempDir } from './helpers.js';
// @ts-expect-error plain ESM fixture shared with the worker processes
import { chaosWorkflow, CHAOS_TASKS } from './fixtures/chaos-workflow.mjs';

const WORKER = fileURLToPath(new URL('./fixtures/shared-worker.mjs', import.meta.url));
const RUNNERS = 4;
let dir: string;
let cleanup: () => void;
const children = new Set<ChildProcess>();

beforeEach(() => ({ dir, cleanup } = tempDir('cloacina-sqlite-chaos-')));
afterEach(() => {
  for (const child of children) child.kill('SIGKILL');
  cleanup();
});

function startRunner(database: string, log: string, extra?: object): ChildProcess {
  const args = [WORKER, database, log, ...(extra ? [JSON.stringify(extra)] : [])];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  children.add(child);
  child.on('exit', (code, signal) => {
    children.delete(child);
    // A runner that dies on its own (not killed here) is a failure worth seeing.
    if (signal === null && code !== 0) process.stderr.write(`runner ${child.pid} exited ${code}: ${stderr}\n`);
  });
  return child;
}

/** A runner in this process that only submits (it claims nothing), beside the workers. */
async function submitter(database: string): Promise<Runner> {
  return Runner.open({ database, shared: { maxExecutions: 0, pollMs: 50 } });
}

/** Task starts per (run, task) from the workers' log. */
function startsOf(log: string): Map<string, number> {
  const starts = new Map<string, number>();
  for (const line of readFileSync(log, 'utf8').split('\n').filter(Boolean)) {
    const [, run, task] = line.split(' ');
    starts.set(`${run} ${task}`, (starts.get(`${run} ${task}`) ?? 0) + 1);
  }
  return starts;
}

async function expectAllCompleted(handles: ExecutionHandle[]): Promise<void> {
  const results = await Promise.all(handles.map((h) => h.result()));
  expect(results.filter((r) => r.status !== 'Completed').map((r) => [r.status, r.tasks])).toEqual([]);
  for (const [i, result] of results.entries()) {
    expect(result.tasks.join!.output).toEqual({ run: i, count: 8, ...Object.fromEntries(CHAOS_TASKS.map((t: string) => [`done_${t}`, true])) });
  }
}

it('runs every task body exactly once on four shared runners with no fault', async () => {
  const database = join(dir, 'shared.db');
  const log = join(dir, 'starts.log');
  const runner = await submitter(database);
  const handles: ExecutionHandle[] = [];
  for (let i = 0; i < 60; i++) handles.push(await runner.submit(chaosWorkflow(), { run: i }));
  for (let i = 0; i < RUNNERS; i++) startRunner(database, log);
  await expectAllCompleted(handles);
  const starts = startsOf(log);
  expect(starts.size).toBe(60 * CHAOS_TASKS.length);
  expect([...starts].filter(([, n]) => n !== 1)).toEqual([]);
  await runner.close();
}, 60_000);

it('finishes 120 workflows on four shared runners killed at random while another process holds the write lock', async () => {
  const database = join(dir, 'chaos.db');
  const log = join(dir, 'starts.log');
  const runner = await submitter(database);
  const audit = new Database(database);
  audit.exec(`CREATE TABLE completion_audit (execution_id TEXT, task_id TEXT);
    CREATE TRIGGER audit_completed AFTER UPDATE OF state ON task_executions
      FOR EACH ROW WHEN NEW.state = 'Completed' AND OLD.state <> 'Completed'
      BEGIN INSERT INTO completion_audit VALUES (NEW.execution_id, NEW.task_id); END;`);
  const workflows = 120;
  const handles: ExecutionHandle[] = [];
  for (let i = 0; i < workflows; i++) handles.push(await runner.submit(chaosWorkflow(), { run: i }));

  // Runners wait 100 ms for the write lock, so a hold of 150-400 ms makes their writes,
  // claims and lease renewals fail with SQLITE_BUSY and be retried (or their leases lapse).
  const options = { busyTimeoutMs: 100 };
  const runners = Array.from({ length: RUNNERS }, () => startRunner(database, log, options));
  // A seeded schedule of faults, so a failure can be replayed: kill runner `victim` after
  // `pause` ms, then hold the write lock for `hold` ms.
  const faults = fc.sample(
    fc.tuple(fc.nat(RUNNERS - 1), fc.integer({ min: 100, max: 300 }), fc.integer({ min: 150, max: 400 })),
    { numRuns: 10, seed: 20261201 },
  );
  let killed = 0;
  let held = 0;
  const unfinished = () => (audit.prepare("SELECT count(*) AS n FROM workflow_executions WHERE status = 'Running'").get() as { n: number }).n;
  for (const [victim, pause, hold] of faults) {
    await sleep(pause);
    if (unfinished() === 0) break;
    runners[victim]!.kill('SIGKILL');
    killed++;
    runners[victim] = startRunner(database, log, options);
    audit.exec('BEGIN IMMEDIATE');
    const until = Date.now() + hold;
    while (Date.now() < until) {
      // Busy-wait on purpose: this process holds the lock and does nothing else meanwhile.
    }
    audit.exec('COMMIT');
    held++;
  }
  expect(killed).toBeGreaterThan(0);
  expect(held).toBeGreaterThan(0);
  console.log(`sqlite chaos: ${killed} runners killed, the write lock held ${held} times by another process`);

  await expectAllCompleted(handles);
  const completions = audit.prepare('SELECT execution_id, task_id, count(*) AS n FROM completion_audit GROUP BY 1, 2').all() as { n: number }[];
  expect(completions).toHaveLength(workflows * CHAOS_TASKS.length);
  expect(completions.filter((row) => row.n !== 1)).toEqual([]);
  audit.close();
  await runner.close();
}, 90_000);
