// OpenTelemetry spans and metrics, through `@opentelemetry/api` when the application has
// it installed (an optional peer dependency): nothing is loaded or done without it. The
// telemetry follows the stream of writes, so spans carry the same times as the stored
// state: a span per execution (as driven by this process) and one per task attempt, with
// counters and duration histograms for tasks and executions by workflow and outcome (the
// task is on the spans: a series per task would cost the SDK and the backends dearly).
import { createRequire } from 'node:module';
import type { Write } from '../dal/types.js';
import type { WriteObserver } from '../engine/write-batcher.js';

// The few parts of @opentelemetry/api used here, typed structurally so the runtime's own
// types never require the package.
interface Attributes {
  [key: string]: string | number | boolean;
}
interface Span {
  setAttribute(key: string, value: string | number | boolean): unknown;
  setStatus(status: { code: number; message?: string }): unknown;
  addEvent(name: string, attributes?: Attributes, time?: number): unknown;
  end(endTime?: number): void;
  isRecording(): boolean;
}
interface Tracer {
  startSpan(name: string, options?: { attributes?: Attributes; startTime?: number }, context?: unknown): Span;
}
interface Histogram {
  record(value: number, attributes?: Attributes): void;
}
interface ObservableResult {
  observe(value: number, attributes?: Attributes): void;
}
interface Meter {
  createHistogram(name: string, options?: { description?: string; unit?: string }): Histogram;
  createObservableCounter(name: string, options?: { description?: string; unit?: string }): { addCallback(callback: (result: ObservableResult) => void): void };
}
/** What `RunnerOptions.telemetry` accepts: providers to use instead of the global ones. */
export interface TelemetryProviders {
  tracerProvider?: { getTracer(name: string, version?: string): unknown };
  meterProvider?: { getMeter(name: string, version?: string): unknown };
}
interface OtelApi {
  trace: { getTracer(name: string, version?: string): Tracer; setSpan(context: unknown, span: Span): unknown };
  context: { active(): unknown };
  metrics: { getMeter(name: string, version?: string): Meter };
  /** The meter the API hands out while no SDK is registered (absent from old API versions). */
  createNoopMeter?(): Meter;
}

const SCOPE = 'cloacina';
// Only failures set a status: a span that ended well keeps the status Unset, as the
// OpenTelemetry specification asks of instrumentation libraries (Ok is for the
// application to set), and the SDK does a call less per span.
const STATUS_ERROR = 2;

let api: OtelApi | null | undefined;

/** @opentelemetry/api if the application can resolve it, else null (looked up once). */
function otelApi(): OtelApi | null {
  if (api === undefined) {
    try {
      api = createRequire(import.meta.url)('@opentelemetry/api') as OtelApi;
    } catch {
      api = null;
    }
  }
  return api;
}

/**
 * A monotonic counter summed here and read by the SDK when it collects (an observable
 * counter): adding is two Map lookups on strings the runtime already holds, where the SDK's
 * synchronous counter sorts and serializes the attributes on every call. The exported metric
 * is the same cumulative sum.
 */
class SummedCounter {
  /** workflow -> outcome -> series */
  readonly #series = new Map<string, Map<string, { attributes: Attributes; value: number }>>();

