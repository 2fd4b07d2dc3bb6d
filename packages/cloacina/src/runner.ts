// The public face of the runtime: open a database, execute workflows, query history.
import { randomUUID } from 'node:crypto';
import {
  Context,
  isPackagedWorkflow,
  validateGraph,
  type JsonValue,
  type PackagedWorkflow,
} from 'cloacina-workflow';
import { MemoryStore } from './dal/memory.js';
import { PostgresStore } from './dal/postgres/store.js';
import { SqliteStore } from './dal/sqlite/store.js';
import type { ExecutionRecord, ExecutionSummary, HistoryQuery, NewExecution, Store } from './dal/types.js';
import { ExecutionDriver } from './engine/driver.js';
import { Limiter } from './engine/limiter.js';
import { resultFromRecord, type ExecutionResult } from './engine/result.js';
import { WriteBatcher } from './engine/write-batcher.js';
import { CronService, type CronOptions } from './cron/service.js';
import { Registry } from './registry/registry.js';

export interface RunnerOptions {
  /** A SQLite file (default `cloacina.db`), `:memory:`, a `postgresql://` URL, or a Store of your own. */
  database?: string | Store;
  /** Task bodies running at once, across executions (default 32). */
  concurrency?: number;
  /** Workflows this runner can run; unfinished executions of these resume on open. */
  workflows?: readonly PackagedWorkflow[];
  /** Poll interval of the cron service in ms (default 1000). */
  cronIntervalMs?: number;
  now?: () => number;
  random?: () => number;
  /**
   * Share the database with other runner processes (PostgreSQL, or one SQLite file): each
   * execution is claimed by one runner under a lease it renews; when a runner dies its
   * lease expires and another runner claims the execution and finishes it.
   */
  shared?: SharedOptions;
}

export interface SharedOptions {
  /** How long a claim lasts without renewal (default 5000 ms). */
  leaseMs?: number;
  /** How often to look for executions to claim (default 100 ms). */
  pollMs?: number;
  /** Executions this runner holds at once (default 64). */
  maxExecutions?: number;
}

export interface ExecutionHandle {
  readonly executionId: string;
  /** Resolves once the execution is stored (it is batched with the first task writes). */
  persisted(): Promise<void>;
  result(): Promise<ExecutionResult>;
}

type InitialContext = Context | Readonly<Record<string, JsonValue>>;

function workflowKey(name: string, version: string): string {
  return `${name}@${version}`;
}

export class Runner {
  readonly #store: Store;
  readonly #limiter: Limiter;
  readonly #writes: WriteBatcher;
  readonly #workflows = new Map<string, PackagedWorkflow>();
  readonly #drivers = new Map<string, ExecutionDriver>();
  readonly #now: () => number;
  readonly #options: RunnerOptions;
  readonly #cron: CronService;
  /** The package registry on this runner's database. */
  readonly registry: Registry;
  /** This runner's identity as a lease holder (shared mode). */
  readonly id = randomUUID();
  readonly #shared: Required<SharedOptions> | undefined;
  readonly #timers: Array<ReturnType<typeof setInterval>> = [];
  #claiming = false;
  #closed = false;

