// Kill a runner process with SIGKILL in the middle of its workflows, at several points,
// then let a new runner on the same file finish. Every workflow must end Completed, no
// task may be completed twice, and no context may be lost.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { tempDir } from './helpers.js';

const worker = fileURLToPath(new URL('./fixtures/crash-worker.mjs', import.meta.url));
const WORKFLOWS = 6;
const TASKS = ['c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'f0', 'f1', 'f2', 'f3', 'join'];

let dir: string;
let cleanup: () => void;
beforeAll(() => ({ dir, cleanup } = tempDir('cloacina-crash-')));
afterAll(() => cleanup());

function starts(log: string): number {
  return existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).length : 0;
}

/** Runs the worker; kills it with SIGKILL once the log holds `killAfter` task starts. */
function runWorker(database: string, log: string, mode: string, killAfter?: number): Promise<'killed' | 'done'> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [worker, database, log, mode, String(WORKFLOWS)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const poll =
      killAfter === undefined
        ? undefined
        : setInterval(() => {
            if (starts(log) >= killAfter) child.kill('SIGKILL');
          }, 2);
    child.on('exit', (code, signal) => {
      if (poll) clearInterval(poll);
      if (signal === 'SIGKILL') resolve('killed');
      else if (code === 0) resolve('done');
      else reject(new Error(`worker exited with ${code}: ${stderr}`));
    });
  });
}

/** Records every transition to Completed, so a double completion cannot hide. */
function auditCompletions(database: string): void {
  const db = new Database(database);
  db.exec(`CREATE TABLE IF NOT EXISTS completion_audit (execution_id TEXT, task_id TEXT);
    CREATE TRIGGER IF NOT EXISTS audit_completed AFTER UPDATE OF state ON task_executions
    WHEN NEW.state = 'Completed' BEGIN INSERT INTO completion_audit VALUES (NEW.execution_id, NEW.task_id); END;`);
  db.close();
}

describe('crash safety', () => {
  it.each([3, 17, 40])('survives SIGKILL after %i task starts', async (killAfter) => {
    const database = join(dir, `crash-${killAfter}.db`);
    const log = join(dir, `crash-${killAfter}.log`);
    // Create the schema first so the audit trigger is in place before any task runs.
    await runWorker(database, log, 'resume');
    auditCompletions(database);

    expect(await runWorker(database, log, 'start', killAfter)).toBe('killed');
    const db = new Database(database, { readonly: true });
    const interrupted = db.prepare("SELECT count(*) AS n FROM workflow_executions WHERE status = 'Running'").get() as { n: number };
    db.close();
    expect(interrupted.n).toBeGreaterThan(0);
    // A second crash, during recovery, must be survivable too.
    await runWorker(database, log, 'resume', starts(log) + 5);
    expect(await runWorker(database, log, 'resume')).toBe('done');

    const check = new Database(database, { readonly: true });
    const executions = check.prepare('SELECT id, status FROM workflow_executions').all() as { id: string; status: string }[];
    // Executions not yet created when the first runner died never existed; all others finish.
    expect(executions.length).toBeGreaterThan(0);
    expect(executions.every((e) => e.status === 'Completed')).toBe(true);
    const audit = check.prepare('SELECT execution_id, task_id, count(*) AS n FROM completion_audit GROUP BY 1, 2').all() as { n: number }[];
    expect(audit).toHaveLength(executions.length * TASKS.length);
    expect(audit.every((row) => row.n === 1)).toBe(true);
    for (const { id } of executions) {
      const initial = JSON.parse((check.prepare("SELECT data FROM contexts WHERE execution_id = ? AND task_id = ''").get(id) as { data: string }).data);
      const join = JSON.parse((check.prepare("SELECT data FROM contexts WHERE execution_id = ? AND task_id = 'join'").get(id) as { data: string }).data);
      // Every task's write reached the join exactly once: nothing lost, nothing doubled.
      expect(join).toEqual({
        ...initial,
        count: 8, // six chain steps, one fan-out step (merged), the join
        ...Object.fromEntries(TASKS.filter((t) => t !== 'join').map((t) => [`done_${t}`, true])),
        done_join: true,
      });
    }
    check.close();
  });
});
