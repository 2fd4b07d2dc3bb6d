// Four runner processes share one PostgreSQL database on 200 workflows while runners are
// killed (SIGKILL) and restarted at random. At the end every workflow finished, no task was
// completed twice (an audit trigger records every completion), and no context was lost.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import pg from 'pg';
import fc from 'fast-check';
import { Runner } from 'cloacina';
import { startPostgres, type PostgresCluster } from './support/postgres.js';
import { tempDir } from './helpers.js';
// @ts-expect-error plain ESM fixture shared with the worker processes
import { chaosWorkflow, CHAOS_TASKS } from './fixtures/chaos-workflow.mjs';

const WORKER = fileURLToPath(new URL('./fixtures/shared-worker.mjs', import.meta.url));
const WORKFLOWS = 200;
const RUNNERS = 4;
let cluster: PostgresCluster;
let dir: string;
let cleanup: () => void;
const children = new Set<ChildProcess>();

beforeAll(async () => {
  cluster = await startPostgres();
  ({ dir, cleanup } = tempDir('cloacina-chaos-'));
}, 120_000);
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await cluster?.stop();
  cleanup();
});

function startRunner(log: string): ChildProcess {
  const child = spawn(process.execPath, [WORKER, cluster.url, log], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

it(`finishes ${WORKFLOWS} workflows on ${RUNNERS} runners killed and restarted at random`, async () => {
  const client = new pg.Client({ connectionString: cluster.url });
  // Open once to create the schema, then add the audit trigger before any task runs.
  const submitter = await Runner.open({ database: cluster.url });
  await client.connect();
  await client.query(`CREATE TABLE completion_audit (execution_id TEXT, task_id TEXT);
    CREATE FUNCTION audit_completion() RETURNS trigger AS $$ BEGIN
      INSERT INTO completion_audit VALUES (NEW.execution_id, NEW.task_id); RETURN NEW; END $$ LANGUAGE plpgsql;
    CREATE TRIGGER audit_completed AFTER UPDATE OF state ON task_executions
      FOR EACH ROW WHEN (NEW.state = 'Completed' AND OLD.state <> 'Completed') EXECUTE FUNCTION audit_completion();`);

  const workflow = chaosWorkflow();
  const handles = [];
  for (let i = 0; i < WORKFLOWS; i++) handles.push(await submitter.submit(workflow, { run: i }));

  const log = join(dir, 'starts.log');
  const runners = Array.from({ length: RUNNERS }, () => startRunner(log));
  // A seeded schedule of kills and restarts, so a failure can be replayed.
  const kills = fc.sample(fc.tuple(fc.nat(RUNNERS - 1), fc.integer({ min: 100, max: 400 })), { numRuns: 12, seed: 20261124 });
  let killed = 0;
  for (const [victim, pause] of kills) {
    await new Promise((r) => setTimeout(r, pause));
    const done = (await client.query("SELECT count(*)::int AS n FROM workflow_executions WHERE status <> 'Running'")).rows[0].n;
    if (done === WORKFLOWS) break;
    runners[victim]!.kill('SIGKILL');
    killed++;
    runners[victim] = startRunner(log);
  }
  expect(killed).toBeGreaterThan(0);

  const results = await Promise.all(handles.map((h) => h.result()));
  expect(results.every((r) => r.status === 'Completed')).toBe(true);
  const audit = (await client.query('SELECT execution_id, task_id, count(*)::int AS n FROM completion_audit GROUP BY 1, 2')).rows;
  expect(audit).toHaveLength(WORKFLOWS * CHAOS_TASKS.length);
  expect(audit.filter((row) => row.n !== 1)).toEqual([]);
  for (const [i, result] of results.entries()) {
    expect(result.tasks.join!.output).toEqual({
      run: i,
      count: 8,
      ...Object.fromEntries(CHAOS_TASKS.map((t: string) => [`done_${t}`, true])),
    });
  }
  await client.end();
  await submitter.close();
}, 180_000);
