import { brand, hasBrand, stamp } from './brand.js';
import type { Context } from './context.js';
import { deepFreeze } from './json.js';
import { assertName } from './names.js';
import { RetryPolicy, type RetryPolicyOptions } from './retry.js';
import { validateTriggerRule, type TriggerRule } from './trigger.js';

/** The authoring API a task or workflow was written against (Rust Cloacina's crate_path). */
export interface ApiProvenance {
  readonly api: string;
  readonly version: string;
}

/** What a running task is told besides its context. */
export interface TaskRunInfo {
  readonly taskId: string;
  /** 1 for the first run, 2 for the first retry, and so on. */
  readonly attempt: number;
  /** Aborted when the task's timeout expires or the runtime stops. */
  readonly signal: AbortSignal;
}

/** A task body: reads and writes its context; throw (ideally a TaskError) to fail. */
export type TaskFn = (context: Context, info: TaskRunInfo) => void | Promise<void>;

export interface TaskOptions {
  id: string;
  /** Task ids or task objects; the order is the order in which outputs are merged. */
  dependencies?: ReadonlyArray<string | Task>;
  retry?: RetryPolicy | RetryPolicyOptions;
  timeoutMs?: number;
  /**
   * `'worker'`: the runtime runs each attempt in a new worker thread, which a timeout or a
   * cancel terminates, so even synchronous work stops. For workflows loaded from a package;
   * the context goes in and comes back as JSON. Default `'inline'`: the runner's own thread.
   */
  isolation?: 'inline' | 'worker';
  /** Replaces the default rule ("run when every dependency completed"). */
  triggerRules?: TriggerRule;
  description?: string;
  /** Set only to override the provenance a packaged workflow would stamp. */
  provenance?: ApiProvenance;
}

/** A plain, frozen task definition. */
export interface Task {
  readonly id: string;
  readonly dependencies: readonly string[];
  readonly retry: RetryPolicy;
  readonly timeoutMs: number | undefined;
  /** Absent means `'inline'`. */
  readonly isolation?: 'worker';
  readonly triggerRules: TriggerRule | undefined;
  readonly description: string;
  readonly provenance: ApiProvenance | undefined;
  readonly run: TaskFn;
}

const TASK = brand('Task');

function dependencyId(dependency: string | Task, taskId: string, index: number): string {
  if (typeof dependency === 'string') {
    assertName(`task ${JSON.stringify(taskId)} dependencies[${index}]`, dependency);
    return dependency;
  }
  if (isTask(dependency)) return dependency.id;
  throw new TypeError(`task ${JSON.stringify(taskId)} dependencies[${index}] must be a task id or a task`);
}

/** Defines a task. Validation errors name the task and the field at fault. */
export function task(options: TaskOptions, fn: TaskFn): Task {
  if (options === null || typeof options !== 'object') throw new TypeError('task() expects an options object');
  assertName('task id', options.id);
  const id = options.id;
  if (typeof fn !== 'function') throw new TypeError(`task ${JSON.stringify(id)}: the body must be a function`);
  const dependencies = (options.dependencies ?? []).map((d, i) => dependencyId(d, id, i));
  const duplicate = dependencies.find((d, i) => dependencies.indexOf(d) !== i);
  if (duplicate !== undefined) {
    throw new TypeError(`task ${JSON.stringify(id)} lists dependency ${JSON.stringify(duplicate)} twice`);
  }
  if (dependencies.includes(id)) throw new TypeError(`task ${JSON.stringify(id)} depends on itself`);
  if (options.timeoutMs !== undefined && !(Number.isFinite(options.timeoutMs) && options.timeoutMs > 0)) {
    throw new TypeError(`task ${JSON.stringify(id)} timeoutMs must be a positive number, got ${String(options.timeoutMs)}`);
  }
  if (options.isolation !== undefined && options.isolation !== 'inline' && options.isolation !== 'worker') {
    throw new TypeError(`task ${JSON.stringify(id)} isolation must be 'inline' or 'worker', got ${JSON.stringify(options.isolation)}`);
  }
  if (options.triggerRules !== undefined) validateTriggerRule(options.triggerRules, `task ${JSON.stringify(id)} triggerRules`);
  let retry: RetryPolicy;
  try {
    retry = RetryPolicy.from(options.retry);
  } catch (error) {
    throw new TypeError(`task ${JSON.stringify(id)}: ${(error as Error).message}`, { cause: error });
  }
  return makeTask({
    id,
    dependencies: Object.freeze(dependencies),
    retry,
    timeoutMs: options.timeoutMs,
    ...(options.isolation === 'worker' ? { isolation: 'worker' as const } : {}),
    triggerRules: options.triggerRules === undefined ? undefined : deepFreeze(structuredClone(options.triggerRules)),
    description: options.description ?? '',
    provenance: options.provenance === undefined ? undefined : Object.freeze({ ...options.provenance }),
    run: fn,
  });
}

/** Freezes and brands a task record. */
export function makeTask(fields: Task): Task {
  const made = { ...fields };
  stamp(made, TASK);
  return Object.freeze(made);
}

/** True for a task made by any copy of cloacina-workflow. */
export function isTask(value: unknown): value is Task {
  return hasBrand(value, TASK);
}
