// Runs every workflow once on the SQLite database and prints, as JSON, what each task did.
// ACME_DB names the database file (default acme-shop.db).
import { Runner } from 'cloacina';
import { workflows } from './workflows/index.js';

const runner = await Runner.open({
  database: process.env.ACME_DB ?? 'acme-shop.db',
  workflows: workflows.map((w) => w.workflow),
});
const runs: Record<string, unknown> = {};
try {
  for (const { workflow, initialContext } of workflows) {
    const result = await (await runner.execute(workflow, initialContext)).result();
    const tasks: Record<string, unknown> = {};
    for (const [id, t] of Object.entries(result.tasks)) {
      tasks[id] = { state: t.state, attempts: t.attempts, error: t.error?.kind ?? null, output: t.output ?? null };
    }
    runs[workflow.name] = { status: result.status, tasks };
  }
} finally {
  await runner.close();
}
console.log(JSON.stringify(runs, null, 2));
