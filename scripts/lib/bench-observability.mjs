// What stored events, the live stream and OpenTelemetry cost on SQLite (issue target: at
// most 10% of no-op throughput). Run by scripts/bench-runtime.mjs in a process of its own:
//   node --single-threaded --expose-gc scripts/lib/bench-observability.mjs
// On a single thread the process's CPU time is the work itself: V8's helper threads
// (concurrent marking, parallel scavenges, background compilation) otherwise add CPU time
// that swings with the load of the machine (their spinning and waiting), far more than 10%.
//
// Each configuration is measured against the baseline (events and telemetry off) in pairs
// of back-to-back runs, in alternating order (ABBA...), each run on a fresh database after
// a garbage collection, so a busy moment weighs on both sides of a pair. A row reports the
// median of the pairs' cost in CPU per task, their spread (min..max), and the 95%
// confidence interval of that median; the verdict against 10% is PASS or MISSED only when
// the whole interval is on one side, otherwise "unclear" (the noise is too large to tell).
// "best runs" compares the fastest run of each side (other processes only ever add time, so
// the fastest is the least disturbed): a hint where the interval is too wide to decide.
// Rows add up: each configuration includes the one above it (the traced row puts the SDK's
// tracer where the row above has one that records nothing). The rows after the table are the
// SDK's own work per task with no runtime around it, and the runtime's hooks alone.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Runner } from 'cloacina';
import { context, trace } from '@opentelemetry/api';
import { AlwaysOffSampler, BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { AggregationTemporality, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { benchWorkflows } from './bench-workflows.mjs';
// The runtime's telemetry hooks themselves, for the row that times them with no runtime around.
import { createTelemetry } from '../../packages/cloacina/dist/telemetry/otel.js';

if (typeof globalThis.gc !== 'function') throw new Error('run with --expose-gc (scripts/bench-runtime.mjs does)');
const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const PAIRS = Number(process.env.OBS_PAIRS ?? 15);
const WARMUP = Number(process.env.OBS_WARMUP ?? 3);
const TARGET = 0.1;
const built = benchWorkflows(SCALE);
const smallCount = Math.round(200 * SCALE);
// A sample runs its workload `repeat` times in a row (at least 10,000 tasks): a run of (b) or
// (c) alone lasts under 0.1 s, so short that a moment of load decides it.
const MIN_TASKS = Number(process.env.OBS_MIN_TASKS ?? 10_000);
const workloads = [
  { name: `(a) ${built.wide.tasks.length} no-op tasks, one wide workflow`, workflows: [built.wide] },
  { name: `(b) ${built.chain.tasks.length}-task chain`, workflows: [built.chain] },
  { name: `(c) ${smallCount} workflows x 10 tasks`, workflows: Array.from({ length: smallCount }, () => built.small) },
].map((w) => {
  const repeat = Math.max(1, Math.ceil(MIN_TASKS / w.workflows.reduce((n, wf) => n + wf.tasks.length, 0)));
  return { ...w, repeat, name: repeat > 1 ? `${w.name}, ${repeat} times a sample` : w.name };
});

// Exporters that drop what they are given: the rows show what the runtime and the SDK cost
// in this process, not a network.
let exportedSpans = 0;
const spanSink = { export: (spans, done) => { exportedSpans += spans.length; done({ code: 0 }); }, shutdown: async () => {}, forceFlush: async () => {} };
const metricSink = {
  export: (_metrics, done) => done({ code: 0 }),
  selectAggregationTemporality: () => AggregationTemporality.CUMULATIVE,
  forceFlush: async () => {},
  shutdown: async () => {},
};

/**
 * A tracer whose spans record and keep nothing: every execution and attempt gets a span, so
 * the runtime does all of its tracing work, and the SDK none of its own. The row that uses
 * it, less the metrics row, is what tracing costs on the runtime's side; the traced row less
 * it is what the SDK's spans cost amid a run.
 */
class NothingSpan {
  setAttribute() { return this; }
  setStatus() { return this; }
  addEvent() { return this; }
  end() {}
  isRecording() { return true; }
  spanContext() { return { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 }; }
}
const nothingTracerProvider = { getTracer: () => ({ startSpan: () => new NothingSpan() }) };

/** The SDK as its documentation recommends for production: batched spans, periodic metrics. */
function sdk({ sampled = true, tracer = 'sdk' } = {}) {
  const sdkTracerProvider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(spanSink)], ...(sampled ? {} : { sampler: new AlwaysOffSampler() }) });
  const tracerProvider = tracer === 'nothing' ? nothingTracerProvider : sdkTracerProvider;
  const meterProvider = new MeterProvider({ readers: [new PeriodicExportingMetricReader({ exporter: metricSink })] });
  return {
    options: { events: true, telemetry: { tracerProvider, meterProvider } },
    // One collection and export of the metrics per run, inside the measured time (the reader's own interval, 60 s, is longer than a run).
    settle: () => meterProvider.forceFlush(),
    // Exports the spans the batch processor still holds (after the clock stops).
    shutdown: () => Promise.all([sdkTracerProvider.shutdown(), meterProvider.shutdown()]),
  };
}

