// OpenTelemetry spans and metrics, through `@opentelemetry/api` when the application has
// it installed (an optional peer dependency): nothing is loaded or done without it. The
// telemetry follows the stream of writes, so spans carry the same times as the stored
// state: a span per execution (as driven by this process) and one per task attempt, with
// counters and duration histograms for tasks and executions.
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
interface Counter {
  add(value: number, attributes?: Attributes): void;
}
interface Histogram {
  record(value: number, attributes?: Attributes): void;
}
interface Meter {
  createCounter(name: string, options?: { description?: string; unit?: string }): Counter;
  createHistogram(name: string, options?: { description?: string; unit?: string }): Histogram;
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
}

const SCOPE = 'cloacina';
const STATUS_OK = 1;
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

interface ExecutionSpan {
  span: Span;
  parent: unknown;
  workflow: string;
  startedAt: number;
  attempts: Map<string, { span: Span | undefined; startedAt: number; attempt: number }>;
}

/** Telemetry for one runner; undefined when disabled or @opentelemetry/api is not installed. */
export function createTelemetry(option: false | TelemetryProviders | undefined, version: string): Telemetry | undefined {
  if (option === false) return undefined;
  const otel = otelApi();
  if (otel === null) return undefined;
  const tracer = (option?.tracerProvider?.getTracer(SCOPE, version) as Tracer | undefined) ?? otel.trace.getTracer(SCOPE, version);
  const meter = (option?.meterProvider?.getMeter(SCOPE, version) as Meter | undefined) ?? otel.metrics.getMeter(SCOPE, version);
  return new Telemetry(otel, tracer, meter);
}

export class Telemetry implements WriteObserver {
  readonly #executions = new Map<string, ExecutionSpan>();
  readonly #taskAttempts: Counter;
  readonly #taskDuration: Histogram;
  readonly #tasksEnded: Counter;
  readonly #executionsEnded: Counter;
  readonly #executionDuration: Histogram;

  constructor(
    private readonly otel: OtelApi,
    private readonly tracer: Tracer,
    meter: Meter,
  ) {
    this.#taskAttempts = meter.createCounter('cloacina.task.attempts', { description: 'Task attempts that ended, by outcome' });
    this.#taskDuration = meter.createHistogram('cloacina.task.duration', { description: 'Duration of task attempts', unit: 'ms' });
    this.#tasksEnded = meter.createCounter('cloacina.tasks', { description: 'Tasks that ended (Completed, Failed or Skipped), by outcome' });
    this.#executionsEnded = meter.createCounter('cloacina.executions', { description: 'Executions that ended, by outcome' });
    this.#executionDuration = meter.createHistogram('cloacina.execution.duration', { description: 'Duration of executions', unit: 'ms' });
  }

  /** An execution this runner starts driving (new, resumed or claimed): its span begins. */
  track(executionId: string, workflow: string, version: string, startedAt: number): void {
    if (this.#executions.has(executionId)) return;
    const span = this.tracer.startSpan(
      'cloacina.execution',
      { attributes: { 'cloacina.workflow': workflow, 'cloacina.workflow.version': version, 'cloacina.execution_id': executionId }, startTime: startedAt },
    );
    const parent = this.otel.trace.setSpan(this.otel.context.active(), span);
    this.#executions.set(executionId, { span, parent, workflow, startedAt, attempts: new Map() });
  }

  pushed(w: Write): void {
    if (w.type === 'executionCreated') return;
    const execution = this.#executions.get(w.executionId);
    if (execution === undefined) return;
    switch (w.type) {
      case 'taskStarted': {
        // Without a recording execution span (no SDK registered) there is nothing to attach attempts to.
        const span = execution.span.isRecording()
          ? this.tracer.startSpan(
              'cloacina.task',
              {
                attributes: { 'cloacina.workflow': execution.workflow, 'cloacina.task': w.taskId, 'cloacina.attempt': w.attempt, 'cloacina.execution_id': w.executionId },
                startTime: w.at,
              },
              execution.parent,
            )
          : undefined;
        execution.attempts.set(w.taskId, { span, startedAt: w.at, attempt: w.attempt });
        return;
      }
      case 'taskCompleted':
        this.#taskEnded(execution, w.taskId, 'completed');
        return this.#attemptEnded(execution, w.taskId, 'completed', w.at);
      case 'taskRetrying':
        return this.#attemptEnded(execution, w.taskId, 'retried', w.at, { kind: w.errorKind, message: w.message });
      case 'taskFailed':
        this.#taskEnded(execution, w.taskId, 'failed');
        return this.#attemptEnded(execution, w.taskId, 'failed', w.at, { kind: w.errorKind, message: w.message });
      case 'taskSkipped':
        return this.#taskEnded(execution, w.taskId, 'skipped');
      case 'executionPaused':
        execution.span.addEvent('paused', undefined, w.at);
        return;
      case 'executionResumed':
        execution.span.addEvent('resumed', undefined, w.at);
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
    execution.span.setAttribute('cloacina.outcome', 'interrupted');
    execution.span.end(at);
    this.#executions.delete(executionId);
  }

  #taskEnded(execution: ExecutionSpan, taskId: string, outcome: string): void {
    this.#tasksEnded.add(1, { 'cloacina.workflow': execution.workflow, 'cloacina.task': taskId, 'cloacina.outcome': outcome });
  }

  #attemptEnded(execution: ExecutionSpan, taskId: string, outcome: string, at: number, error?: { kind: string; message: string }): void {
    const attempt = execution.attempts.get(taskId);
    if (attempt === undefined) return;
    execution.attempts.delete(taskId);
    const attributes = { 'cloacina.workflow': execution.workflow, 'cloacina.task': taskId, 'cloacina.outcome': outcome };
    this.#taskAttempts.add(1, attributes);
    this.#taskDuration.record(at - attempt.startedAt, attributes);
    const span = attempt.span;
    if (span === undefined) return;
    span.setAttribute('cloacina.outcome', outcome);
    if (error !== undefined) {
      span.setAttribute('cloacina.error.kind', error.kind);
      span.setStatus({ code: STATUS_ERROR, message: error.message });
    } else if (outcome === 'completed') span.setStatus({ code: STATUS_OK });
    span.end(at);
  }

  #executionEnded(executionId: string, execution: ExecutionSpan, outcome: string, at: number, reason?: string): void {
    const attributes = { 'cloacina.workflow': execution.workflow, 'cloacina.outcome': outcome };
    this.#executionsEnded.add(1, attributes);
    this.#executionDuration.record(at - execution.startedAt, attributes);
    execution.span.setAttribute('cloacina.outcome', outcome);
    execution.span.setStatus(outcome === 'completed' ? { code: STATUS_OK } : { code: STATUS_ERROR, ...(reason === undefined ? {} : { message: reason }) });
    execution.span.end(at);
    this.#executions.delete(executionId);
  }
}