  private constructor(store: Store, options: RunnerOptions) {
    this.#store = store;
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#limiter = new Limiter(options.concurrency ?? 32);
    this.#shared = options.shared && { leaseMs: 5000, pollMs: 100, maxExecutions: 64, ...options.shared };
    this.#writes = new WriteBatcher(
      store,
      // Only the executions whose writes were refused stop; they were not stored.
      (error, writes) => {
        for (const id of new Set(writes.map((w) => (w.type === 'executionCreated' ? w.execution.id : w.executionId)))) {
          this.#drivers.get(id)?.abort(error);
        }
      },
      this.#shared ? { owner: this.id } : undefined,
    );
    this.registry = new Registry(store);
    this.#cron = new CronService(store, {
      intervalMs: options.cronIntervalMs ?? 1000,
      now: this.#now,
      start: (execution) => this.#startDriver(execution),
      workflow: (name) => this.#latest(name),
    });
  }

  /** Opens a runner on a database and resumes the unfinished executions of `workflows`. */
  static async open(options: RunnerOptions = {}): Promise<Runner> {
    const database = options.database ?? 'cloacina.db';
    const store =
      typeof database !== 'string'
        ? database
        : /^postgres(ql)?:\/\//.test(database)
          ? await PostgresStore.connect(database)
          : new SqliteStore(database);
    const runner = new Runner(store, options);
    for (const workflow of options.workflows ?? []) await runner.register(workflow);
    if (runner.#shared) {
      runner.#startSharing();
      return runner;
    }
    // Executions of workflows that came from registered packages resume too.
    for (const record of await store.unfinished()) {
      if (runner.#workflows.has(workflowKey(record.workflow, record.version))) continue;
      const workflow = await runner.registry.findWorkflow(record.workflow, record.version).catch(() => undefined);
      if (workflow !== undefined) await runner.register(workflow);
    }
    return runner;
  }

  /** A runner that persists nothing: same semantics, nothing survives the process. */
  static inMemory(options: Omit<RunnerOptions, 'database'> = {}): Runner {
    return new Runner(new MemoryStore(), options);
  }

  /** Makes a workflow runnable by name, and resumes its unfinished executions. */
  async register(workflow: PackagedWorkflow): Promise<void> {
    assertWorkflow(workflow);
    this.#workflows.set(workflowKey(workflow.name, workflow.version), workflow);
    // Shared runners take over executions only by claiming them (expired leases).
    if (this.#shared) return;
    for (const record of await this.#store.unfinished()) {
      if (record.workflow !== workflow.name || record.version !== workflow.version || this.#drivers.has(record.id)) continue;
      await this.#store.releaseRunning(record.id);
      this.#drive(workflow, (await this.#store.execution(record.id))!);
    }
  }

  /**
   * Starts a new execution. The workflow and the context are checked first: nothing is
   * written for an invalid one. The execution is stored in the same transaction as its
   * first task writes; `persisted()` resolves when that has happened.
   */
  async execute(workflow: PackagedWorkflow | string, initialContext: InitialContext = {}): Promise<ExecutionHandle> {
    this.#assertOpen();
    const wf = typeof workflow === 'string' ? this.#latest(workflow) : workflow;
    if (wf === undefined) throw new Error(`no workflow named ${JSON.stringify(workflow)} is registered with this runner`);
    assertWorkflow(wf);
    // The newest object under a name and version is the one resumed after a crash.
    this.#workflows.set(workflowKey(wf.name, wf.version), wf);
    const context = new Context(initialContext as Record<string, JsonValue>);
    const execution: NewExecution = {
      id: randomUUID(),
      workflow: wf.name,
      version: wf.version,
      initialContext: context.encode(),
      taskIds: wf.tasks.map((t) => t.id),
      startedAt: this.#now(),
      ...(this.#shared ? { owner: this.id, leaseUntil: this.#now() + this.#shared.leaseMs } : {}),
    };
    this.#writes.push({ type: 'executionCreated', execution });
    const persisted = this.#writes.flushed();
    // No task body runs before its execution is durable: a crash can lose only what never started.
    const driver = this.#startDriver(execution, persisted, wf);
    // A shared runner may lose an execution to another runner; the result then comes from the database.
    const result = this.#shared ? () => driver.done.catch(() => this.#pollResult(execution.id)) : () => driver.done;
    return { executionId: execution.id, persisted: () => persisted, result };
  }

  /**
   * Stores an execution for any runner sharing the database to claim and run (shared mode);
   * nothing runs in this process unless this runner claims it.
   */
  async submit(workflow: PackagedWorkflow, initialContext: InitialContext = {}): Promise<ExecutionHandle> {
    this.#assertOpen();
    assertWorkflow(workflow);
    const context = new Context(initialContext as Record<string, JsonValue>);
    const execution: NewExecution = {
      id: randomUUID(),
      workflow: workflow.name,
      version: workflow.version,
      initialContext: context.encode(),
      taskIds: workflow.tasks.map((t) => t.id),
      startedAt: this.#now(),
      owner: null,
    };
    const stored = this.#store.apply([{ type: 'executionCreated', execution }]);
    await stored;
    return { executionId: execution.id, persisted: () => stored, result: () => this.#pollResult(execution.id) };
  }

  /** Runs the workflow of a registered package. */
  async executePackage(name: string, version: string, initialContext: InitialContext = {}): Promise<ExecutionHandle> {
    return this.execute(await this.registry.load(name, version), initialContext);
  }

  /** Waits for an execution of this runner, or reads a finished one from the database. */
  async wait(executionId: string): Promise<ExecutionResult> {
    const driver = this.#drivers.get(executionId);
    if (driver) return this.#shared ? driver.done.catch(() => this.#pollResult(executionId)) : driver.done;
    if (this.#shared) return this.#pollResult(executionId);
    const result = await this.execution(executionId);
    if (result === undefined) throw new Error(`no execution ${executionId}`);
    return result;
  }

  async execution(executionId: string): Promise<ExecutionResult | undefined> {
    const record = await this.#store.execution(executionId);
    return record === undefined ? undefined : resultFromRecord(record);
  }

  history(query: HistoryQuery = {}): Promise<ExecutionSummary[]> {
    return this.#store.history(query);
  }

  /** Runs `workflow` on a cron expression in a time zone; see README for missed slots. */
  async schedule(workflow: PackagedWorkflow, options: CronOptions): Promise<string> {
    this.#assertOpen();
    assertWorkflow(workflow);
    this.#workflows.set(workflowKey(workflow.name, workflow.version), workflow);
    return this.#cron.add(workflow.name, options);
  }

  unschedule(id: string): Promise<boolean> {
    return this.#cron.remove(id);
  }

  /** Starts firing cron schedules (call once the workflows they name are registered). */
  startCron(): void {
    this.#cron.start();
  }

  /** Runs the cron service once now; returns the executions it started. */
  tickCron(): Promise<ExecutionHandle[]> {
    return this.#cron
      .tick()
      .then((drivers) => drivers.map((d) => ({ executionId: d.record.id, persisted: () => Promise.resolve(), result: () => d.done })));
  }

  /** Stops starting work, waits for pending writes, closes the database. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const timer of this.#timers) clearInterval(timer);
    this.#cron.stop();
    for (const driver of this.#drivers.values()) driver.stop();
    await this.#writes.flushed().catch(() => {});
    await this.#store.close();
  }

  #latest(name: string): PackagedWorkflow | undefined {
    let found: PackagedWorkflow | undefined;
    for (const wf of this.#workflows.values()) if (wf.name === name) found = wf;
    return found;
  }

  #startDriver(execution: NewExecution, stored: Promise<void> = Promise.resolve(), workflow?: PackagedWorkflow): ExecutionDriver {
    const wf = workflow ?? this.#workflows.get(workflowKey(execution.workflow, execution.version))!;
    const record: ExecutionRecord = {
      id: execution.id,
      workflow: execution.workflow,
      version: execution.version,
      status: 'Running',
      initialContext: execution.initialContext,
      startedAt: execution.startedAt,
      tasks: execution.taskIds.map((taskId) => ({ taskId, state: 'Pending', attempts: 0 })),
    };
    return this.#drive(wf, record, stored);
  }

  #drive(workflow: PackagedWorkflow, record: ExecutionRecord, stored: Promise<void> = Promise.resolve()): ExecutionDriver {
    const driver = new ExecutionDriver(workflow, record, {
      limiter: this.#limiter,
      writes: this.#writes,
      now: this.#now,
      ...(this.#options.random ? { random: this.#options.random } : {}),
    });
    this.#drivers.set(record.id, driver);
    const forget = () => {
      this.#drivers.delete(record.id);
      // A shared runner with room again looks for work now rather than at its next poll.
      if (this.#shared && !this.#closed) void this.#claim().catch(() => {});
    };
    driver.done.then(forget, forget);
    stored.then(
      () => void driver.start(),
      (error: Error) => driver.abort(error),
    );
    return driver;
  }

  /** Shared mode: claim executions whose lease is free, and keep renewing ours. */
  #startSharing(): void {
    const shared = this.#shared!;
    const claim = setInterval(() => void this.#claim().catch(() => {}), shared.pollMs);
    const renew = setInterval(() => void this.#renew().catch(() => {}), Math.max(10, Math.floor(shared.leaseMs / 3)));
    this.#timers.push(claim, renew);
    void this.#claim().catch(() => {});
  }

  async #claim(): Promise<void> {
    if (this.#claiming || this.#closed) return;
    this.#claiming = true;
    try {
      const shared = this.#shared!;
      const room = shared.maxExecutions - this.#drivers.size;
      if (room <= 0) return;
      const now = this.#now();
      const claimed = await this.#store.claimExecutions(this.id, room, now + shared.leaseMs, now);
      for (const record of await this.#store.executions(claimed)) {
        const workflow =
          this.#workflows.get(workflowKey(record.workflow, record.version)) ??
          (await this.registry.findWorkflow(record.workflow, record.version).catch(() => undefined));
        // Unknown here: leave it; the lease expires and a runner that knows it claims it.
        if (workflow === undefined || this.#closed) continue;
        this.#drive(workflow, record);
      }
    } finally {
      this.#claiming = false;
    }
  }

  async #renew(): Promise<void> {
    const ids = [...this.#drivers.keys()];
    if (ids.length === 0 || this.#closed) return;
    const held = new Set(await this.#store.renewLeases(this.id, ids, this.#now() + this.#shared!.leaseMs));
    for (const id of ids) {
      if (!held.has(id)) this.#drivers.get(id)?.abort(new Error(`lost the lease on execution ${id}`));
    }
  }

  /** Reads the database until an execution ends (for executions run by another runner). */
  async #pollResult(executionId: string): Promise<ExecutionResult> {
    const interval = this.#shared?.pollMs ?? 100;
    for (;;) {
      const result = await this.execution(executionId);
      if (result === undefined) throw new Error(`no execution ${executionId}`);
      if (result.status !== 'Running') return result;
      await new Promise((resolve) => setTimeout(resolve, interval));
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error('this runner is closed');
  }
}

/** Refuses anything that is not a valid workflow, before anything is stored. */
function assertWorkflow(workflow: unknown): asserts workflow is PackagedWorkflow {
  if (!isPackagedWorkflow(workflow)) throw new TypeError('expected a workflow made with packagedWorkflow()');
  // Re-check the graph: a workflow object may come from another copy or a package.
  validateGraph(workflow.name, workflow.tasks);
}

/** Runs a workflow in this process with no persistence (the runtime's exact semantics). */
export async function executeInMemory(
  workflow: PackagedWorkflow,
  initialContext: InitialContext = {},
  options: Omit<RunnerOptions, 'database' | 'workflows'> = {},
): Promise<ExecutionResult> {
  const runner = Runner.inMemory(options);
  try {
    return await (await runner.execute(workflow, initialContext)).result();
  } finally {
    await runner.close();
  }
}