const baseline = { name: 'no events, no telemetry (baseline)', setup: () => ({ options: { events: false, telemetry: false } }) };
const configs = [
  { name: 'stored events + live listener', setup: () => ({ options: { events: true, telemetry: false } }), listen: true },
  { name: '+ OTel API, no SDK registered', setup: () => ({ options: { events: true } }), listen: true },
  { name: '+ OTel SDK, execution not sampled (metrics only)', setup: () => sdk({ sampled: false }), listen: true },
  { name: '+ every execution traced, by a tracer that records nothing', setup: () => sdk({ tracer: 'nothing' }), listen: true },
  { name: '+ OTel SDK, every execution traced and metrics', setup: () => sdk(), listen: true, spans: true },
];

const dir = mkdtempSync(join(tmpdir(), 'bench-observability-'));
let file = 0;
let lostSpans = 0;

/** One run of a workload under a configuration: this process's CPU time per task (us) and tasks per second. */
async function run(config, { workflows, repeat }) {
  const { options, settle, shutdown } = config.setup();
  const runner = await Runner.open({ database: join(dir, `obs-${file++}.db`), concurrency: CONCURRENCY, ...options });
  let heard = 0;
  if (config.listen) runner.on('event', () => heard++);
  const tasks = repeat * workflows.reduce((n, wf) => n + wf.tasks.length, 0);
  const spansBefore = exportedSpans;
  globalThis.gc();
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const results = [];
  for (let k = 0; k < repeat; k++) {
    const handles = [];
    for (const wf of workflows) handles.push(await runner.execute(wf, {}));
    results.push(...(await Promise.all(handles.map((h) => h.result()))));
  }
  await settle?.();
  const used = process.cpuUsage(cpu);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await runner.close();
  await shutdown?.();
  if (!results.every((r) => r.status === 'Completed')) throw new Error('a benchmark workflow did not complete');
  if (config.listen && heard === 0) throw new Error('the live listener heard nothing');
  // One execution span per workflow and one span per task attempt.
  if (config.spans) lostSpans += tasks + repeat * workflows.length - (exportedSpans - spansBefore);
  return { cpu: (used.user + used.system) / tasks, rate: tasks / seconds };
}

