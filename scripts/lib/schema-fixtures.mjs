// Databases as earlier runtimes left them: for each schema version k, a SQLite file and a
// PostgreSQL SQL script holding exactly migrations 1..k and, in the tables of that
// version, executions of the fixture workflow stopped part-way (plus one finished), a cron
// schedule (k >= 2) and the workflow as a registered package (k >= 3).
// scripts/schema-fixtures.mjs writes them; the upgrade test opens each with today's
// runtime. A fixture, once committed, is history: it is never regenerated.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURE_DIR = fileURLToPath(new URL('../../packages/cloacina/test/fixtures/schema-versions/', import.meta.url));
export const WORKFLOW_MODULE = join(FIXTURE_DIR, 'workflow.mjs');

/** When the fixtures' runner "ran": every stored time is an offset from here. */
export const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);

const id = (n) => `00000000-0000-4000-8000-00000000000${n}`;

/**
 * The stored executions. `done` tasks are Completed (output and attempts as a full run
 * gives them), `running` ones were Running when the runner stopped, `retrying` ones wait
 * for their second attempt after a failed first; the rest are Pending.
 */
export const EXECUTIONS = [
  { id: id(1), label: 'stored, no task started', initial: { n: 1 }, done: [], running: [], retrying: [] },
  { id: id(2), label: 'a task running when the runner stopped', initial: { n: 2 }, done: ['load'], running: ['double'], retrying: [], leased: true },
  { id: id(3), label: 'a task waiting for its retry', initial: { n: 3 }, done: ['load', 'double'], running: [], retrying: ['flaky'] },
  { id: id(4), label: 'the failing last task running', initial: { n: -1 }, done: ['load', 'double', 'flaky'], running: ['report'], retrying: [] },
  { id: id(5), label: 'finished before the upgrade', initial: { n: 5 }, finished: true },
];

export const SCHEDULE = { id: 'nightly-fixture', expression: '0 3 * * *', timezone: 'UTC', context: { n: 7 }, lastSlot: T0 - 9 * 3_600_000 };

export const sqlitePath = (version) => join(FIXTURE_DIR, `sqlite-v${version}.db`);
export const postgresPath = (version) => join(FIXTURE_DIR, `postgres-v${version}.sql`);

/**
 * The rows of every table at schema `version`, as `{ table: [{ column: value }] }`.
 * `fullRuns` maps an execution id to the result of running it start to finish today;
 * `encode` is the shared JSON codec; `pkg` is the packed workflow ({ archive, manifest }).
 */
export function fixtureRows({ version, migrations, fullRuns, encode, pkg, workflow }) {
  const rows = { cloacina_migrations: [], workflow_executions: [], task_executions: [], contexts: [], cron_schedules: [], packages: [] };
  for (const m of migrations.filter((m) => m.version <= version)) {
    rows.cloacina_migrations.push({ version: m.version, name: m.name, applied_at: T0 - 86_400_000 + m.version });
  }
  EXECUTIONS.forEach((execution, i) => {
    const full = fullRuns.get(execution.id);
    const startedAt = T0 + i * 1000;
    const row = {
      id: execution.id,
      workflow: workflow.name,
      version: workflow.version,
      status: execution.finished ? full.status : 'Running',
      started_at: startedAt,
      finished_at: execution.finished ? startedAt + 500 : null,
    };
    // Leases came with schema version 4: a shared runner that died holds an expired one.
    if (version >= 4) Object.assign(row, { owner: execution.leased ? 'runner-that-died' : null, lease_expires_at: execution.leased ? startedAt + 5000 : null });
    // From version 6 on, columns not set here keep their defaults: no stored workflow
    // timeout (as a runner with workflowTimeoutMs: Infinity writes), never paused, no
    // control request; and no lifecycle events are stored.
    rows.workflow_executions.push(row);
    rows.contexts.push({ execution_id: execution.id, task_id: '', data: encode(execution.initial) });
    workflow.tasks.forEach((task, j) => {
      const result = full.tasks[task.id];
      const at = startedAt + 10 * (j + 1);
      const base = { execution_id: execution.id, task_id: task.id, error_kind: null, error: null, reason: null, started_at: null, finished_at: null, not_before: null };
      let taskRow;
      if (execution.finished || execution.done.includes(task.id)) {
        taskRow = { ...base, state: result.state, attempts: result.attempts, started_at: result.state === 'Skipped' ? null : at, finished_at: at + 5 };
        if (result.error) Object.assign(taskRow, { error_kind: result.error.kind, error: result.error.message });
        if (result.reason !== undefined) taskRow.reason = result.reason;
        if (result.state === 'Completed') rows.contexts.push({ execution_id: execution.id, task_id: task.id, data: encode(result.output) });
      } else if (execution.running.includes(task.id)) {
        taskRow = { ...base, state: 'Running', attempts: 1, started_at: at };
      } else if (execution.retrying.includes(task.id)) {
        taskRow = { ...base, state: 'Ready', attempts: 1, started_at: at, error_kind: 'ExecutionFailed', error: 'flaky fails its first attempt', not_before: at + 1 };
      } else {
        taskRow = { ...base, state: 'Pending', attempts: 0 };
      }
      rows.task_executions.push(taskRow);
    });
  });
  if (version >= 2) {
    rows.cron_schedules.push({
      id: SCHEDULE.id,
      workflow: workflow.name,
      expression: SCHEDULE.expression,
      timezone: SCHEDULE.timezone,
      context: encode(SCHEDULE.context),
      last_slot: SCHEDULE.lastSlot,
    });
  }
  if (version >= 3) {
    rows.packages.push({
      name: pkg.manifest.package.name,
      version: pkg.manifest.package.version,
      manifest: JSON.stringify(pkg.manifest),
      archive: pkg.archive,
      sha256: pkg.manifest.bundle.sha256,
      registered_at: T0 - 3_600_000,
    });
  }
  return rows;
}

/** The order tables are filled in (foreign keys first). */
export const TABLES = ['cloacina_migrations', 'workflow_executions', 'task_executions', 'contexts', 'cron_schedules', 'packages'];

/** A short digest of a fixture file, for the generator's report. */
export const digest = (bytes) => createHash('sha256').update(bytes).digest('hex').slice(0, 12);
