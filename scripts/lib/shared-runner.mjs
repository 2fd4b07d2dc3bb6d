// A runner process in shared mode for the PostgreSQL benchmark: registers the benchmark
// workflows and claims executions until it receives SIGTERM.
import { Runner } from 'cloacina';
import { benchWorkflows } from './bench-workflows.mjs';

const [, , database] = process.argv;
const runner = await Runner.open({
  database,
  workflows: Object.values(benchWorkflows()),
  concurrency: 64,
  // A small claim size spreads executions over the runner processes.
  shared: { leaseMs: 10_000, pollMs: 5, maxExecutions: Number(process.env.BENCH_CLAIM ?? 16) },
});
process.on('SIGTERM', () => void runner.close().then(() => process.exit(0)));
process.stdout.write('ready\n');