const sorted = (values) => [...values].sort((a, b) => a - b);
const median = (values) => {
  const s = sorted(values);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
/**
 * A distribution-free 95% confidence interval of the median of n values: the order
 * statistics k and n-1-k (0-based) with k the largest such that P(Binomial(n, 1/2) <= k) <= 2.5%.
 */
function medianInterval(values) {
  const s = sorted(values);
  const n = s.length;
  let k = -1;
  let below = 0;
  for (let i = 0, p = 0.5 ** n, c = 1; i < n; i++) {
    below += c * p;
    if (below > 0.025) break;
    k = i;
    c = (c * (n - i)) / (i + 1);
  }
  return k < 0 ? [s[0], s[n - 1]] : [s[k], s[n - 1 - k]];
}
const pct = (x) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
const fmt = (n) => Math.round(n).toLocaleString('en-US');
const load = () => loadavg()[0];
const verdict = ([low, high]) => (high <= TARGET ? 'PASS' : low > TARGET ? 'MISSED' : 'unclear');

const rows = [];
try {
  for (const workload of workloads) {
    // Warm-up: every configuration WARMUP times, so all of them run optimized code (V8 keeps
    // compiling the runtime's functions over the first runs, which would weigh on the first pairs).
    for (let i = 0; i < WARMUP; i++) for (const config of [baseline, ...configs]) await run(config, workload);
    const base = [];
    rows.push({ workload: workload.name, config: baseline.name, on: base, baseline: true });
    for (const config of configs) {
      const loads = [load()];
      const costs = [];
      const on = [];
      for (let i = 0; i < PAIRS; i++) {
        const pair = i % 2 === 0 ? [baseline, config] : [config, baseline];
        const [first, second] = [await run(pair[0], workload), await run(pair[1], workload)];
        const [off, with_] = i % 2 === 0 ? [first, second] : [second, first];
        base.push(off);
        on.push(with_);
        costs.push(with_.cpu / off.cpu - 1);
      }
      loads.push(load());
      rows.push({ workload: workload.name, config: config.name, on, costs, loads, best: Math.min(...on.map((m) => m.cpu)) / Math.min(...base.slice(-PAIRS).map((m) => m.cpu)) - 1 });
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

// The SDK's own work for one task, no runtime around it, as the runtime asks it: a child span
// of the execution's with the same attributes, the outcome set at its end, and one histogram
// record (the counters are the runtime's own sums, read by the SDK at collection).
const floor = sdk();
const tracer = floor.options.telemetry.tracerProvider.getTracer('floor');
const meter = floor.options.telemetry.meterProvider.getMeter('floor');
const histogram = meter.createHistogram('floor.duration');
const executionSpan = tracer.startSpan('floor.execution');
const parent = trace.setSpan(context.active(), executionSpan);
const sdkAlone = [];
for (let r = 0; r < PAIRS; r++) {
  globalThis.gc();
  const cpu = process.cpuUsage();
  for (let i = 0; i < 10_000; i++) {
    const at = Date.now();
    const span = tracer.startSpan(
      'floor.task',
      { attributes: { 'cloacina.workflow': 'floor', 'cloacina.task': `t${i % 2000}`, 'cloacina.attempt': 1, 'cloacina.execution_id': 'e' }, startTime: at },
      parent,
    );
    span.setAttribute('cloacina.outcome', 'completed');
    span.end(at);
    histogram.record(0, { 'cloacina.workflow': 'floor', 'cloacina.outcome': 'completed' });
  }
  await floor.settle();
  const used = process.cpuUsage(cpu);
  if (r > 0) sdkAlone.push((used.user + used.system) / 10_000); // the first is the warm-up
}
executionSpan.end();
await floor.shutdown();

// The runtime's hooks with @opentelemetry/api and no SDK registered, no runtime around them:
// what the "no SDK" rows add over the events row, measured without the noise of whole runs.
const hooks = createTelemetry(undefined, 'bench');
if (hooks === undefined) throw new Error('@opentelemetry/api is not installed');
const hooksAlone = [];
// The writes of 2,000 10-task executions, made before the clock starts.
const executions = Array.from({ length: 2000 }, (_, e) => {
  const executionId = `e${e}`;
  const writes = [];
  for (let i = 0; i < 10; i++) writes.push({ type: 'taskStarted', executionId, taskId: `t${i}`, attempt: 1, at: i });
  for (let i = 0; i < 10; i++) writes.push({ type: 'taskCompleted', executionId, taskId: `t${i}`, attempt: 1, output: '{}', at: i + 1 });
  writes.push({ type: 'executionFinished', executionId, status: 'Completed', at: 11 });
  return { executionId, writes };
});
// Twenty rounds of warm-up (the hooks are tiny: the first rounds run them in the interpreter), then ten passes a round.
for (let r = -20; r < PAIRS; r++) {
  globalThis.gc();
  const cpu = process.cpuUsage();
  for (let pass = 0; pass < 10; pass++) {
    for (const { executionId, writes } of executions) {
      hooks.track(executionId, 'bench', '1', 0);
      for (const w of writes) hooks.pushed(w);
      hooks.interrupted(executionId);
    }
  }
  const used = process.cpuUsage(cpu);
  if (r >= 0) hooksAlone.push((used.user + used.system) / 200_000); // per task
}

const header = ['workload (SQLite file)', 'configuration', 'tasks/s', 'CPU per task', 'cost: median', 'spread (min..max)', '95% CI of median', 'best runs', `<= ${TARGET * 100}%`, 'load (1 min)'];
const table = [header];
for (const r of rows) {
  const cells = [r.workload, r.config, fmt(median(r.on.map((m) => m.rate))), `${median(r.on.map((m) => m.cpu)).toFixed(1)} us`];
  if (r.baseline) table.push([...cells, '', '', '', '', '', '']);
  else {
    const ci = medianInterval(r.costs);
    table.push([...cells, pct(median(r.costs)), `${pct(Math.min(...r.costs))} .. ${pct(Math.max(...r.costs))}`, `${pct(ci[0])} .. ${pct(ci[1])}`, pct(r.best), verdict(ci), `${r.loads[0].toFixed(1)} -> ${r.loads[1].toFixed(1)}`]);
  }
}
const lowestBase = Math.min(...rows.filter((r) => r.baseline).map((r) => median(r.on.map((m) => m.cpu))));
table.push(['no runtime', 'OTel SDK alone: 1 child span, 1 histogram record', '', `${median(sdkAlone).toFixed(1)} us`,
  pct(median(sdkAlone) / lowestBase), `${pct(Math.min(...sdkAlone) / lowestBase)} .. ${pct(Math.max(...sdkAlone) / lowestBase)}`, '', '', '', load().toFixed(1)]);
table.push(['no runtime', 'OTel API, no SDK: the runtime\'s hooks for 10-task executions', '', `${median(hooksAlone).toFixed(2)} us`,
  pct(median(hooksAlone) / lowestBase), `${pct(Math.min(...hooksAlone) / lowestBase)} .. ${pct(Math.max(...hooksAlone) / lowestBase)}`, '', '', '', load().toFixed(1)]);
const widths = header.map((_, c) => Math.max(...table.map((row) => row[c].length)));
for (const [i, row] of table.entries()) {
  console.log('| ' + row.map((cell, c) => cell.padEnd(widths[c])).join(' | ') + ' |');
  if (i === 0) console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
}
// Tracing split in two: the runtime's work (a tracer that records nothing, against metrics
// only) and the SDK's spans amid a run (the SDK's tracer against one that records nothing).
const costOf = (w, config) => median(rows.find((r) => !r.baseline && r.workload === w.name && r.config === config.name).costs);
const [metricsOnly, nothing, traced] = configs.slice(-3);
const split = workloads.map((w) => `${w.name.slice(0, 3)} runtime ${pct(costOf(w, nothing) - costOf(w, metricsOnly))}, SDK ${pct(costOf(w, traced) - costOf(w, nothing))}`);
console.log(`\nEvery execution traced, what it adds to metrics only (difference of the rows' medians): ${split.join('; ')}.`);
console.log(
  `\nCost: this process's CPU per task (single-threaded V8) against the baseline run of the same pair; ${PAIRS} pairs per row ` +
    `(OBS_PAIRS) after ${WARMUP} warm-up runs of each configuration (OBS_WARMUP); tasks/s and CPU per task are medians. The no-runtime rows give ` +
    `CPU per task, and as a share of the lowest baseline CPU per task above (${lowestBase.toFixed(1)} us). Spans not exported ` +
    `(dropped by a full queue): ${lostSpans}. Load average (1, 5, 15 min) at the end: ${loadavg().map((l) => l.toFixed(2)).join(', ')}.`,
);
