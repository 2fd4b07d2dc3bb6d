// Runs one workflow execution to its end: decides which tasks run or are skipped, builds
// each input context (DESIGN section 4), runs bodies under the concurrency limit with
// timeouts and retries, and records every change through the write batcher. It can be
// paused (running bodies finish, nothing new starts), resumed, and ended early: cancelled,
// or failed by its workflow timeout (running bodies see their signal aborted).
import {
  buildTaskInput,
  Context,
  evaluateTriggerRule,
  taskNamespace,
  type PackagedWorkflow,
  type Task,
  type TaskStateKind,
} from 'cloacina-workflow';
import { CANCELLED_REASON, isFinished } from '../dal/control.js';
import type { ControlAction, ExecutionRecord, ExecutionStatus, TaskRecord } from '../dal/types.js';
import { LegacyContext } from '../legacy/context.js';
import type { Limiter } from './limiter.js';
import { runAttempt, storableFailure } from './run-body.js';
import { isolatedSource } from './worker-body.js';
import type { ExecutionResult, TaskResult } from './result.js';
import { DependencyLoader, RuntimeContext } from './runtime-context.js';
import type { WriteBatcher } from './write-batcher.js';
import {
  executionFinished, executionPaused, executionResumed, executionTerminated, taskCompleted, taskFailed, taskRetrying, taskSkipped, taskStarted,
} from '../dal/writes.js';

/** Tasks stamped with this API get the v1 Context with the lazy loader. */
export const LEGACY_API = 'cloacina/legacy';

interface TaskSlot {
  task: Task;
  state: TaskStateKind;
  attempts: number;
  output?: Context;
  result: TaskResult;
  /** Running, or waiting for a retry timer: not to be started again. */
  busy: boolean;
  /** Holds a concurrency permit (given back once, whichever comes first: the body ends or the execution does). */
  permit: boolean;
  /** Aborts the running attempt's signal. */
  controller?: AbortController;
  notBefore?: number;
  dependents: string[];
}

export interface DriverOptions {
  limiter: Limiter;
  writes: WriteBatcher;
  now?: () => number;
  random?: () => number;
  /** An attempt's timeout when its task sets none (ms; Infinity: none). */
  taskTimeoutMs?: number;
}

export class ExecutionDriver {
  readonly #slots = new Map<string, TaskSlot>();
  readonly #initial: Context;
  #remaining: number;
  #settle!: (result: ExecutionResult) => void;
  #fail!: (error: Error) => void;
  readonly done: Promise<ExecutionResult>;
  #stopped = false;
  #started = false;
  #paused: boolean;
  #pausedAt: number | undefined;
  #pausedMs: number;
  /** Set once the execution has ended (finished or terminated); nothing is written afterwards. */
  #ended: ExecutionStatus | undefined;
  readonly #timeoutMs: number;
  #deadlineTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  readonly #now: () => number;
  readonly #random: () => number;

  constructor(
    readonly workflow: PackagedWorkflow,
    readonly record: ExecutionRecord,
    private readonly options: DriverOptions,
  ) {
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? Math.random;
    this.#paused = record.status === 'Paused';
    this.#pausedAt = this.#paused ? (record.pausedAt ?? this.#now()) : undefined;
    this.#pausedMs = record.pausedMs;
    // The timeout stored when the execution started rules; none stored means none: the
    // execution started without one (Infinity), or before schema version 6 had timeouts.
    this.#timeoutMs = record.timeoutMs ?? Infinity;
    this.#initial = Context.fromJSON(record.initialContext);
    this.done = new Promise((resolve, reject) => {
      this.#settle = resolve;
      this.#fail = reject;
    });
    const stored = new Map(record.tasks.map((t) => [t.taskId, t]));
    for (const task of workflow.tasks) {
      const row = stored.get(task.id);
      if (row === undefined) throw new Error(`execution ${record.executionId} has no row for task ${JSON.stringify(task.id)}`);
      this.#slots.set(task.id, this.#slotFrom(task, row));
    }
    for (const task of workflow.tasks) for (const dep of task.dependencies) this.#slots.get(dep)!.dependents.push(task.id);
    this.#remaining = [...this.#slots.values()].filter((s) => !isTerminal(s.state)).length;
  }

