#!/usr/bin/env node
// Runtime throughput: the same workloads on a SQLite file and on the in-process executor
// (no persistence, the floor), then on PostgreSQL with 1, 2 and 4 runner processes beside
// graphile-worker running as many no-op jobs on the same database, in one run.
//   node scripts/bench-runtime.mjs            (full sizes)
//   BENCH_SCALE=0.1 node scripts/bench-runtime.mjs   (quick look)
//   BENCH_POSTGRES=0 node scripts/bench-runtime.mjs  (SQLite only)
//   BENCH_SQLITE=0 node scripts/bench-runtime.mjs    (PostgreSQL only)
//   BENCH_OBSERVABILITY=only node scripts/bench-runtime.mjs  (only the events/tracing on/off rows, ~5 min; 0 skips them;
//                                                            OBS_PAIRS on/off pairs per row, default 15;
//                                                            OBS_WARMUP runs of each first, default 3)
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawn, execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import pg from 'pg';
import { randomUUID } from 'node:crypto';
import { PostgresStore, Runner } from 'cloacina';
import { benchWorkflows } from './lib/bench-workflows.mjs';
import { startPostgres } from './lib/postgres.mjs';

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const built = benchWorkflows(SCALE);
const smallCount = Math.round(200 * SCALE);
// Workload (c) on PostgreSQL: by default ten times as many workflows, so one run lasts long
// enough that adding runners is not hidden by the fixed latency of its first and last waves.
const pgCount = Number(process.env.BENCH_PG_WORKFLOWS ?? smallCount * 10);
const workloads = [
  { name: `(a) ${built.wide.tasks.length} no-op tasks, one wide workflow`, build: () => [built.wide] },
  { name: `(b) ${built.chain.tasks.length}-task chain`, build: () => [built.chain] },
  { name: `(c) ${smallCount} workflows x 10 tasks`, build: () => Array.from({ length: smallCount }, () => built.small) },
];

async function measure(open, workflows) {
  const runner = await open();
  const tasks = workflows.reduce((n, wf) => n + wf.tasks.length, 0);
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const handles = [];
  for (const wf of workflows) handles.push(await runner.execute(wf, {}));
  const results = await Promise.all(handles.map((h) => h.result()));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  await runner.close();
  if (!results.every((r) => r.status === 'Completed')) throw new Error('a benchmark workflow did not complete');
  // CPU time of this process (better-sqlite3 runs on it): a steadier measure than wall time on a busy machine.
  return { tasks, seconds, cpuSeconds: (used.user + used.system) / 1e6 };
}

