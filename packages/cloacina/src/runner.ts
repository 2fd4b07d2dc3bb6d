// The public face of the runtime: open a database, execute workflows, control them, and
// query their history and events.
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
import { isFinished } from './dal/control.js';
import { eventOf, timedOutBefore, type ExecutionEvent } from './dal/events.js';
import { LEASE_LOST } from './dal/sqlite/store.js';
import { isTransient } from './dal/database-error.js';
import type {
  ControlAction,
  ExecutionRecord,
  ExecutionStatus,
  HistoryPage,
  HistoryQuery,
  NewExecution,
  PruneQuery,
  Store,
  StoreOptions,
  Write,
} from './dal/types.js';
import { ExecutionDriver } from './engine/driver.js';
import { Limiter } from './engine/limiter.js';
import { resultFromRecord, type ExecutionResult } from './engine/result.js';
import { DEFAULT_WRITE_RETRY_MS, WriteBatcher } from './engine/write-batcher.js';
import { CronService, type CronOptions, type ScheduleInfo, type ScheduleUpdate } from './cron/service.js';
import { Registry } from './registry/registry.js';
import { assertIsolationPossible } from './engine/worker-body.js';
import { trustedKeys } from './packaging/signing.js';
import type { PackageLoadOptions } from './packaging/open.js';
import { createTelemetry, type Telemetry, type TelemetryProviders } from './telemetry/otel.js';
import { RUNTIME_VERSION } from './version.js';
import { executionCreated, newExecution } from './dal/writes.js';
import { checkHistoryQuery, checkPruneQuery, checkTimeout } from './query-checks.js';

export interface RunnerOptions {
  /** A SQLite file (default `cloacina.db`), `:memory:`, a `postgresql://` URL, or a Store of your own. */
  database?: string | Store;
  /** Task bodies running at once, across executions (default 32). */
  concurrency?: number;
  /**
   * PostgreSQL only: the schema that holds every table of this runner (one per tenant),
   * created and migrated on first use. Runners on other schemas of the same database never
   * see its executions, packages or schedules.
   */
  schema?: string;
  /** Workflows this runner can run; unfinished executions of these resume on open. */
  workflows?: readonly PackagedWorkflow[];
  /**
   * Resume, on open, the unfinished executions of workflows from registered packages
   * (default true). Tools that only inspect or control executions set it to false;
   * `register(workflow)` still resumes that workflow's executions.
   */
  resume?: boolean;
  /** Poll interval of the cron service in ms (default 1000). */
  cronIntervalMs?: number;
  /** Which packages `registry` accepts: trusted signers, whether to require signatures, the import time limit. */
  registry?: PackageLoadOptions;
  now?: () => number;
  random?: () => number;
  /**
   * Share the database with other runner processes (PostgreSQL, or one SQLite file): each
   * execution is claimed by one runner under a lease it renews; when a runner dies its
   * lease expires and another runner claims the execution and finishes it.
   */
  shared?: SharedOptions;
  /** An attempt's timeout when its task sets no `timeoutMs` (default 300,000 ms; `Infinity`: none). */
  taskTimeoutMs?: number;
  /**
   * How long an execution may run, time spent Paused not counted (default 3,600,000 ms;
   * `Infinity`: none). Past it the execution fails with the reason "workflow timed out".
   * Stored with each execution when it starts.
   */
  workflowTimeoutMs?: number;
  /** Store lifecycle events for `events(executionId)` (default true). Live listeners get them either way. */
  events?: boolean;
  /** SQLite: how long a statement waits for another connection's write lock (default 10,000 ms). */
  busyTimeoutMs?: number;
  /**
   * SQLite: an existing file up to this size (with its WAL) gets a full `PRAGMA quick_check`
   * before anything is written to it (default 64 MiB; 0 turns the check off).
   */
  integrityCheckMaxBytes?: number;
  /** PostgreSQL: how long connecting may take (default 10,000 ms). */
  connectTimeoutMs?: number;
  /** PostgreSQL: how long one statement may run (default 30,000 ms). */
  statementTimeoutMs?: number;
  /**
   * How long a batch of writes that fails because the database is busy or unreachable is
   * tried again, with backoff, before its executions fail (default 300,000 ms).
   */
  writeRetryMs?: number;
  /**
   * OpenTelemetry spans and metrics through `@opentelemetry/api`, when it is installed:
   * the global providers by default, or the ones given here; `false` turns them off.
   */
  telemetry?: false | TelemetryProviders;
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

/**
 * What `cancel`, `pause` or `resume` did. `pending`: another live runner holds the
 * execution; it acts on the stored request within one lease period. `status` is the
 * execution's status now (an execution that had already ended keeps its status).
 */
export interface ControlResult {
  executionId: string;
  status: ExecutionStatus;
  pending: boolean;
}

export type EventListener = (event: ExecutionEvent) => void;

type InitialContext = Context | Readonly<Record<string, JsonValue>>;

/** How long a runner's hold on an execution lasts without renewal, when not set by `shared.leaseMs`. */
const DEFAULT_LEASE_MS = 5000;

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
  /** This runner's identity as a lease holder. */
  readonly id = randomUUID();
  readonly #shared: Required<SharedOptions> | undefined;
  /** Persistent runners hold their executions under a renewed lease, shared or not, so others can tell they are live. */
  readonly #leaseMs: number | undefined;
  readonly #taskTimeoutMs: number;
  readonly #workflowTimeoutMs: number;
  readonly #telemetry: Telemetry | undefined;
  readonly #listeners = new Set<EventListener>();
  readonly #timers: Array<ReturnType<typeof setInterval>> = [];
  #claiming = false;
  #closed = false;
  #holding = false;
  /** Timer failures already reported (see #reportTick). */
  readonly #reported = new Set<string>();
  /** When the current run of failing writes started warning (one warning per run). */
  #warnedRetry = false;

