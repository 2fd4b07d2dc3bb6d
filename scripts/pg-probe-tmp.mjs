import { spawn, execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { randomUUID } from 'node:crypto';
import { PostgresStore, Runner } from 'cloacina';
import { benchWorkflows } from './lib/bench-workflows.mjs';
import { startPostgres } from './lib/postgres.mjs';
const WF = Number(process.env.WF ?? 1000);
const built = benchWorkflows(1);
function startRunnerProcess(url) {
  const child = spawn(process.execPath, [...(process.env.PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/rprof'] : []), fileURLToPath(new URL('./lib/shared-runner.mjs', import.meta.url)), url], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve) => child.stdout.once('data', () => resolve(child)));
}
const ticks = (pid) => { try { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' '); return Number(f[11]) + Number(f[12]); } catch { return 0; } };
const pgPids = () => execSync("pgrep -u postgres postgres || true").toString().trim().split('\n').filter(Boolean).map(Number);
const total = () => { const l = readFileSync('/proc/stat', 'utf8').split('\n')[0].split(/\s+/).slice(1).map(Number); return { busy: l[0] + l[1] + l[2] + l[5] + l[6], all: l.reduce((a, b) => a + b, 0) }; };
const cluster = await startPostgres();
if (process.env.STATS) {
  const dir = decodeURIComponent(cluster.url.split('@')[1].split(':')[0]);
  const c0 = new pg.Client({ connectionString: cluster.url }); await c0.connect();
  await c0.query("ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'"); await c0.end();
  execSync(`su postgres -s /bin/sh -c '/usr/lib/postgresql/15/bin/pg_ctl -D ${dir}/data -w restart -m fast' > /dev/null`);
  const c1 = new pg.Client({ connectionString: cluster.url }); await c1.connect(); await c1.query('CREATE EXTENSION pg_stat_statements'); await c1.end();
}
const client = new pg.Client({ connectionString: cluster.url });
(await Runner.open({ database: cluster.url })).close();
await client.connect();
for (const processes of (process.env.P ?? '1,2,1,2').split(',').map(Number)) {
  const children = await Promise.all(Array.from({ length: processes }, () => startRunnerProcess(cluster.url)));
  const store = await PostgresStore.connect(cluster.url);
  const workflows = Array.from({ length: WF }, () => built.small);
  const tasks = WF * 10;
  const pgs = pgPids();
  const before = { runners: children.map((c) => ticks(c.pid)), pg: pgs.map(ticks), self: ticks(process.pid), t: total() };
  const started = process.hrtime.bigint();
  await store.apply(workflows.map((wf) => ({ type: 'executionCreated', execution: { id: randomUUID(), workflow: wf.name, version: wf.version, initialContext: '{}', taskIds: wf.tasks.map((t) => t.id), startedAt: Date.now(), owner: null } })));
  for (;;) { const { n } = (await client.query("SELECT count(*)::int AS n FROM workflow_executions WHERE status = 'Running'")).rows[0]; if (n === 0) break; await new Promise((r) => setTimeout(r, 10)); }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const pgsAfter = pgPids(); const after = { runners: children.map((c) => ticks(c.pid)), pg: pgsAfter.map(ticks), self: ticks(process.pid), t: total() }; before.pg = pgsAfter.map((p) => (pgs.includes(p) ? before.pg[pgs.indexOf(p)] : 0));
  const sum = (a) => a.reduce((x, y) => x + y, 0);
  const cpu = (x) => ((x / 100) / seconds).toFixed(2);
  console.log(`${processes} runners: ${(tasks / seconds) | 0} tasks/s in ${seconds.toFixed(2)} s; cores used: runners ${cpu(sum(after.runners) - sum(before.runners))} pg ${cpu(sum(after.pg) - sum(before.pg))} bench ${cpu(after.self - before.self)} machine busy ${((after.t.busy - before.t.busy) / (after.t.all - before.t.all) * 2).toFixed(2)} of 2`);
  await store.close();
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(children.map((c) => new Promise((r) => c.once('exit', r))));
  if (process.env.STATS) {
    const { rows } = await client.query("SELECT calls, round(total_exec_time)::int AS ms, left(regexp_replace(query, '\\s+', ' ', 'g'), 90) AS q FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 14");
    for (const r of rows) console.log(String(r.calls).padStart(7), String(r.ms).padStart(6), 'ms', r.q);
    await client.query('SELECT pg_stat_statements_reset()');
  }
  await client.query('TRUNCATE workflow_executions CASCADE');
}
await client.end(); await cluster.stop();
