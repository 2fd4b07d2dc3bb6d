#!/usr/bin/env node
// Runtime throughput: the same workloads on a SQLite file and on the in-process executor
// (no persistence, the floor), in one run. Prints tasks/s and per-task overhead.
//   node scripts/bench-runtime.mjs            (full sizes)
//   BENCH_SCALE=0.1 node scripts/bench-runtime.mjs   (quick look)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packagedWorkflow, Runner, task } from 'cloacina';

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const noop = () => {};

function wide(n) {
  return [packagedWorkflow({ name: `wide-${n}`, tasks: Array.from({ length: n }, (_, i) => task({ id: `t${i}` }, noop)) })];
}

function chain(n) {
  const tasks = Array.from({ length: n }, (_, i) => task({ id: `t${i}`, dependencies: i === 0 ? [] : [`t${i - 1}`] }, noop));
  return [packagedWorkflow({ name: `chain-${n}`, tasks })];
}

function many(workflows, size) {
  const wf = packagedWorkflow({
    name: `small-${size}`,
    tasks: Array.from({ length: size }, (_, i) => task({ id: `t${i}`, dependencies: i === 0 ? [] : [`t${Math.floor((i - 1) / 3)}`] }, noop)),
  });
  return Array.from({ length: workflows }, () => wf);
}

const workloads = [
  { name: `(a) ${Math.round(10_000 * SCALE)} no-op tasks, one wide workflow`, build: () => wide(Math.round(10_000 * SCALE)) },
  { name: `(b) ${Math.round(1_000 * SCALE)}-task chain`, build: () => chain(Math.round(1_000 * SCALE)) },
  { name: `(c) ${Math.round(200 * SCALE)} workflows x 10 tasks`, build: () => many(Math.round(200 * SCALE), 10) },
];

async function measure(open, workflows) {
  const runner = await open();
  const tasks = workflows.reduce((n, wf) => n + wf.tasks.length, 0);
  const started = process.hrtime.bigint();
  const handles = [];
  for (const wf of workflows) handles.push(await runner.execute(wf, {}));
  const results = await Promise.all(handles.map((h) => h.result()));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await runner.close();
  if (!results.every((r) => r.status === 'Completed')) throw new Error('a benchmark workflow did not complete');
  return { tasks, seconds };
}

const dir = mkdtempSync(join(tmpdir(), 'bench-runtime-'));
const rows = [];
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

const fmt = (n) => Math.round(n).toLocaleString('en-US');
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