  /**
   * Starts every task that can start (none while Paused), then acts on a control request
   * stored before this runner took the execution; resolves `done` when it has ended.
   */
  start(): Promise<ExecutionResult> {
    this.#started = true;
    if (this.#ended !== undefined) return this.done;
    if (this.#remaining === 0) this.#finish();
    else if (!this.#paused) this.#proceed();
    if (this.record.control !== undefined) this.control(this.record.control);
    return this.done;
  }

  /** Whether it has started (its execution is stored); a lease is renewed only from then on. */
  get started(): boolean {
    return this.#started;
  }

  /** Running, Paused, or how it ended. */
  get status(): ExecutionStatus {
    return this.#ended ?? (this.#paused ? 'Paused' : 'Running');
  }

  /** Cancels, pauses or resumes; false once the execution has ended (the store knows how). */
  control(action: ControlAction): boolean {
    if (this.#ended !== undefined) return false;
    if (action === 'cancel') this.#terminate('Cancelled', 'cancel', CANCELLED_REASON);
    else if (action === 'pause') this.#pause();
    else this.#resume();
    return true;
  }

  /** Stops starting new work (the runner is closing); running bodies are abandoned. */
  stop(): void {
    this.#stopped = true;
    this.#clearTimers();
  }

  #pause(): void {
    if (this.#paused) return;
    this.#paused = true;
    this.#pausedAt = this.#now();
    this.#clearTimers();
    this.options.writes.push(executionPaused(this.record.executionId, this.#pausedAt));
  }

  #resume(): void {
    if (!this.#paused) return;
    const at = this.#now();
    this.#paused = false;
    this.#pausedMs += Math.max(0, at - (this.#pausedAt ?? at));
    this.#pausedAt = undefined;
    this.options.writes.push(executionResumed(this.record.executionId, at));
    this.#proceed();
  }

  /** Arms the workflow timeout and starts what can start (and retries that were held back while Paused). */
  #proceed(): void {
    if (Number.isFinite(this.#timeoutMs)) {
      const deadline = this.record.startedAt + this.#pausedMs + this.#timeoutMs;
      this.#deadlineTimer = setTimeout(
        () => this.#terminate('Failed', 'timeout', `workflow timed out after ${this.#timeoutMs} ms`),
        Math.max(0, deadline - this.#now()),
      );
    }
    for (const id of this.workflow.executionOrder) this.#consider(id);
  }

  /**
   * Ends the execution now: running attempts see their signal aborted and give their
   * concurrency permit back at once (a body that ignores the signal cannot hold a slot),
   * and every task not yet ended is Skipped with the reason.
   */
  #terminate(status: 'Cancelled' | 'Failed', cause: 'cancel' | 'timeout', reason: string): void {
    if (this.#ended !== undefined) return;
    this.#ended = status;
    this.#clearTimers();
    const at = this.#now();
    for (const slot of this.#slots.values()) {
      if (isTerminal(slot.state)) continue;
      slot.controller?.abort(new Error(reason));
      this.#releasePermit(slot);
      this.#setTerminal(slot, 'Skipped');
      delete slot.result.error;
      slot.result.reason = reason;
      slot.result.finishedAt = at;
    }
    this.options.writes.push(executionTerminated(this.record.executionId, status, cause, reason, at));
    this.#settleWith(status, at, reason);
  }

  #clearTimers(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    if (this.#deadlineTimer !== undefined) clearTimeout(this.#deadlineTimer);
    this.#deadlineTimer = undefined;
  }

  #releasePermit(slot: TaskSlot): void {
    if (!slot.permit) return;
    slot.permit = false;
    this.options.limiter.release();
  }

  #slotFrom(task: Task, row: TaskRecord): TaskSlot {
    const result: TaskResult = { state: row.state, attempts: row.attempts };
    if (row.errorKind !== undefined && row.state === 'Failed') result.error = { kind: row.errorKind, message: row.error ?? '' };
    if (row.reason !== undefined) result.reason = row.reason;
    const slot: TaskSlot = { task, state: row.state, attempts: row.attempts, result, busy: false, permit: false, dependents: [] };
    if (row.output !== undefined) {
      slot.output = Context.fromJSON(row.output);
      result.output = slot.output.toJSON();
    }
    if (row.notBefore !== undefined) slot.notBefore = row.notBefore;
    return slot;
  }

  #consider(id: string): void {
    const slot = this.#slots.get(id)!;
    if (this.#stopped || this.#paused || this.#ended !== undefined || slot.busy || isTerminal(slot.state)) return;
    const deps = slot.task.dependencies.map((d) => this.#slots.get(d)!);
    if (!deps.every((d) => isTerminal(d.state))) return;
    if (slot.state === 'Pending') {
      const skip = this.#skipReason(slot);
      if (skip !== undefined) {
        const at = this.#now();
        this.#setTerminal(slot, 'Skipped');
        slot.result.reason = skip;
        slot.result.finishedAt = at;
        this.options.writes.push(taskSkipped(this.record.executionId, id, skip, at));
        this.#afterTerminal(slot);
        return;
      }
    }
    slot.busy = true;
    const wait = (slot.notBefore ?? 0) - this.#now();
    if (wait > 0) this.#later(wait, () => this.#launch(slot));
    else this.#launch(slot);
  }

  /** Undefined when the task should run; otherwise why it is Skipped. */
  #skipReason(slot: TaskSlot): string | undefined {
    const rule = slot.task.triggerRules;
    if (rule === undefined) {
      const blocked = slot.task.dependencies.find((d) => this.#slots.get(d)!.state !== 'Completed');
      if (blocked === undefined) return undefined;
      return `dependency ${JSON.stringify(blocked)} ${this.#slots.get(blocked)!.state === 'Failed' ? 'failed' : 'was skipped'}`;
    }
    const holds = evaluateTriggerRule(rule, {
      stateOf: (taskId) => this.#slots.get(taskId)?.state,
      context: this.#input(slot),
    });
    return holds ? undefined : `trigger rule (${rule.type}) is not satisfied`;
  }

  #input(slot: TaskSlot): Context {
    return buildTaskInput(slot.task.dependencies, this.#initial, (id) => {
      const dep = this.#slots.get(id)!;
      return dep.state === 'Completed' ? dep.output : undefined;
    });
  }

  async #run(slot: TaskSlot): Promise<void> {
    const wait = this.options.limiter.acquire();
    if (wait) await wait;
    if (this.#stopped || this.#paused || this.#ended !== undefined) {
      this.options.limiter.release();
      // Held back by a pause: resuming considers it again.
      if (this.#paused) slot.busy = false;
      return;
    }
    slot.permit = true;
    const id = slot.task.id;
    const attempt = slot.attempts + 1;
    const startedAt = this.#now();
    slot.attempts = attempt;
    slot.state = 'Running';
    slot.result.state = 'Running';
    slot.result.attempts = attempt;
    slot.result.startedAt ??= startedAt;
    this.options.writes.push(taskStarted(this.record.executionId, id, attempt, startedAt));
    const runtime = this.#runtimeContext(slot);
    const controller = new AbortController();
    slot.controller = controller;
    const timeoutMs = slot.task.timeoutMs ?? this.options.taskTimeoutMs;
    const isolated = slot.task.isolation === 'worker' ? isolatedSource(this.workflow) : undefined;
    let failure = await runAttempt(slot.task, runtime, attempt, timeoutMs === undefined || timeoutMs === Infinity ? undefined : timeoutMs, controller, isolated);
    slot.controller = undefined;
    let output: Context | undefined;
    if (failure === undefined) {
      try {
        output = new Context(runtime);
      } catch (thrown) {
        failure = storableFailure(thrown, id);
      }
    }
    this.#releasePermit(slot);
    // Ended meanwhile (cancelled, timed out): the attempt's outcome is not recorded.
    if (this.#stopped || this.#ended !== undefined) return;
    const at = this.#now();
    if (output !== undefined) {
      slot.output = output;
      slot.result.output = slot.output.toJSON();
      slot.result.finishedAt = at;
      delete slot.result.error;
      this.#setTerminal(slot, 'Completed');
      this.options.writes.push(taskCompleted(this.record.executionId, id, attempt, slot.output.encode(), at));
      this.#afterTerminal(slot);
      return;
    }
    const error = failure!;
    slot.result.error = { kind: error.kind, message: error.message };
    if (slot.task.retry.shouldRetry(error, attempt)) {
      const delay = slot.task.retry.delayFor(attempt, this.#random);
      slot.state = 'Ready';
      slot.result.state = 'Ready';
      slot.notBefore = at + delay;
      this.options.writes.push(taskRetrying(this.record.executionId, id, attempt, error.kind, error.message, at, at + delay));
      if (delay > 0) this.#later(delay, () => this.#launch(slot));
      else this.#launch(slot);
      return;
    }
    slot.result.finishedAt = at;
    this.#setTerminal(slot, 'Failed');
    this.options.writes.push(taskFailed(this.record.executionId, id, attempt, error.kind, error.message, at));
    this.#afterTerminal(slot);
  }

  /** Runs an attempt; a fault of the engine itself fails this execution rather than escaping as an unhandled rejection. */
  #launch(slot: TaskSlot): void {
    this.#run(slot).catch((error: unknown) => this.abort(error instanceof Error ? error : new Error(`execution ${this.record.executionId}: ${String(error)}`)));
  }

  /** The context a task body receives: plain for v2 tasks, the v1 Context for legacy ones. */
  #runtimeContext(slot: TaskSlot): Context {
    const input = this.#input(slot);
    if (slot.task.provenance?.api !== LEGACY_API) return input;
    const completed = slot.task.dependencies
      .map((d) => [d, this.#slots.get(d)!] as const)
      .filter(([, dep]) => dep.state === 'Completed')
      .map(([d, dep]) => [d, dep.output!] as const);
    const runtime = new RuntimeContext(
      input,
      {
        workflowExecutionId: this.record.executionId,
        taskExecutionId: `${this.record.executionId}/${slot.task.id}`,
        taskName: taskNamespace(this.workflow, slot.task.id).toString(),
      },
      new DependencyLoader(completed),
    );
    const legacy = new LegacyContext(runtime.context);
    legacy.setDependencyLoader(runtime.loader);
    legacy.setExecutionScope(runtime.scope);
    return legacy;
  }

  #setTerminal(slot: TaskSlot, state: TaskStateKind): void {
    slot.state = state;
    slot.result.state = state;
    slot.busy = false;
    delete slot.notBefore;
  }

  #afterTerminal(slot: TaskSlot): void {
    this.#remaining--;
    if (this.#remaining === 0) return this.#finish();
    for (const dependent of slot.dependents) this.#consider(dependent);
  }

  #finish(): void {
    if (this.#ended !== undefined) return;
    const failed = [...this.#slots.values()].some((s) => s.state === 'Failed');
    const status = failed ? 'Failed' : 'Completed';
    this.#ended = status;
    this.#clearTimers();
    const finishedAt = this.#now();
    if (!isFinished(this.record.status)) {
      this.options.writes.push(executionFinished(this.record.executionId, status, finishedAt));
    }
    this.#settleWith(status, finishedAt);
  }

  /** Resolves `done` with the result once everything written so far is stored. */
  #settleWith(status: ExecutionStatus, finishedAt: number, reason?: string): void {
    const tasks: Record<string, TaskResult> = {};
    for (const task of this.workflow.tasks) {
      Object.defineProperty(tasks, task.id, { value: this.#slots.get(task.id)!.result, enumerable: true, writable: true, configurable: true });
    }
    const result: ExecutionResult = {
      executionId: this.record.executionId,
      workflow: this.record.workflow,
      version: this.record.version,
      status,
      startedAt: this.record.startedAt,
      finishedAt,
      ...(reason === undefined ? {} : { reason }),
      tasks,
    };
    this.options.writes.flushed().then(() => this.#settle(result), (error: Error) => this.#fail(error));
  }

  #later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      fn();
    }, ms);
    this.#timers.add(timer);
  }

  /** Fails the execution's waiters when storage broke underneath it. */
  abort(error: Error): void {
    this.stop();
    this.#fail(error);
  }
}

function isTerminal(state: TaskStateKind): boolean {
  return state === 'Completed' || state === 'Failed' || state === 'Skipped';
}
