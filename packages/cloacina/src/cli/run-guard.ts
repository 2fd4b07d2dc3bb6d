// `cloacina run` succeeds only when it saw its execution end Completed. Package code runs in
// this process and can end it early (process.exit(0)) or leave promises that never settle,
// after which Node exits with 0 once nothing is left to wait for. The guard keeps the exit
// code 1 until the run says otherwise, and names what was left unfinished.
import type { ExecutionEvent } from '../dal/events.js';

export class RunGuard {
  #result: number | undefined;
  #executionId: string | undefined;
  /** Tasks of the execution with an attempt started and not ended, in start order. */
  readonly #running = new Set<string>();
  readonly #out: NodeJS.WritableStream;

  constructor(out: NodeJS.WritableStream = process.stderr) {
    this.#out = out;
    process.exitCode = 1;
    process.on('beforeExit', this.#onBeforeExit);
    process.on('exit', this.#onExit);
  }

  /** Follows one execution's events, to name its unsettled tasks. */
  readonly listener = (event: ExecutionEvent): void => {
    if (this.#executionId !== undefined && event.executionId !== this.#executionId) return;
    if (event.type === 'taskStarted') this.#running.add(event.taskId);
    else if (event.type.startsWith('task')) this.#running.delete((event as { taskId: string }).taskId);
  };

  watch(executionId: string): void {
    this.#executionId = executionId;
  }

  /** The run ended by itself with this exit code. */
  finish(code: number): void {
    this.#result = code;
    process.exitCode = code;
    process.off('beforeExit', this.#onBeforeExit);
  }

  // The event loop emptied while the run still waits: nothing can settle it any more.
  readonly #onBeforeExit = (): void => {
    if (this.#result !== undefined) return;
    const tasks = [...this.#running];
    const what = this.#executionId === undefined ? 'the run' : `execution ${this.#executionId}`;
    this.#out.write(
      `cloacina: ${what} cannot finish: nothing is left to wait for, yet ` +
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
    this.#out.write(`cloacina: the process was ended (exit code ${code}) before ${this.#executionId === undefined ? 'the run' : `execution ${this.#executionId}`} finished; failing the run\n`);
    process.exitCode = code === 0 ? 1 : code;
  };
}
