// Upgrading a runtime over an existing database: for every earlier schema version, a
// committed database written at that version (scripts/schema-fixtures.mjs) holds
// executions stopped part-way. Today's runtime must open it, migrate it, and finish each
// execution exactly as a fresh run of the same workflow would, on SQLite and PostgreSQL.
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeInMemory, Runner, SqliteStore, writeArchive, type ExecutionResult } from 'cloacina';
import { SQLITE_MIGRATIONS } from '../src/dal/sqlite/migrations.js';
import { POSTGRES_MIGRATIONS } from '../src/dal/postgres/migrations.js';
import { EXECUTIONS, SCHEDULE, T0, postgresPath, sqlitePath } from '../../../scripts/lib/schema-fixtures.mjs';
import workflow from './fixtures/schema-versions/workflow.mjs';
import { tempDir } from './helpers.js';
import { packHello } from './packaging-helpers.js';
import { startPostgres, type PostgresCluster } from './support/postgres.js';

const LATEST = SQLITE_MIGRATIONS.at(-1)!.version;
const earlier = SQLITE_MIGRATIONS.map((m) => m.version).filter((v) => v < LATEST);
// Earlier versions must all have fixtures; the current one is covered too when present.
const versions = SQLITE_MIGRATIONS.map((m) => m.version).filter((v) => v < LATEST || existsSync(sqlitePath(v)));
const unfinished = EXECUTIONS.filter((e) => !e.finished);
const finished = EXECUTIONS.find((e) => e.finished)!;

/** What a run decided, without its times. */
function outcome(result: ExecutionResult | undefined) {
  if (result === undefined) return undefined;
  const tasks = Object.fromEntries(
    Object.entries(result.tasks).map(([id, t]) => [id, { state: t.state, attempts: t.attempts, error: t.error, reason: t.reason, output: t.output }]),
  );
  return { workflow: result.workflow, version: result.version, status: result.status, tasks };
}

const fresh = new Map<string, ReturnType<typeof outcome>>();
beforeAll(async () => {
  for (const e of EXECUTIONS) fresh.set(e.id, outcome(await executeInMemory(workflow, e.initial)));
});

/** Waits for a resumed execution to be finished in the database. */
async function finishedResult(runner: Runner, executionId: string): Promise<ExecutionResult> {
  await runner.wait(executionId);
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 20))) {
    const result = await runner.execution(executionId);
    if (result !== undefined && result.status !== 'Running') return result;
  }
  throw new Error(`execution ${executionId} did not finish`);
}

/**
 * Opens the database with today's runtime and checks every execution. Up to schema
 * version 2 there is no registry: the workflow is given to the runner. From version 3 on,
 * the runner finds it among the registered packages, as packed before the upgrade.
 */
async function upgradeAndFinish(database: string, version: number): Promise<void> {
  const runner = await Runner.open({ database, ...(version < 3 ? { workflows: [workflow] } : {}) });
  try {
    for (const e of unfinished) {
      expect(outcome(await finishedResult(runner, e.id)), `${e.label} (${e.id})`).toEqual(fresh.get(e.id));
    }
    const done = await runner.execution(finished.id);
    expect(outcome(done)).toEqual(fresh.get(finished.id));
    expect(done!.finishedAt, 'a finished execution is not run again').toBe(T0 + EXECUTIONS.indexOf(finished) * 1000 + 500);
    if (version >= 3) {
      const packages = await runner.registry.list();
      expect(packages.map((p) => `${p.name}@${p.version}`)).toEqual(['schema-fixture@1.0.0']);
      expect((await runner.registry.load('schema-fixture', '1.0.0')).executionOrder).toEqual(workflow.executionOrder);
    }
  } finally {
    await runner.close();
  }
}

it('has fixture databases for every earlier schema version on both backends', () => {
  const missing = earlier.flatMap((v) => [sqlitePath(v), postgresPath(v)].filter((p) => !existsSync(p)));
  // On failure: `npm run build && node scripts/schema-fixtures.mjs`, then commit the new files.
  expect(missing).toEqual([]);
  expect(POSTGRES_MIGRATIONS.map((m) => m.version)).toEqual(SQLITE_MIGRATIONS.map((m) => m.version));
});

it('MIGRATION.md lists every schema version for operators', () => {
  const guide = readFileSync(new URL('../../../MIGRATION.md', import.meta.url), 'utf8');
  const missing = SQLITE_MIGRATIONS.filter((m) => !new RegExp(`^\\| ${m.version} \\| \\S`, 'm').test(guide)).map((m) => m.version);
  expect(missing).toEqual([]);
});