  private constructor(store: Store, options: RunnerOptions) {
    this.#store = store;
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#limiter = new Limiter(options.concurrency ?? 32);
    this.#taskTimeoutMs = checkTimeout('taskTimeoutMs', options.taskTimeoutMs, 300_000);
    this.#workflowTimeoutMs = checkTimeout('workflowTimeoutMs', options.workflowTimeoutMs, 3_600_000);
    this.#shared = options.shared && { leaseMs: DEFAULT_LEASE_MS, pollMs: 100, maxExecutions: 64, ...options.shared };
    this.#leaseMs = store instanceof MemoryStore ? undefined : (this.#shared?.leaseMs ?? DEFAULT_LEASE_MS);
    this.#telemetry = createTelemetry(options.telemetry, RUNTIME_VERSION);
    const telemetry = this.#telemetry;
    this.#writes = new WriteBatcher(
      store,
      // Only the executions whose writes were refused stop; they were not stored.
      (error, writes) => {
        const ids = new Set(writes.map((w) => (w.type === 'executionCreated' ? w.execution.executionId : w.executionId)));
        // A lost lease is how shared runners hand work over; anything else is a storage fault to report.
        if ((error as { code?: string }).code !== LEASE_LOST) {
          process.emitWarning(`cloacina: writes of ${ids.size} execution(s) failed and were not stored; they stop here: ${error.message}`);
        }
        for (const id of ids) this.#drivers.get(id)?.abort(error);
      },
      this.#shared ? { owner: this.id } : undefined,
      {
        ...(telemetry ? { pushed: (w: Write) => telemetry.pushed(w) } : {}),
        applied: (batch) => {
          this.#warnedRetry = false;
          this.#emit(batch);
        },
        retrying: (error, _delay, failingFor) => {
          // Busy moments are routine; say something once a run of failures lasts.
          if (this.#warnedRetry || failingFor < 1000) return;
          this.#warnedRetry = true;
          process.emitWarning(`cloacina: storing writes keeps failing, retrying with backoff for up to ${options.writeRetryMs ?? DEFAULT_WRITE_RETRY_MS} ms: ${error.message}`);
        },
      },
      options.writeRetryMs ?? DEFAULT_WRITE_RETRY_MS,
    );
    this.registry = new Registry(store, undefined, { ...options.registry, unfinished: (workflow, version) => this.#liveExecutions(workflow, version) });
    this.#cron = new CronService(store, {
      intervalMs: options.cronIntervalMs ?? 1000,
      now: this.#now,
      start: (execution) => this.#startDriver(execution),
      workflow: (name) => this.#latest(name),
      newExecution: (workflow, initialContext, startedAt) => this.#newExecution(workflow, initialContext, startedAt, this.id),
    });
  }