  constructor(meter: Meter, name: string, description: string) {
    meter.createObservableCounter(name, { description }).addCallback((result) => {
      for (const outcomes of this.#series.values()) for (const { attributes, value } of outcomes.values()) result.observe(value, attributes);
    });
  }

  add(workflow: string, outcome: string): void {
    let outcomes = this.#series.get(workflow);
    if (outcomes === undefined) this.#series.set(workflow, (outcomes = new Map()));
    const series = outcomes.get(outcome);
    if (series !== undefined) series.value++;
    else outcomes.set(outcome, { attributes: { 'cloacina.workflow': workflow, 'cloacina.outcome': outcome }, value: 1 });
  }
}

/** The instruments of one meter, made once and shared by every runner using it (so their sums add up). */
interface Instruments {
  taskAttempts: SummedCounter;
  tasksEnded: SummedCounter;
  executionsEnded: SummedCounter;
  taskDuration: Histogram;
  executionDuration: Histogram;
}
const instrumentsByMeter = new WeakMap<Meter, Instruments>();

function instrumentsOf(meter: Meter): Instruments {
  let instruments = instrumentsByMeter.get(meter);
  if (instruments === undefined) {
    instruments = {
      taskAttempts: new SummedCounter(meter, 'cloacina.task.attempts', 'Task attempts that ended, by outcome'),
      tasksEnded: new SummedCounter(meter, 'cloacina.tasks', 'Tasks that ended (Completed, Failed or Skipped), by outcome'),
      executionsEnded: new SummedCounter(meter, 'cloacina.executions', 'Executions that ended, by outcome'),
      taskDuration: meter.createHistogram('cloacina.task.duration', { description: 'Duration of task attempts', unit: 'ms' }),
      executionDuration: meter.createHistogram('cloacina.execution.duration', { description: 'Duration of executions', unit: 'ms' }),
    };
    instrumentsByMeter.set(meter, instruments);
  }
  return instruments;
}

/**
 * The execution and the task attempt that ended last, kept until the next ones end. While
 * none is alive (between two executions) V8 may free the hidden classes of the SDK's spans
 * and contexts and of this module's records, and the optimized code that makes and ends
 * spans, the SDK's and this module's, is thrown away and compiled again for the next
 * execution: a tenth of a traced no-op task's CPU. One of each is all it takes to keep them
 * (dal/writes.ts does the same for writes).
 */
let lastExecution: TrackedExecution | undefined;
let lastAttempt: { span: Span | undefined; startedAt: number } | undefined;

interface TrackedExecution {
  /** The execution's span, when it records (an SDK is registered and sampled it). */
  span: Span | undefined;
  /** The context its task spans start in (with `span` as parent), when it records. */
  parent: unknown;
  /** Where its metrics go, when a meter from an SDK is in use. */
  metrics: Instruments | undefined;
  workflow: string;
  startedAt: number;
  attempts: Map<string, { span: Span | undefined; startedAt: number }>;
}

/** Telemetry for one runner; undefined when disabled or @opentelemetry/api is not installed. */
export function createTelemetry(option: false | TelemetryProviders | undefined, version: string): Telemetry | undefined {
  if (option === false) return undefined;
  const otel = otelApi();
  if (otel === null) return undefined;
  const tracer = (option?.tracerProvider?.getTracer(SCOPE, version) as Tracer | undefined) ?? otel.trace.getTracer(SCOPE, version);
  const given = option?.meterProvider?.getMeter(SCOPE, version) as Meter | undefined;
  return new Telemetry(otel, tracer, given === undefined ? () => otel.metrics.getMeter(SCOPE, version) : () => given);
}

/**
 * Follows the stream of writes. Whether anything records is decided once per execution:
 * when its span does not record (no SDK, or not sampled) and no SDK meter is in use, the
 * execution is not tracked at all and its writes cost one Map lookup. The global providers
 * are looked up at each execution's start, so an SDK registered after the runner opened is
 * used from the next execution on.
 */
export class Telemetry implements WriteObserver {
  readonly #executions = new Map<string, TrackedExecution>();

  constructor(
    private readonly otel: OtelApi,
    private readonly tracer: Tracer,
    private readonly meter: () => Meter,
  ) {}

