// Runs one attempt of a task body for the engine. Whatever the body does (throws any
// value, returns a poisoned thenable, never settles within its timeout) the attempt ends
// in a plain outcome: nothing a task does may escape into the runner as an exception.
import { TaskError, type Context, type JsonValue, type Task } from 'cloacina-workflow';
import { runInWorker, type IsolatedSource } from './worker-body.js';

/** Longest error message stored for a failed attempt, in UTF-16 code units. */
export const MAX_ERROR_MESSAGE = 16 * 1024;

/** Runs `task` once on `context`; resolves to its failure, or undefined when it completed. */
export async function runAttempt(
  task: Task,
  context: Context,
  attempt: number,
  timeoutMs: number | undefined,
  /** Aborts the body's signal; the engine keeps it to cancel the attempt. */
  controller: AbortController = new AbortController(),
  isolated?: IsolatedSource,
): Promise<TaskError | undefined> {
  if (isolated !== undefined) return runIsolated(task, context, attempt, timeoutMs, controller, isolated);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const started = performance.now();
  // Set once the event loop turns during the attempt: until then, all the time was the body's own.
  let yielded = false;
  const turn = setImmediate(() => (yielded = true));
  try {
    // An async wrapper turns a synchronous throw and any returned thenable into one promise.
    const body = (async () => {
      await task.run(context, { taskId: task.id, attempt, signal: controller.signal });
    })();
    if (timeoutMs === undefined) {
      await body;
    } else {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          reject(TaskError.timeout(`task ${JSON.stringify(task.id)} timed out after ${timeoutMs} ms`, { taskId: task.id }));
          controller.abort();
        }, timeoutMs);
      });
      // A body that rejects after the timeout won must not become an unhandled rejection.
      body.catch(() => {});
      await Promise.race([body, timeout]);
      // Synchronous work holds the thread, so the timer could not fire before the body ended:
      // a body that never let the event loop turn and still ran past its limit fails as it
      // would have. (Time the loop spent on other work after a turn is not held against it.)
      const ran = performance.now() - started;
      if (!yielded && ran > timeoutMs) {
        controller.abort();
        return TaskError.timeout(
          `task ${JSON.stringify(task.id)} ran for ${Math.round(ran)} ms, past its ${timeoutMs} ms timeout (synchronous work cannot be interrupted on the runner's thread; see isolation: 'worker')`,
          { taskId: task.id },
        );
      }
    }
    return undefined;
  } catch (thrown) {
    return storableFailure(thrown, task.id);
  } finally {
    clearImmediate(turn);
    if (timer !== undefined) clearTimeout(timer);
  }
}

async function runIsolated(
  task: Task,
  context: Context,
  attempt: number,
  timeoutMs: number | undefined,
  controller: AbortController,
  { url, workflow }: IsolatedSource,
): Promise<TaskError | undefined> {
  try {
    const outcome = await runInWorker(url, workflow, task, context, attempt, timeoutMs, controller.signal);
    if ('error' in outcome) return storableFailure(outcome.error, task.id);
    replaceContents(context, outcome.context);
    return undefined;
  } catch (thrown) {
    return storableFailure(thrown, task.id);
  }
}

/** Makes `context` hold exactly what the worker's copy ended with. */
function replaceContents(context: Context, values: Record<string, JsonValue>): void {
  for (const key of context.keys()) if (!Object.hasOwn(values, key)) context.remove(key);
  for (const [key, value] of Object.entries(values)) context.set(key, value);
}

/**
 * A TaskError made by this copy, read once from whatever was thrown, with a message every
 * backend can store: no U+0000 (PostgreSQL text refuses it), no lone surrogate, bounded.
 */
export function storableFailure(thrown: unknown, taskId: string): TaskError {
  const error = TaskError.from(thrown, taskId);
  return new TaskError(error.kind, storableMessage(error.message), { retryable: error.retryable, taskId, cause: thrown });
}

const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function storableMessage(message: string): string {
  const clean = message.replace(UNSTORABLE, '\ufffd');
  if (clean.length <= MAX_ERROR_MESSAGE) return clean;
  // Never cut a surrogate pair in half.
  const end = /[\ud800-\udbff]/.test(clean[MAX_ERROR_MESSAGE - 1]!) ? MAX_ERROR_MESSAGE - 1 : MAX_ERROR_MESSAGE;
  return `${clean.slice(0, end)}... (${clean.length - end} more characters)`;
}
