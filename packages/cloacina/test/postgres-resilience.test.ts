// PostgreSQL under faults: a server that accepts connections and never answers fails the
// open within the connect timeout; a statement held up by a lock is cancelled by the
// statement timeout; a plain runner whose server goes down mid-run (every session ended)
// and comes back 2 s later reconnects and finishes its executions, no task body run twice.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import pg from 'pg';
import { DatabaseError, packagedWorkflow, PostgresStore, Runner, task } from 'cloacina';
import { startPostgres, type PostgresCluster } from './support/postgres.js';
import { sleep } from './helpers.js';

let cluster: PostgresCluster;
beforeAll(async () => {
  cluster = await startPostgres();
}, 120_000);
afterAll(async () => {
  await cluster?.stop();
});

it('fails the open of a server that accepts connections and never answers, within the connect timeout, naming it', async () => {
  const sockets: Socket[] = [];
  const silent: Server = createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const port = (silent.address() as { port: number }).port;
  const started = Date.now();
  const error = await Runner.open({ database: `postgresql://app:secret@127.0.0.1:${port}/jobs`, connectTimeoutMs: 500 }).then(
    () => expect.unreachable('opened'),
    (e: unknown) => e as DatabaseError,
  );
  const elapsed = Date.now() - started;
  for (const socket of sockets) socket.destroy();
  silent.close();
  expect(error).toBeInstanceOf(DatabaseError);
  expect(error.message).toContain(`PostgreSQL database jobs at app@127.0.0.1:${port}`);
  expect(error.message).toMatch(/cannot be reached|timeout/);
  expect(error.message).not.toContain('secret');
  // Well before the 10 s default, let alone the 300 s seen without a timeout.
  expect(elapsed).toBeLessThan(5000);
});

it('refuses at once, naming the database, when the server asks for a password the URL does not give, and lets the process exit', async () => {
  const admin = new pg.Client({ connectionString: cluster.url });
  await admin.connect();
  await admin.query("SET password_encryption = 'scram-sha-256'; CREATE ROLE secured LOGIN PASSWORD 'pw'");
  const hba = (await admin.query('SHOW hba_file')).rows[0].hba_file as string;
  writeFileSync(hba, `local all secured scram-sha-256\n${readFileSync(hba, 'utf8')}`);
  await admin.query('SELECT pg_reload_conf()');
  await admin.end();
  const url = cluster.url.replace('postgres@', 'secured@');
  // In a process of its own: what matters is that it ends, rather than waiting out the
  // server's authentication_timeout (60 s) on a socket left open.
  const script = `import { Runner } from 'cloacina';
    try { await Runner.open({ database: ${JSON.stringify(url)} }); console.log('opened'); } catch (e) { console.log(e.message); }`;
  const started = Date.now();
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, PGPASSWORD: '' },
  });
  const elapsed = Date.now() - started;
  expect(child.stdout).toContain('PostgreSQL database postgres at secured@');
  expect(child.stdout).toContain('asks for a password the connection URL does not give');
  expect(child.status).toBe(0);
  expect(elapsed).toBeLessThan(20_000);
}, 40_000);

it('cancels a statement that waits longer than the statement timeout, naming the database', async () => {
  const store = await PostgresStore.connect(cluster.url, { statementTimeoutMs: 300 });
  const locker = new pg.Client({ connectionString: cluster.url });
  await locker.connect();
  await locker.query('BEGIN');
  await locker.query('LOCK TABLE workflow_executions IN ACCESS EXCLUSIVE MODE');
  const error = await store.executions(['x']).catch((e: unknown) => e as DatabaseError);
  await locker.query('ROLLBACK');
  await locker.end();
  expect(error).toBeInstanceOf(DatabaseError);
  expect((error as DatabaseError).code).toBe('57014');
  expect((error as DatabaseError).message).toMatch(/^PostgreSQL database postgres at postgres@.* cancelled a statement that ran longer than 300 ms/);
  await store.close();
});

it('a plain runner goes on after the server went down and came back 2 s later', async () => {
  const started = new Map<string, number>();
  const step = (id: string, dependencies: string[]) =>
    task({ id, dependencies, retry: { maxAttempts: 1 } }, async (ctx) => {
      const key = `${ctx.get('run')} ${id}`;
      started.set(key, (started.get(key) ?? 0) + 1);
      await sleep(150);
      ctx.set(id, true);
    });
  const ids = ['a', 'b', 'c', 'd', 'e', 'f'];
  const chain = packagedWorkflow({ name: 'outage', tasks: ids.map((id, i) => step(id, i === 0 ? [] : [ids[i - 1]!])) });
  const runner = await Runner.open({ database: cluster.url, workflows: [chain], connectTimeoutMs: 1000 });
  const handles = await Promise.all(Array.from({ length: 5 }, (_, run) => runner.execute(chain, { run })));
  await Promise.all(handles.map((h) => h.persisted()));
  await sleep(300);
  cluster.halt('fast');
  await sleep(2000);
  cluster.restart();
  const results = await Promise.all(handles.map((h) => h.result()));
  expect(results.map((r) => r.status)).toEqual(Array(5).fill('Completed'));
  for (const [run, result] of results.entries()) {
    expect(result.tasks.f!.output).toEqual({ run, ...Object.fromEntries(ids.map((id) => [id, true])) });
  }
  // Stored as well as reported.
  for (const handle of handles) expect((await runner.execution(handle.executionId))?.status).toBe('Completed');
  // No body ran twice: every completion was stored once, however the outage cut it.
  expect([...started.values()].filter((n) => n !== 1)).toEqual([]);
  await runner.close();
}, 60_000);