async function benchSqlite() {
  const rows = [];
  const dir = mkdtempSync(join(tmpdir(), 'bench-runtime-'));
  try {
    for (const workload of workloads) {
      const workflows = workload.build();
      let file = 0;
      // One warm-up pass each so both sides run JIT-compiled code.
      await measure(() => Runner.inMemory({ concurrency: CONCURRENCY }), workflows);
      const floor = await measure(() => Runner.inMemory({ concurrency: CONCURRENCY }), workflows);
      const sqlite = await measure(() => Runner.open({ database: join(dir, `bench-${file++}.db`), concurrency: CONCURRENCY }), workflows);
      rows.push({ workload: workload.name, floor, sqlite });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const table = [
    ['workload', 'in-process tasks/s', 'SQLite file tasks/s', 'per-task overhead (SQLite)', 'SQLite cost vs floor'],
    ...rows.map(({ workload, floor, sqlite }) => [
      workload,
      fmt(floor.tasks / floor.seconds),
      fmt(sqlite.tasks / sqlite.seconds),
      `${((sqlite.seconds / sqlite.tasks) * 1e6).toFixed(1)} us`,
      `${(sqlite.seconds / floor.seconds).toFixed(2)}x`,
    ]),
  ];
  const widths = table[0].map((_, c) => Math.max(...table.map((r) => r[c].length)));
  for (const [i, row] of table.entries()) {
    console.log('| ' + row.map((cell, c) => cell.padEnd(widths[c])).join(' | ') + ' |');
    if (i === 0) console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  }
  const wideRow = rows[0];
  console.log(
    `\nTargets: wide no-op >= 8,000 tasks/s on SQLite: ${fmt(wideRow.sqlite.tasks / wideRow.sqlite.seconds)} ` +
      `(${wideRow.sqlite.tasks / wideRow.sqlite.seconds >= 8000 ? 'met' : 'MISSED'}); persistence <= 3x floor: ` +
      rows.map((r) => `${(r.sqlite.seconds / r.floor.seconds).toFixed(2)}x`).join(', '),
  );
}

const fmt = (n) => Math.round(n).toLocaleString('en-US');
const observability = process.env.BENCH_OBSERVABILITY ?? '1';
if (process.env.BENCH_SQLITE !== '0' && observability !== 'only') await benchSqlite();

// ---------------------------------------------------------------------------------------
// The cost of observability on SQLite (issue target: at most 10% of no-op throughput): stored
// events with a live listener, @opentelemetry/api without an SDK, the SDK sampling nothing
// and everything, each against the baseline in alternating pairs. In a process of its own,
// single-threaded: see scripts/lib/bench-observability.mjs.

if (process.env.BENCH_SQLITE !== '0' && observability !== '0') {
  const script = fileURLToPath(new URL('./lib/bench-observability.mjs', import.meta.url));
  console.log('');
  execFileSync(process.execPath, ['--single-threaded', '--expose-gc', script], { stdio: 'inherit' });
}

// ---------------------------------------------------------------------------------------
// PostgreSQL: runner processes in shared mode claim executions submitted to the database.

const GRAPHILE = 'graphile-worker@0.17.3'; // the last release that runs on Node 20
const REPEATS = Number(process.env.BENCH_REPEATS ?? 7);

function startRunnerProcess(url) {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./lib/shared-runner.mjs', import.meta.url)), url], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve) => child.stdout.once('data', () => resolve(child)));
}

async function waitAllFinished(client) {
  for (;;) {
    // Reads the partial index of Running executions: cheap enough to ask every 2 ms.
    const { running } = (await client.query("SELECT EXISTS (SELECT 1 FROM workflow_executions WHERE status = 'Running') AS running")).rows[0];
    if (!running) return;
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** Busy and total CPU time of the whole machine so far (Linux /proc/stat), or undefined. */
function machineTicks() {
  try {
    const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
    const idle = fields[3] + fields[4];
    const total = fields.reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

/**
 * Runs `workflows` on `processes` shared runners. The clock starts when the executions are
 * committed (before that no runner can see them; graphile-worker's jobs are likewise queued
 * before its clock starts) and stops when none is Running. Median of REPEATS runs after a
 * warm-up run.
 */
async function measureShared(url, client, processes, workflows) {
  const children = await Promise.all(Array.from({ length: processes }, () => startRunnerProcess(url)));
  const store = await PostgresStore.connect(url);
  const tasks = workflows.reduce((n, wf) => n + wf.tasks.length, 0);
  const runs = [];
  try {
    // One warm-up run first, as for SQLite, so runners measure JIT-compiled code.
    for (let i = -1; i < REPEATS; i++) {
      // All executions in one transaction, unowned: the runners race to claim them.
      await store.apply(workflows.map((wf) => ({
        type: 'executionCreated',
        execution: { executionId: randomUUID(), workflow: wf.name, version: wf.version, initialContext: '{}', taskIds: wf.tasks.map((t) => t.id), startedAt: Date.now(), owner: null },
      })));
      const started = process.hrtime.bigint();
      const before = machineTicks();
      await waitAllFinished(client);
      const after = machineTicks();
      const busy = before && after ? ((after.busy - before.busy) / (after.total - before.total)) * availableParallelism() : NaN;
      if (i >= 0) runs.push({ seconds: Number(process.hrtime.bigint() - started) / 1e9, busy });
      const failed = (await client.query("SELECT count(*)::int AS n FROM workflow_executions WHERE status <> 'Completed'")).rows[0].n;
      if (failed > 0) throw new Error(`${failed} benchmark executions did not complete`);
      await client.query('TRUNCATE workflow_executions CASCADE');
    }
  } finally {
    await store.close();
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map((c) => new Promise((r) => c.once('exit', r))));
  }
  runs.sort((a, b) => a.seconds - b.seconds);
  return { tasks, ...runs[Math.floor(runs.length / 2)] };
}

async function measureGraphile(url, jobs) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-graphile-'));
  try {
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--silent', GRAPHILE], { cwd: dir, stdio: 'ignore' });
    const requireThere = createRequire(join(dir, 'index.js'));
    const { run, runMigrations } = requireThere('graphile-worker');
    const { Logger } = requireThere('@graphile/logger');
    const quiet = { logger: new Logger(() => () => {}) };
    await runMigrations({ connectionString: url, ...quiet });
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query("SELECT graphile_worker.add_job('noop', json_build_object('i', g)) FROM generate_series(1, $1) g", [jobs]);
    const started = process.hrtime.bigint();
    const before = machineTicks();
    const runner = await run({ connectionString: url, concurrency: 64, noHandleSignals: true, pollInterval: 10, taskList: { noop: async () => {} }, ...quiet });
    for (;;) {
      const { n } = (await client.query('SELECT count(*)::int AS n FROM graphile_worker.jobs')).rows[0];
      if (n === 0) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const after = machineTicks();
    await runner.stop();
    await client.end();
    return { tasks: jobs, seconds, busy: before && after ? ((after.busy - before.busy) / (after.total - before.total)) * availableParallelism() : NaN };
  } catch (error) {
    return { error: error.message.split('\n')[0] };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.env.BENCH_POSTGRES !== '0' && observability !== 'only') {
  const cluster = await startPostgres();
  const client = new pg.Client({ connectionString: cluster.url });
  try {
    (await Runner.open({ database: cluster.url })).close(); // schema
    await client.connect();
    const wf = built;
    const pgRows = [];
    for (const processes of [1, 2, 4]) {
      const r = await measureShared(cluster.url, client, processes, Array.from({ length: pgCount }, () => wf.small));
      pgRows.push([`(c) ${pgCount} workflows x 10 tasks, ${processes} runner process${processes > 1 ? 'es' : ''}`, r]);
    }
    pgRows.push([`(a) ${wf.wide.tasks.length} no-op tasks, one wide workflow, 1 runner`, await measureShared(cluster.url, client, 1, [wf.wide])]);
    pgRows.push([`(b) ${wf.chain.tasks.length}-task chain, 1 runner`, await measureShared(cluster.url, client, 1, [wf.chain])]);
    const graphile = await measureGraphile(cluster.url, pgCount * 10);
    // Cores busy: the whole machine (PostgreSQL, runners, this script) during the measured run.
    const cores = (r) => (Number.isNaN(r.busy ?? NaN) ? 'n/a' : `${r.busy.toFixed(2)} of ${availableParallelism()}`);
    const pgTable = [['PostgreSQL workload', 'tasks/s', 'per task', 'cores busy'], ...pgRows.map(([name, r]) => [name, fmt(r.tasks / r.seconds), `${((r.seconds / r.tasks) * 1e6).toFixed(0)} us`, cores(r)])];
    pgTable.push(graphile.error ? [`graphile-worker ${GRAPHILE.split('@')[1]}: ${pgCount * 10} no-op jobs`, `n/a (${graphile.error})`, '', ''] : [`graphile-worker ${GRAPHILE.split('@')[1]}: ${graphile.tasks} no-op jobs, 1 process, concurrency 64`, fmt(graphile.tasks / graphile.seconds), `${((graphile.seconds / graphile.tasks) * 1e6).toFixed(0)} us`, cores(graphile)]);
    console.log('');
    const w = pgTable[0].map((_, c) => Math.max(...pgTable.map((r) => r[c].length)));
    for (const [i, row] of pgTable.entries()) {
      console.log('| ' + row.map((cell, c) => cell.padEnd(w[c])).join(' | ') + ' |');
      if (i === 0) console.log('|' + w.map((x) => '-'.repeat(x + 2)).join('|') + '|');
    }
    const rate = (i) => pgRows[i][1].tasks / pgRows[i][1].seconds;
    console.log(`\nTargets: 2 runners / 1 runner = ${(rate(1) / rate(0)).toFixed(2)}x (>= 1.5x: ${rate(1) / rate(0) >= 1.5 ? 'met' : 'MISSED'}); ` +
      (graphile.error ? 'graphile-worker comparison not available' : `1 runner vs graphile-worker: ${(rate(0) / (graphile.tasks / graphile.seconds)).toFixed(2)}x (>= 1x: ${rate(0) >= graphile.tasks / graphile.seconds ? 'met' : 'MISSED'})`));
  } finally {
    await client.end().catch(() => {});
    await cluster.stop();
  }
}
