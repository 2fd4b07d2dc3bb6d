// One schema per tenant on PostgreSQL: `Runner.open({ database, schema })` creates and
// migrates the schema on first use and keeps every table there, so two tenants on one
// database never see each other's executions, packages or schedules, nor claim each
// other's work in shared mode.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { packagedWorkflow, Runner, task } from 'cloacina';
import { startPostgres, type PostgresCluster } from './support/postgres.js';
import { packHello, type Hello } from './packaging-helpers.js';
import { sleep } from './helpers.js';

let cluster: PostgresCluster;
let hello: Hello;
beforeAll(async () => {
  cluster = await startPostgres();
  hello = await packHello();
}, 120_000);
afterAll(async () => {
  await cluster?.stop();
  hello?.cleanup();
});

async function query(sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: cluster.url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows;
  } finally {
    await client.end();
  }
}

const greet = packagedWorkflow({ name: 'greet', tasks: [task({ id: 'hi' }, (ctx) => ctx.set('said', `hi ${String(ctx.get('who'))}`))] });

describe('tenants on PostgreSQL', () => {
  it('keeps executions, packages and schedules of two schemas on one database apart', async () => {
    const a = await Runner.open({ database: cluster.url, schema: 'tenant_a', workflows: [greet] });
    const b = await Runner.open({ database: cluster.url, schema: 'tenant_b', workflows: [greet] });
    try {
      const ran = await (await a.execute(greet, { who: 'a' })).result();
      expect(ran.status).toBe('Completed');
      await a.registry.register(hello.archive);
      const scheduleId = await a.schedule(greet, { cron: '0 * * * *' });

      // Tenant b sees none of it, by id or by listing.
      expect(await b.execution(ran.executionId)).toBeUndefined();
      expect((await b.history()).items).toEqual([]);
      expect(await b.events(ran.executionId)).toEqual([]);
      expect(await b.registry.list()).toEqual([]);
      expect(await b.schedules()).toEqual([]);
      await expect(b.updateSchedule(scheduleId, { enabled: false })).rejects.toThrow(`no cron schedule ${scheduleId}`);
      await expect(b.cancel(ran.executionId)).rejects.toThrow(`no execution ${ran.executionId}`);

      // Tenant b's own work stays in b; a still sees only its own.
      const other = await (await b.execute(greet, { who: 'b' })).result();
      expect(other.tasks.hi!.output).toEqual({ who: 'b', said: 'hi b' });
      expect((await a.history()).items.map((i) => i.executionId)).toEqual([ran.executionId]);
      expect((await b.history()).items.map((i) => i.executionId)).toEqual([other.executionId]);
      expect((await a.registry.list()).map((p) => p.name)).toEqual([hello.manifest.package.name]);
      expect((await a.schedules()).map((s) => s.scheduleId)).toEqual([scheduleId]);
      expect(await b.prune({ olderThan: Date.now() + 60_000 })).toBe(1);
      expect(await a.execution(ran.executionId)).toMatchObject({ status: 'Completed' });
    } finally {
      await a.close();
      await b.close();
    }

    // Every table lives in the tenant's schema, migrated to the same version; nothing in public.
    const tables = await query("SELECT table_schema, table_name FROM information_schema.tables WHERE table_name IN ('workflow_executions', 'packages', 'cron_schedules', 'cloacina_migrations') ORDER BY 1, 2");
    expect(tables.map((t) => `${t.table_schema}.${t.table_name}`)).toEqual([
      'tenant_a.cloacina_migrations', 'tenant_a.cron_schedules', 'tenant_a.packages', 'tenant_a.workflow_executions',
      'tenant_b.cloacina_migrations', 'tenant_b.cron_schedules', 'tenant_b.packages', 'tenant_b.workflow_executions',
    ]);
    const versions = await query('SELECT (SELECT max(version) FROM tenant_a.cloacina_migrations) AS a, (SELECT max(version) FROM tenant_b.cloacina_migrations) AS b');
    expect(versions[0]!.a).toBe(versions[0]!.b);

    // Reopening a tenant finds its data again.
    const again = await Runner.open({ database: cluster.url, schema: 'tenant_a', resume: false });
    try {
      expect((await again.history()).items).toHaveLength(1);
    } finally {
      await again.close();
    }
  });

  it('a shared runner claims only executions submitted in its own schema', async () => {
    const submitter = await Runner.open({ database: cluster.url, schema: 'tenant_c' });
    const elsewhere = await Runner.open({ database: cluster.url, schema: 'tenant_d', workflows: [greet], shared: { pollMs: 20 } });
    try {
      const handle = await submitter.submit(greet, { who: 'c' });
      await sleep(300);
      expect((await submitter.execution(handle.executionId))!.status).toBe('Running');
      const own = await Runner.open({ database: cluster.url, schema: 'tenant_c', workflows: [greet], shared: { pollMs: 20 } });
      try {
        expect((await handle.result()).status).toBe('Completed');
      } finally {
        await own.close();
      }
      expect((await elsewhere.history()).items).toEqual([]);
    } finally {
      await submitter.close();
      await elsewhere.close();
    }
  });

  it('keeps a tenant in its schema when the URL sets connection options of its own', async () => {
    const url = `${cluster.url}?options=${encodeURIComponent('-c work_mem=8MB')}`;
    const runner = await Runner.open({ database: url, schema: 'tenant_e', workflows: [greet] });
    try {
      const ran = await (await runner.execute(greet, { who: 'e' })).result();
      expect(ran.status).toBe('Completed');
      expect(await query('SELECT id FROM tenant_e.workflow_executions')).toEqual([{ id: ran.executionId }]);
    } finally {
      await runner.close();
    }
  });

  it('the README example (examples/tenants.mjs) runs', () => {
    const example = fileURLToPath(new URL('../examples/tenants.mjs', import.meta.url));
    const out = execFileSync(process.execPath, [example, cluster.url], { encoding: 'utf8' });
    expect(out).toMatch(/^acme ran [0-9a-f-]{36}: Completed\nacme sees 1 execution\(s\), globex sees 0\nglobex looks it up: not found\n$/);
  });

  it('refuses a schema name that is not a plain identifier, and a schema on SQLite', async () => {
    await expect(Runner.open({ database: cluster.url, schema: 'a"; DROP TABLE x; --' })).rejects.toThrow(
      'schema "a\\"; DROP TABLE x; --": a schema name is 1 to 63 lowercase letters, digits or _, not starting with a digit',
    );
    await expect(Runner.open({ database: ':memory:', schema: 'tenant_a' })).rejects.toThrow(
      'RunnerOptions.schema ("tenant_a") needs a postgresql:// database; SQLite keeps one tenant per file',
    );
    expect(await query("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'a%DROP%'")).toEqual([]);
  });
});
