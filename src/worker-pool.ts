// Worker threads that pull chunks of candidate files from the main thread. They start when
// the first work is served (once enough candidates are found), so a tree with few or no
// cloacina files never pays for booting threads; each asks for work when ready and keeps two
// chunks in flight, so it does not wait on the main thread while that one is busy reading.
import { Worker } from 'node:worker_threads';
import { failedResult, type FileResult, type MigrateOptions } from './file-result.js';

export interface Candidate {
  file: string;
  source: string;
}

/** Where workers take their work from: the shared queue of candidates. */
export interface WorkSource {
  /** Up to `size` candidates, or an empty array when none are waiting now. */
  take(size: number): Candidate[];
  /** True once no more candidates can arrive. */
  finished(): boolean;
}

export type WorkerMessage = { kind: 'ready' } | { kind: 'results'; results: FileResult[] };

/** A chunk of work; the first one a worker gets carries the project's files. */
export interface WorkerRequest {
  candidates: Candidate[];
  options: MigrateOptions;
  project?: readonly string[];
}

const CHUNK = 8;
const IN_FLIGHT = 2;

interface Job {
  source: WorkSource;
  options: MigrateOptions;
  onResult: (result: FileResult) => void;
  /** Every file of the project, sent once to each worker so it need not list them again. */
  files?: readonly string[];
}

export class WorkerPool {
  readonly #workers = new Set<PooledWorker>();
  #job: Job | undefined;
  #settle: (() => void) | undefined;

  /** `script` is the worker entry; tests give one that crashes. */
  constructor(
    private readonly count: number,
    private readonly script: URL = new URL('./worker.js', import.meta.url),
  ) {}

  /** Starts the workers and hands them work from `source`; results go to `onResult`, in no set order. */
  serve(source: WorkSource, options: MigrateOptions, onResult: (result: FileResult) => void, files?: readonly string[]): void {
    this.#job = { source, options, onResult, ...(files ? { files } : {}) };
    for (let i = 0; i < this.count; i++) this.#start();
    this.feed();
  }

  /** Stops every worker (for a run that needs none after all, or ends early). */
  close(): void {
    for (const worker of this.#workers) this.#retire(worker);
  }

  /** Hands waiting candidates to idle workers; call after adding work or finishing reading. */
  feed(): void {
    for (const worker of this.#workers) this.#fill(worker);
  }

  /** Resolves when the source is finished and every worker has returned all it was given. */
  drained(): Promise<void> {
    this.feed();
    if (this.#job === undefined) this.close();
    if (this.#workers.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.#settle = resolve;
    });
  }

  #start(): void {
    const thread = new Worker(this.script);
    const worker: PooledWorker = { thread, ready: false, told: false, inFlight: [] };
    this.#workers.add(worker);
    thread.on('message', (message: WorkerMessage) => {
      if (message.kind === 'ready') worker.ready = true;
      else {
        worker.inFlight.shift();
        for (const result of message.results) this.#job!.onResult(result);
      }
      this.#fill(worker);
    });
    // A worker that dies reports the files it held as failed; the others carry on.
    const lost = (reason: string) => {
      if (!this.#workers.has(worker)) return;
      for (const chunk of worker.inFlight) {
        for (const { file } of chunk) {
          this.#job!.onResult(failedResult(file, `${file}: worker crashed: ${reason}`));
        }
      }
      this.#retire(worker);
    };
    thread.on('error', (error) => lost(error.message));
    thread.on('exit', (code) => lost(`exit code ${code}`));
  }

  #fill(worker: PooledWorker): void {
    const job = this.#job;
    if (job === undefined || !worker.ready || !this.#workers.has(worker)) return;
    while (worker.inFlight.length < IN_FLIGHT) {
      const chunk = job.source.take(CHUNK);
      if (chunk.length === 0) break;
      worker.inFlight.push(chunk);
      const project = worker.told || job.files === undefined ? undefined : job.files;
      worker.told = true;
      worker.thread.postMessage({ candidates: chunk, options: job.options, ...(project ? { project } : {}) } satisfies WorkerRequest);
    }
    if (worker.inFlight.length === 0 && job.source.finished()) this.#retire(worker);
  }

  #retire(worker: PooledWorker): void {
    this.#workers.delete(worker);
    // Not awaited: the thread holds nothing the run still needs.
    worker.thread.unref();
    void worker.thread.terminate();
    if (this.#workers.size === 0) this.#settle?.();
  }
}

interface PooledWorker {
  thread: Worker;
  ready: boolean;
  /** Whether it has been sent the project's files. */
  told: boolean;
  inFlight: Candidate[][];
}
