// Runs one attempt of a task with `isolation: 'worker'` in a fresh worker thread, which a
// timeout or a cancel terminates: unlike a body on the runner's own thread, synchronous work
// (a CPU loop) is stopped there. The worker imports the package bundle the task came from,
// finds the task by workflow name and id, and runs it on a copy of the context; the context
// it ends with comes back as JSON.
import { Worker } from 'node:worker_threads';
import { Context, TaskError, type JsonValue, type PackagedWorkflow, type Task } from 'cloacina-workflow';

/** Where a packaged workflow's code can be imported again: its bundle's URL. */
const sources = new WeakMap<PackagedWorkflow, string>();

export function rememberSource(workflow: PackagedWorkflow, url: string): void {
  sources.set(workflow, url);
}

/** Where an `isolation: 'worker'` task's code is imported from. */
export interface IsolatedSource {
  url: string;
  workflow: PackagedWorkflow;
}

export function isolatedSource(workflow: PackagedWorkflow): IsolatedSource | undefined {
  const url = sources.get(workflow);
  return url === undefined ? undefined : { url, workflow };
}

/** Refuses a workflow whose worker-isolated tasks have no package to be imported from. */
export function assertIsolationPossible(workflow: PackagedWorkflow): void {
  const isolated = workflow.tasks.filter((t) => t.isolation === 'worker').map((t) => t.id);
  if (isolated.length > 0 && !sources.has(workflow)) {
    throw new TypeError(
      `workflow ${JSON.stringify(workflow.name)}: task(s) ${isolated.join(', ')} ask for isolation: 'worker', which runs a task from its package's ` +
        'bundle; register the package and run it from the registry (or cloacina run the package)',
    );
  }
}

// CommonJS, as an eval'd worker runs. The worker reports what the attempt did; any thrown
// value is read through TaskError.from of the package's own authoring API copy.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { url, workflow, taskId, attempt, context } = workerData;
const controller = new AbortController();
parentPort.on('message', (m) => { if (m === 'abort') controller.abort(); });
(async () => {
  const api = await import(workerData.api);
  try {
    const exports = await import(url);
    const found = [exports.default, ...Object.values(exports)].find((w) => api.isPackagedWorkflow(w) && w.name === workflow);
    const task = found && found.tasks.find((t) => t.id === taskId);
    if (!task) throw new api.TaskError('ExecutionFailed', 'task ' + JSON.stringify(taskId) + ' of workflow ' + JSON.stringify(workflow) + ' is not in its bundle');
    const ctx = new api.Context(context);
    parentPort.postMessage({ started: true });
    await task.run(ctx, { taskId, attempt, signal: controller.signal });
    parentPort.postMessage({ context: ctx.toJSON() });
  } catch (thrown) {
    const error = api.TaskError.from(thrown, taskId);
    parentPort.postMessage({ error: { kind: error.kind, message: error.message, retryable: error.retryable } });
  }
  parentPort.unref();
})();
`;

/** How long a task's worker may take to boot and import its bundle, before its own timeout starts. */
const WORKER_START_MS = 30_000;

export type WorkerOutcome = { context: Record<string, JsonValue> } | { error: TaskError };

/**
 * Runs `task` of `workflow` (imported from `url`) on a copy of `input` in a new worker.
 * Settles with the context the body left, or its failure; a timeout or an abort of `signal`
 * terminates the worker.
 */
export function runInWorker(
  url: string,
  workflow: PackagedWorkflow,
  task: Task,
  input: Context,
  attempt: number,
  timeoutMs: number | undefined,
  signal: AbortSignal,
): Promise<WorkerOutcome> {
  return new Promise((resolve) => {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { url, api: import.meta.resolve('cloacina-workflow'), workflow: workflow.name, taskId: task.id, attempt, context: input.toJSON() },
    });
    let settled = false;
    const finish = (outcome: WorkerOutcome) => {
      if (settled) return;
      settled = true;
      if (timer !== undefined) clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      void worker.terminate();
      resolve(outcome);
    };
    const failure = (kind: 'Timeout' | 'ExecutionFailed', message: string) => ({ error: new TaskError(kind, message, { taskId: task.id }) });
    // Runs on the runner's thread, which the worker cannot block: the limit holds for CPU work.
    // It starts with the body; booting the worker and importing the bundle (which passed the
    // isolated import at registration) get a generous limit of their own.
    let timer: ReturnType<typeof setTimeout> | undefined = setTimeout(
      () => finish(failure('ExecutionFailed', `task ${JSON.stringify(task.id)}: its worker thread did not start within ${WORKER_START_MS} ms`)),
      WORKER_START_MS,
    );
    const started = () => {
      clearTimeout(timer);
      timer = timeoutMs === undefined
        ? undefined
        : setTimeout(() => finish(failure('Timeout', `task ${JSON.stringify(task.id)} timed out after ${timeoutMs} ms (its worker thread was terminated)`)), timeoutMs);
    };
    const onAbort = () => finish(failure('ExecutionFailed', `task ${JSON.stringify(task.id)} was stopped (its worker thread was terminated)`));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort);
    worker.on('message', (message: { started?: true; context?: Record<string, JsonValue>; error?: { kind: TaskError['kind']; message: string; retryable: boolean } }) => {
      if (message.started) started();
      else if (message.context !== undefined) finish({ context: message.context });
      else if (message.error !== undefined) finish({ error: new TaskError(message.error.kind, message.error.message, { retryable: message.error.retryable, taskId: task.id }) });
    });
    worker.on('error', (error) => finish(failure('ExecutionFailed', `task ${JSON.stringify(task.id)}: its worker thread failed: ${error.message}`)));
    worker.on('exit', (code) => finish(failure('ExecutionFailed', `task ${JSON.stringify(task.id)}: its worker thread exited (code ${code}) before the task settled`)));
  });
}