  /** Opens a runner on a database and resumes the unfinished executions of `workflows`. */
  static async open(options: RunnerOptions = {}): Promise<Runner> {
    const database = options.database ?? 'cloacina.db';
    const storeOptions: StoreOptions = { events: options.events ?? true };
    for (const key of ['busyTimeoutMs', 'integrityCheckMaxBytes', 'connectTimeoutMs', 'statementTimeoutMs'] as const) {
      if (options[key] !== undefined) storeOptions[key] = options[key];
    }
    const postgres = typeof database === 'string' && /^postgres(ql)?:\/\//.test(database);
    if (options.schema !== undefined && !postgres) {
      throw new TypeError(`RunnerOptions.schema (${JSON.stringify(options.schema)}) needs a postgresql:// database; SQLite keeps one tenant per file`);
    }
    if (options.schema !== undefined) storeOptions.schema = options.schema;
    trustedKeys(options.registry); // a bad key is refused before the database is touched
    const store =
      typeof database !== 'string'
        ? database
        : postgres
          ? await PostgresStore.connect(database, storeOptions)
          : new SqliteStore(database, storeOptions);
    const runner = new Runner(store, options);
    try {
      // A shared runner claims work from the start; a plain one holds the file once it
      // resumes, registers or starts something (so one opened only to look is not refused).
      if (runner.#shared) runner.#holdDatabase();
      for (const workflow of options.workflows ?? []) await runner.register(workflow);
      if (!runner.#shared && options.resume !== false) {
        // Executions of workflows that came from registered packages resume too.
        for (const record of await store.unfinished()) {
          if (runner.#workflows.has(workflowKey(record.workflow, record.version))) continue;
          const workflow = await runner.registry.findWorkflow(record.workflow, record.version).catch(() => undefined);
          if (workflow !== undefined) await runner.register(workflow);
        }
      }
    } catch (error) {
      // What it opened, it closes (a SQLite file's runner lock goes with it); a given store stays the caller's.
      if (typeof database === 'string') await runner.close();
      throw error;
    }
    runner.#startRenewing();
    if (runner.#shared) runner.#startSharing();
    return runner;
  }

  /** A runner that persists nothing: same semantics, nothing survives the process. */
  static inMemory(options: Omit<RunnerOptions, 'database'> = {}): Runner {
    return new Runner(new MemoryStore(), options);
  }

  /** Makes a workflow runnable by name, and resumes its unfinished executions. */
  async register(workflow: PackagedWorkflow): Promise<void> {
    assertWorkflow(workflow);
    this.#holdDatabase();
    this.#workflows.set(workflowKey(workflow.name, workflow.version), workflow);
    // Shared runners take over executions only by claiming them (expired leases).
    if (this.#shared) return;
    for (const record of await this.#store.unfinished()) {
      if (record.workflow !== workflow.name || record.version !== workflow.version || this.#drivers.has(record.executionId)) continue;
      await this.#adopt(workflow, record.executionId);
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
    this.#holdDatabase();
    // The newest object under a name and version is the one resumed after a crash.
    this.#workflows.set(workflowKey(wf.name, wf.version), wf);
    const context = new Context(initialContext as Record<string, JsonValue>);
    const execution = this.#newExecution(wf, context.encode(), this.#now(), this.id);
    this.#writes.push(executionCreated(execution));
    const persisted = this.#writes.flushed();
    // No task body runs before its execution is durable: a crash can lose only what never started.
    const driver = this.#startDriver(execution, persisted, wf);
    const id = execution.executionId;
    // A shared runner may lose an execution to another runner; the result then comes from the database.
    const result = this.#shared ? () => driver.done.catch(() => this.#pollResult(id)) : () => driver.done;
    return { executionId: id, persisted: () => persisted, result };
  }

  /**
   * Stores an execution for any runner sharing the database to claim and run (shared mode);
   * nothing runs in this process unless this runner claims it.
   */
  async submit(workflow: PackagedWorkflow, initialContext: InitialContext = {}): Promise<ExecutionHandle> {
    this.#assertOpen();
    assertWorkflow(workflow);
    const context = new Context(initialContext as Record<string, JsonValue>);
    const execution = this.#newExecution(workflow, context.encode(), this.#now(), null);
    const created = executionCreated(execution);
    const stored = this.#store.apply([created]);
    await stored;
    this.#emit([created]);
    const id = execution.executionId;
    return { executionId: id, persisted: () => stored, result: () => this.#pollResult(id) };
  }

  /** Runs the workflow of a registered package. */
  async executePackage(name: string, version: string, initialContext: InitialContext = {}): Promise<ExecutionHandle> {
    const handle = await this.execute(await this.registry.load(name, version), initialContext);
    // Stored before this returns, so `unregister` on any runner sharing the database refuses from now on.
    await handle.persisted();
    return handle;
  }

  /** Waits for an execution to end: one of this runner's, or one another runner runs. */
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

  /**
   * Ends an execution: it becomes Cancelled, running tasks see their `signal` aborted and
   * nothing new starts; tasks not yet ended are Skipped ("execution cancelled").
   */
  cancel(executionId: string): Promise<ControlResult> {
    return this.#control(executionId, 'cancel');
  }

  /** Pauses an execution: it becomes Paused; running tasks finish, nothing new starts until `resume`. */
  pause(executionId: string): Promise<ControlResult> {
    return this.#control(executionId, 'pause');
  }

  /** Resumes a Paused execution where it stopped. */
  resume(executionId: string): Promise<ControlResult> {
    return this.#control(executionId, 'resume');
  }

  /** The stored lifecycle events of an execution, in order (none for `Runner.inMemory`). */
  events(executionId: string): Promise<ExecutionEvent[]> {
    return this.#store.events(executionId);
  }

  /** Streams lifecycle events of the executions this runner drives (and the control changes it makes), as they are stored. */
  on(name: 'event', listener: EventListener): this {
    if (name !== 'event') throw new TypeError(`runner.on: unknown event ${JSON.stringify(name)} (only 'event')`);
    this.#listeners.add(listener);
    return this;
  }

  off(name: 'event', listener: EventListener): this {
    if (name !== 'event') throw new TypeError(`runner.off: unknown event ${JSON.stringify(name)} (only 'event')`);
    this.#listeners.delete(listener);
    return this;
  }

  /** A page of executions, newest first; pass the page's `cursor` back for the next one. */
  async history(query: HistoryQuery = {}): Promise<HistoryPage> {
    return this.#store.history(checkHistoryQuery(query));
  }

  /** Deletes executions that finished before `olderThan` (with their tasks, contexts and events); returns how many. */
  async prune(query: PruneQuery): Promise<number> {
    return this.#store.prune(checkPruneQuery(query));
  }

  /** Runs `workflow` on a cron expression in a time zone; see README for missed slots. */
  async schedule(workflow: PackagedWorkflow, options: CronOptions): Promise<string> {
    this.#assertOpen();
    assertWorkflow(workflow);
    this.#holdDatabase();
    this.#workflows.set(workflowKey(workflow.name, workflow.version), workflow);
    return this.#cron.add(workflow.name, options);
  }

  unschedule(id: string): Promise<boolean> {
    return this.#cron.remove(id);
  }

  /** Every stored cron schedule, with its policy and next slot (workflows not registered here included). */
  schedules(): Promise<ScheduleInfo[]> {
    return this.#cron.list();
  }

  /**
   * Changes a schedule's expression, time zone, context, catch-up policy or whether it is
   * enabled; returns it as changed. A new expression or time zone, and enabling, count slots
   * from now on: slots passed meanwhile never fire.
   */
  updateSchedule(scheduleId: string, update: ScheduleUpdate): Promise<ScheduleInfo> {
    return this.#cron.update(scheduleId, update);
  }

  /** Stops a schedule firing until `enableSchedule`; nothing stored is lost. */
  disableSchedule(scheduleId: string): Promise<ScheduleInfo> {
    return this.#cron.update(scheduleId, { enabled: false });
  }

  /** Lets a disabled schedule fire again, from its next slot on (the slots it missed do not fire). */
  enableSchedule(scheduleId: string): Promise<ScheduleInfo> {
    return this.#cron.update(scheduleId, { enabled: true });
  }

  /** The executions a schedule started, newest first, a page at a time (each with the slot it fired for). */
  scheduleHistory(scheduleId: string, query: Omit<HistoryQuery, 'schedule'> = {}): Promise<HistoryPage> {
    return this.history({ ...query, schedule: scheduleId });
  }

  /** Starts firing cron schedules (call once the workflows they name are registered). */
  startCron(): void {
    this.#cron.start();
  }

  /** Runs the cron service once now; returns the executions it started. */
  tickCron(): Promise<ExecutionHandle[]> {
    return this.#cron
      .tick()
      .then((drivers) => drivers.map((d) => ({ executionId: d.record.executionId, persisted: () => Promise.resolve(), result: () => d.done })));
  }

  /** Stops starting work, waits for pending writes, closes the database. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const timer of this.#timers) clearInterval(timer);
    this.#cron.stop();
    const held: string[] = [];
    for (const [id, driver] of this.#drivers) {
      if (driver.started) held.push(id);
      driver.stop();
      this.#telemetry?.interrupted(id);
    }
    await this.#writes.flushed().catch(() => {});
    // Let go of what this runner held, so other runners may act on it now rather than when the leases run out.
    if (held.length > 0 && this.#leaseMs !== undefined) await this.#store.renewLeases(this.id, held, 0).catch(() => {});
    await this.#store.close();
  }

  #newExecution(workflow: PackagedWorkflow, initialContext: string, startedAt: number, owner: string | null): NewExecution {
    // No owner: left for any runner; an owner without a lease: this runner alone (in memory).
    const leased = owner !== null && this.#leaseMs !== undefined;
    return newExecution({
      executionId: randomUUID(),
      owner: leased ? owner : owner === null ? null : undefined,
      leaseUntil: leased ? startedAt + this.#leaseMs! : undefined,
      workflow: workflow.name,
      version: workflow.version,
      initialContext,
      taskIds: workflow.tasks.map((t) => t.id),
      startedAt,
      timeoutMs: Number.isFinite(this.#workflowTimeoutMs) ? this.#workflowTimeoutMs : undefined,
    });
  }

  async #control(executionId: string, action: ControlAction): Promise<ControlResult> {
    this.#assertOpen();
    const driver = this.#drivers.get(executionId);
    if (driver?.control(action)) {
      const status = driver.status;
      await this.#writes.flushed();
      return { executionId, status, pending: false };
    }
    const outcome = await this.#store.control(executionId, action, { owner: this.id, now: this.#now() });
    if (outcome === undefined) throw new Error(`no execution ${executionId}`);
    if (outcome.applied !== undefined) {
      this.#emit([outcome.applied]);
      // Resumed with nobody holding it: a shared runner claims it; otherwise this runner runs it, if it knows the workflow.
      if (action === 'resume') {
        if (this.#shared) void this.#claim().catch(this.#reportTick('claiming executions'));
        // A workflow this runner does not know: a runner that registers it runs it.
        else await this.adopt(executionId).catch(() => false);
      }
    }
    return { executionId, status: outcome.status, pending: outcome.pending };
  }

  /**
   * Runs an unfinished execution in this runner, unless another live runner holds it (its
   * lease has not expired): tasks left Running go back to Pending, a Paused one is held
   * Paused. Its workflow must be registered with this runner or stored as a package.
   * Resolves true when this runner runs it (also when it already did), false otherwise.
   */
  async adopt(executionId: string): Promise<boolean> {
    this.#assertOpen();
    if (this.#drivers.has(executionId)) return true;
    const record = await this.#store.execution(executionId);
    if (record === undefined) throw new Error(`no execution ${executionId}`);
    if (isFinished(record.status)) return false;
    const workflow =
      this.#workflows.get(workflowKey(record.workflow, record.version)) ??
      (await this.registry.findWorkflow(record.workflow, record.version).catch(() => undefined));
    if (workflow === undefined) throw new Error(`execution ${executionId}: workflow ${record.workflow}@${record.version} is neither registered with this runner nor stored as a package`);
    // Refused (with the reason) when another plain runner holds the SQLite file: that one runs it.
    this.#holdDatabase();
    return this.#adopt(workflow, executionId, this.#now());
  }

  /** Takes an unfinished execution over (tasks left Running go back to Pending) and drives it here. */
  async #adopt(workflow: PackagedWorkflow, executionId: string, unlessHeldAt?: number): Promise<boolean> {
    const taken = await this.#store.takeOver(executionId, this.id, this.#now() + (this.#leaseMs ?? DEFAULT_LEASE_MS), unlessHeldAt);
    if (taken === undefined) return false;
    const record = await this.#store.execution(executionId);
    if (record === undefined || isFinished(record.status)) return false;
    if (!this.#drivers.has(executionId)) this.#drive(workflow, record);
    return true;
  }

  /** Live listeners get the events of every stored batch (listener errors become warnings). */
  #emit(writes: readonly Write[]): void {
    if (this.#listeners.size === 0) return;
    for (const write of writes) {
      // Not eventsOf: an array per write is garbage the collector pays for in a busy runner.
      const timedOut = timedOutBefore(write);
      if (timedOut !== undefined) this.#tell(timedOut);
      this.#tell(eventOf(write));
    }
  }

  #tell(event: ExecutionEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        process.emitWarning(`a runner 'event' listener threw: ${(error as Error)?.message ?? String(error)}`);
      }
    }
  }

  /** This runner's executions of a workflow version that have not ended, stored or not yet. */
  #liveExecutions(workflow: string, version: string): string[] {
    const ids: string[] = [];
    for (const [id, driver] of this.#drivers) if (driver.workflow.name === workflow && driver.workflow.version === version) ids.push(id);
    return ids;
  }

  #latest(name: string): PackagedWorkflow | undefined {
    let found: PackagedWorkflow | undefined;
    for (const wf of this.#workflows.values()) if (wf.name === name) found = wf;
    return found;
  }

  #startDriver(execution: NewExecution, stored: Promise<void> = Promise.resolve(), workflow?: PackagedWorkflow): ExecutionDriver {
    const wf = workflow ?? this.#workflows.get(workflowKey(execution.workflow, execution.version))!;
    const record: ExecutionRecord = {
      executionId: execution.executionId,
      workflow: execution.workflow,
      version: execution.version,
      status: 'Running',
      initialContext: execution.initialContext,
      startedAt: execution.startedAt,
      pausedMs: 0,
      ...(execution.timeoutMs === undefined ? {} : { timeoutMs: execution.timeoutMs }),
      tasks: execution.taskIds.map((taskId) => ({ taskId, state: 'Pending', attempts: 0 })),
    };
    return this.#drive(wf, record, stored);
  }

  #drive(workflow: PackagedWorkflow, record: ExecutionRecord, stored: Promise<void> = Promise.resolve()): ExecutionDriver {
    const driver = new ExecutionDriver(workflow, record, {
      limiter: this.#limiter,
      writes: this.#writes,
      now: this.#now,
      taskTimeoutMs: this.#taskTimeoutMs,
      ...(this.#options.random ? { random: this.#options.random } : {}),
    });
    const id = record.executionId;
    this.#drivers.set(id, driver);
    this.#telemetry?.track(id, record.workflow, record.version, record.startedAt);
    const forget = () => {
      this.#drivers.delete(id);
      this.#telemetry?.interrupted(id);
      // A shared runner with room again looks for work now rather than at its next poll.
      if (this.#shared && !this.#closed) void this.#claim().catch(this.#reportTick('claiming executions'));
    };
    driver.done.then(forget, forget);
    stored.then(
      () => void driver.start(),
      (error: Error) => driver.abort(error),
    );
    return driver;
  }

  /** Renews the leases of the executions this runner drives, and acts on control requests stored for them. */
  #startRenewing(): void {
    if (this.#leaseMs === undefined) return;
    const timer = setInterval(() => void this.#renew().catch(this.#reportTick('renewing leases')), Math.max(10, Math.floor(this.#leaseMs / 3)));
    // A runner that is not shared must not keep its process alive on its own.
    if (!this.#shared) timer.unref();
    this.#timers.push(timer);
  }

  /** Shared mode: claim executions whose lease is free. */
  #startSharing(): void {
    const claim = setInterval(() => void this.#claim().catch(this.#reportTick('claiming executions')), this.#shared!.pollMs);
    this.#timers.push(claim);
    void this.#claim().catch(this.#reportTick('claiming executions'));
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
    // Only executions already stored: a new one's row may not be written yet.
    const ids = [...this.#drivers].filter(([, driver]) => driver.started).map(([id]) => id);
    if (ids.length === 0 || this.#closed) return;
    const renewed = await this.#store.renewLeases(this.id, ids, this.#now() + this.#leaseMs!);
    const held = new Set(renewed.map((r) => r.executionId));
    for (const id of ids) {
      if (!held.has(id)) this.#drivers.get(id)?.abort(new Error(`lost the lease on execution ${id}`));
    }
    for (const { executionId, control } of renewed) if (control !== undefined) this.#drivers.get(executionId)?.control(control);
  }

  /** Reads the database until an execution ends (for executions run by another runner). */
  async #pollResult(executionId: string): Promise<ExecutionResult> {
    const interval = this.#shared?.pollMs ?? 100;
    for (;;) {
      const result = await this.execution(executionId);
      if (result === undefined) throw new Error(`no execution ${executionId}`);
      if (isFinished(result.status)) return result;
      await new Promise((resolve) => setTimeout(resolve, interval));
    }
  }

  /**
   * Claims and renewals run on timers and are tried again at the next tick. A passing
   * failure (busy, unreachable) is routine; any other is reported, once per distinct error.
   */
  #reportTick(what: string): (error: unknown) => void {
    return (error) => {
      if (this.#closed || isTransient(error)) return;
      const message = `cloacina: ${what} failed (tried again at the next tick): ${(error as Error)?.message ?? String(error)}`;
      if (this.#reported.has(message)) return;
      this.#reported.add(message);
      process.emitWarning(message);
    };
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error('this runner is closed');
  }

  /**
   * A runner that runs executions holds its database (a SQLite file: exclusively when not
   * shared, so a second such runner is refused); taken before it resumes, registers or
   * starts anything.
   */
  #holdDatabase(): void {
    if (this.#holding) return;
    this.#store.lockForRunner?.(this.#shared ? 'shared' : 'exclusive');
    this.#holding = true;
  }
}

/** Refuses anything that is not a valid workflow, before anything is stored. */
function assertWorkflow(workflow: unknown): asserts workflow is PackagedWorkflow {
  if (!isPackagedWorkflow(workflow)) throw new TypeError('expected a workflow made with packagedWorkflow()');
  // Re-check the graph: a workflow object may come from another copy or a package.
  validateGraph(workflow.name, workflow.tasks);
  assertIsolationPossible(workflow);
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