  /** An execution this runner starts driving (new, resumed or claimed): its span begins. */
  track(executionId: string, workflow: string, version: string, startedAt: number): void {
    if (this.#executions.has(executionId)) return;
    const meter = this.meter();
    const metrics = meter === this.otel.createNoopMeter?.() ? undefined : instrumentsOf(meter);
    const started = this.tracer.startSpan(
      'cloacina.execution',
      { attributes: { 'cloacina.workflow': workflow, 'cloacina.workflow.version': version, 'cloacina.execution_id': executionId }, startTime: startedAt },
    );
    const span = started.isRecording() ? started : undefined;
    if (span === undefined && metrics === undefined) return;
    const parent = span === undefined ? undefined : this.otel.trace.setSpan(this.otel.context.active(), span);
    this.#executions.set(executionId, { span, parent, metrics, workflow, startedAt, attempts: new Map() });
  }

  pushed(w: Write): void {
    if (w.type === 'executionCreated') return;
    const execution = this.#executions.get(w.executionId);
    if (execution === undefined) return;
    switch (w.type) {
      case 'taskStarted': {
        // Task spans only under a recording execution span (a sampled trace).
        const span = execution.span === undefined
          ? undefined
          : this.tracer.startSpan(
              'cloacina.task',
              {
                attributes: { 'cloacina.workflow': execution.workflow, 'cloacina.task': w.taskId, 'cloacina.attempt': w.attempt, 'cloacina.execution_id': w.executionId },
                startTime: w.at,
              },
              execution.parent,
            );
        execution.attempts.set(w.taskId, { span, startedAt: w.at });
        return;
      }
      case 'taskCompleted':
        execution.metrics?.tasksEnded.add(execution.workflow, 'completed');
        return this.#attemptEnded(execution, w.taskId, 'completed', w.at);
      case 'taskRetrying':
        return this.#attemptEnded(execution, w.taskId, 'retried', w.at, { kind: w.errorKind, message: w.message });
      case 'taskFailed':
        execution.metrics?.tasksEnded.add(execution.workflow, 'failed');
        return this.#attemptEnded(execution, w.taskId, 'failed', w.at, { kind: w.errorKind, message: w.message });
      case 'taskSkipped':
        execution.metrics?.tasksEnded.add(execution.workflow, 'skipped');
        return;
      case 'executionPaused':
        execution.span?.addEvent('paused', undefined, w.at);
        return;
      case 'executionResumed':
        execution.span?.addEvent('resumed', undefined, w.at);
        return;
      case 'executionFinished':
        return this.#executionEnded(w.executionId, execution, w.status === 'Completed' ? 'completed' : 'failed', w.at);
      case 'executionTerminated': {
        const outcome = w.cause === 'cancel' ? 'cancelled' : 'timed_out';
        for (const taskId of [...execution.attempts.keys()]) this.#attemptEnded(execution, taskId, outcome, w.at, undefined);
        return this.#executionEnded(w.executionId, execution, outcome, w.at, w.reason);
      }
    }
  }

  /** The runner stopped driving an execution without it ending (closing, lost lease). */
  interrupted(executionId: string): void {
    const execution = this.#executions.get(executionId);
    if (execution === undefined) return;
    const at = Date.now();
    for (const taskId of [...execution.attempts.keys()]) this.#attemptEnded(execution, taskId, 'interrupted', at);
    execution.span?.setAttribute('cloacina.outcome', 'interrupted');
    execution.span?.end(at);
    this.#executions.delete(executionId);
  }

  #attemptEnded(execution: TrackedExecution, taskId: string, outcome: string, at: number, error?: { kind: string; message: string }): void {
    const attempt = execution.attempts.get(taskId);
    if (attempt === undefined) return;
    execution.attempts.delete(taskId);
    lastAttempt = attempt;
    if (execution.metrics !== undefined) {
      execution.metrics.taskAttempts.add(execution.workflow, outcome);
      execution.metrics.taskDuration.record(at - attempt.startedAt, { 'cloacina.workflow': execution.workflow, 'cloacina.outcome': outcome });
    }
    const span = attempt.span;
    if (span === undefined) return;
    span.setAttribute('cloacina.outcome', outcome);
    if (error !== undefined) {
      span.setAttribute('cloacina.error.kind', error.kind);
      span.setStatus({ code: STATUS_ERROR, message: error.message });
    }
    span.end(at);
  }

  #executionEnded(executionId: string, execution: TrackedExecution, outcome: string, at: number, reason?: string): void {
    if (execution.metrics !== undefined) {
      execution.metrics.executionsEnded.add(execution.workflow, outcome);
      execution.metrics.executionDuration.record(at - execution.startedAt, { 'cloacina.workflow': execution.workflow, 'cloacina.outcome': outcome });
    }
    const span = execution.span;
    if (span !== undefined) {
      span.setAttribute('cloacina.outcome', outcome);
      if (outcome !== 'completed') span.setStatus({ code: STATUS_ERROR, ...(reason === undefined ? {} : { message: reason }) });
      span.end(at);
    }
    this.#executions.delete(executionId);
    lastExecution = execution;
  }
}