it('a package registered before the upgrade against another authoring major is refused when loaded, naming the range', async () => {
  const hello = await packHello();
  try {
    // As an earlier runtime that accepted it might have stored it: straight into the table.
    const manifest = { ...hello.manifest, api: { ...hello.manifest.api, version: '2.0.0', range: '^2.0.0' } };
    const database = join(hello.dir, 'registered.db');
    const store = new SqliteStore(database);
    await store.addPackage({
      name: manifest.package.name,
      version: manifest.package.version,
      manifest: JSON.stringify(manifest),
      archive: writeArchive(manifest, hello.bundle),
      sha256: manifest.bundle.sha256,
      registeredAt: T0,
    });
    await store.close();
    const runner = await Runner.open({ database });
    try {
      await expect(runner.registry.load(manifest.package.name, manifest.package.version)).rejects.toThrow(
        `package hello-pkg@1.2.0 needs cloacina-workflow ^2.0.0 (built with 2.0.0)`,
      );
    } finally {
      await runner.close();
    }
  } finally {
    hello.cleanup();
  }
});

describe.each(versions)('a SQLite database at schema version %i', (version) => {
  it('is migrated by today\'s runtime, which finishes its unfinished executions as a fresh run would', async () => {
    const { dir, cleanup } = tempDir('cloacina-upgrade-');
    try {
      const database = join(dir, 'cloacina.db');
      copyFileSync(sqlitePath(version), database);
      const before = new Database(database, { readonly: true });
      const applied = before.prepare('SELECT version, applied_at FROM cloacina_migrations ORDER BY version').all();
      before.close();
      expect(applied.map((r) => (r as { version: number }).version)).toEqual(SQLITE_MIGRATIONS.filter((m) => m.version <= version).map((m) => m.version));

      await upgradeAndFinish(database, version);

      const after = new Database(database, { readonly: true });
      try {
        const rows = after.prepare('SELECT version, applied_at FROM cloacina_migrations ORDER BY version').all();
        expect(rows.map((r) => (r as { version: number }).version)).toEqual(SQLITE_MIGRATIONS.map((m) => m.version));
        expect(rows.slice(0, applied.length), 'migrations already applied are not run again').toEqual(applied);
        const schedules = after.prepare('SELECT id, expression, timezone, context, last_slot FROM cron_schedules').all();
        expect(schedules).toEqual(
          version >= 2 ? [{ id: SCHEDULE.id, expression: SCHEDULE.expression, timezone: SCHEDULE.timezone, context: JSON.stringify(SCHEDULE.context), last_slot: SCHEDULE.lastSlot }] : [],
        );
      } finally {
        after.close();
      }
    } finally {
      cleanup();
    }
  });
});

describe('PostgreSQL', () => {
  let cluster: PostgresCluster;
  beforeAll(async () => {
    cluster = await startPostgres();
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  /** A new database on the cluster loaded with a fixture script; returns its URL. */
  async function loadFixture(name: string, sql: string): Promise<string> {
    const admin = new pg.Client({ connectionString: cluster.url });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${name}`);
    } finally {
      await admin.end();
    }
    const url = cluster.url.replace(/\/postgres$/, `/${name}`);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
    return url;
  }

  async function query<T>(url: string, sql: string): Promise<T[]> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query(sql)).rows as T[];
    } finally {
      await client.end();
    }
  }

  describe.each(versions)('a database at schema version %i', (version) => {
    it('is migrated by today\'s runtime, which finishes its unfinished executions as a fresh run would', async () => {
      const url = await loadFixture(`upgrade_v${version}`, readFileSync(postgresPath(version), 'utf8'));
      const applied = await query<{ version: number; applied_at: string }>(url, 'SELECT version, applied_at FROM cloacina_migrations ORDER BY version');
      expect(applied.map((r) => r.version)).toEqual(POSTGRES_MIGRATIONS.filter((m) => m.version <= version).map((m) => m.version));

      await upgradeAndFinish(url, version);

      const rows = await query<{ version: number; applied_at: string }>(url, 'SELECT version, applied_at FROM cloacina_migrations ORDER BY version');
      expect(rows.map((r) => r.version)).toEqual(POSTGRES_MIGRATIONS.map((m) => m.version));
      expect(rows.slice(0, applied.length), 'migrations already applied are not run again').toEqual(applied);
      const schedules = await query(url, 'SELECT id, expression, timezone, context, last_slot::float8 AS last_slot FROM cron_schedules');
      expect(schedules).toEqual(
        version >= 2 ? [{ id: SCHEDULE.id, expression: SCHEDULE.expression, timezone: SCHEDULE.timezone, context: JSON.stringify(SCHEDULE.context), last_slot: SCHEDULE.lastSlot }] : [],
      );
    });
  });
});
