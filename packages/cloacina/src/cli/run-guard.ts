// `cloacina run` succeeds only when it saw its execution end Completed. Package code runs in
// this process and can end it early (process.exit(0)) or leave promises that never settle,
// after which Node exits with 0 once nothing is left to wait for. The guard keeps the exit
// code 1 until the run says otherwise, and names what was left unfinished.
import type { ExecutionEvent } from '../dal/events.js';

export class RunGuard {
  #result: number | undefined;
  /** Tasks with an attempt started and not ended, in start order: task id by `execution/task`. */
  readonly #running = new Map<string, string>();
  /** Executions this process holds Paused: waiting for a resume is not a hang. */
  readonly #paused = new Set<string>();
  readonly #out: NodeJS.WritableStream;

  constructor(out: NodeJS.WritableStream = process.stderr) {
    this.#out = out;
    process.exitCode = 1;
    process.on('beforeExit', this.#onBeforeExit);
    process.on('exit', this.#onExit);
  }

  /** Follows the runner's events, to name the tasks left unsettled. */
  readonly listener = (event: ExecutionEvent): void => {
    if (event.type === 'executionPaused') this.#paused.add(event.executionId);
    else if (event.type.startsWith('execution')) this.#paused.delete(event.executionId);
    if (!('taskId' in event)) return;
    const key = `${event.executionId}/${event.taskId}`;
    if (event.type === 'taskStarted') this.#running.set(key, `${event.taskId} (execution ${event.executionId})`);
    else this.#running.delete(key);
  };

  /** The run ended by itself with this exit code. */
  finish(code: number): void {
    this.#result = code;
    process.exitCode = code;
    process.off('beforeExit', this.#onBeforeExit);
  }

  // The event loop emptied while the run still waits: nothing can settle it any more.
  readonly #onBeforeExit = (): void => {
    if (this.#result !== undefined) return;
    if (this.#paused.size > 0) {
      // A paused execution waits for a resume, which the runner's (unref'd) lease renewal
      // picks up; keep the process alive, and look again in a second.
      setTimeout(() => {}, 1000);
      return;
    }
    const tasks = [...this.#running.values()];
    this.#out.write(
      'cloacina: the run cannot finish: nothing is left to wait for, yet ' +
        (tasks.length > 0
          ? `task(s) ${tasks.join(', ')} never settled (a promise that never resolves or rejects)\n`
          : 'it has not ended (a promise that never settles, in package code or a task)\n'),
    );
    this.#result = 1;
    process.exitCode = 1;
  };

  // process.exit() from package code, before the run ended: never a success.
  readonly #onExit = (code: number): void => {
    if (this.#result !== undefined) {
      process.exitCode = this.#result;
      return;
    }
    this.#out.write(`cloacina: the process was ended (exit code ${code}) before the run finished; failing it\n`);
    process.exitCode = code === 0 ? 1 : code;
  };
}
