// Run one task in-process, with the runtime's exact input rule, so task unit tests need
// no database and no runner.
import { Context, isContext } from '../context.js';
import { TaskError } from '../errors.js';
import type { JsonValue } from '../json.js';
import { buildTaskInput } from '../merge.js';
import { isTask, type Task } from '../task.js';

type ContextLike = Context | Readonly<Record<string, JsonValue>>;

export interface RunTaskOptions {
  /** The workflow's initial context; used only when the task has no dependencies. */
  initialContext?: ContextLike;
  /** Each dependency's output context, by task id; every dependency must be given. */
  dependencyOutputs?: Readonly<Record<string, ContextLike>>;
  /** The attempt number the task sees (default 1). */
  attempt?: number;
  /** Overrides the task's own timeout. */
  timeoutMs?: number;
}

export type TaskRunResult =
  | { status: 'Completed'; input: Context; context: Context }
  | { status: 'Failed'; input: Context; context: Context; error: TaskError };

function toContext(value: ContextLike): Context {
  return isContext(value) ? new Context(value) : new Context(value as Record<string, JsonValue>);
}

/** Runs `task` once. Never throws for a task failure: the result says Failed with the TaskError. */
export async function runTask(task: Task, options: RunTaskOptions = {}): Promise<TaskRunResult> {
  if (!isTask(task)) throw new TypeError('runTask expects a task made with task()');
  const outputs = options.dependencyOutputs ?? {};
  for (const id of Object.keys(outputs)) {
    if (!task.dependencies.includes(id)) {
      throw new TypeError(`runTask: ${JSON.stringify(id)} is not a dependency of task ${JSON.stringify(task.id)}`);
    }
  }
  const missing = task.dependencies.filter((id) => !Object.hasOwn(outputs, id));
  if (missing.length > 0) {
    throw new TypeError(
      `runTask: task ${JSON.stringify(task.id)} needs the output of ${missing.map((m) => JSON.stringify(m)).join(', ')} in dependencyOutputs`,
    );
  }
  const input = buildTaskInput(task.dependencies, toContext(options.initialContext ?? {}), (id) => toContext(outputs[id]!));
  const context = input.clone();
  const error = await runBody(task, context, options.attempt ?? 1, options.timeoutMs ?? task.timeoutMs);
  return error === undefined
    ? { status: 'Completed', input, context }
    : { status: 'Failed', input, context, error };
}

/**
 * Runs a task body once with its timeout; resolves to the failure or undefined. The runtime
 * passes the attempt's controller so it can abort the body's signal itself (cancellation).
 */
export async function runBody(
  task: Task,
  context: Context,
  attempt: number,
  timeoutMs: number | undefined,
  controller: AbortController = new AbortController(),
): Promise<TaskError | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const body = (async () => task.run(context, { taskId: task.id, attempt, signal: controller.signal }))();
  const timeout =
    timeoutMs === undefined
      ? undefined
      : new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            controller.abort();
            reject(TaskError.timeout(`task ${JSON.stringify(task.id)} timed out after ${timeoutMs} ms`, { taskId: task.id }));
          }, timeoutMs);
        });
  try {
    await (timeout === undefined ? body : Promise.race([body, timeout]));
    return undefined;
  } catch (thrown) {
    return TaskError.from(thrown, task.id);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}
