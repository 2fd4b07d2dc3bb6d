// The storage seam of the runtime. The engine only talks to a Store; SQLite implements
// it today, PostgreSQL behind the same interface. Methods are async so a network
// database fits; writes arrive in batches so one transaction can carry many of them.
import type { TaskErrorKind, TaskStateKind } from 'cloacina-workflow';
import type { ExecutionEvent } from './events.js';

/** Running and Paused executions are unfinished; the other three never change again. */
export type ExecutionStatus = 'Running' | 'Paused' | 'Completed' | 'Failed' | 'Cancelled';

/** What `cancel`, `pause` and `resume` ask of the runner holding an execution. */
export type ControlAction = 'cancel' | 'pause' | 'resume';

export interface NewExecution {
  executionId: string;
  /** The runner that runs it, holding a lease until `leaseUntil`; null leaves it for any runner to claim. */
  owner?: string | null;
  leaseUntil?: number;
  workflow: string;
  version: string;
  /** Encoded initial context (the shared codec's text). */
  initialContext: string;
  taskIds: readonly string[];
  startedAt: number;
  /** The workflow timeout: running longer than this (time spent Paused does not count) fails it. */
  timeoutMs?: number;
}

/** The task errors recorded in writes and events. */
export interface TaskFailure {
  kind: TaskErrorKind;
  message: string;
}

/** One state change; the engine batches these and a store applies a batch atomically. */
export type Write =
  | { type: 'executionCreated'; execution: NewExecution }
  | { type: 'taskStarted'; executionId: string; taskId: string; attempt: number; at: number }
  | { type: 'taskCompleted'; executionId: string; taskId: string; attempt: number; output: string; at: number }
  | {
      type: 'taskRetrying';
      executionId: string;
      taskId: string;
      attempt: number;
      errorKind: TaskErrorKind;
      message: string;
      at: number;
      /** When the next attempt may start (epoch ms). */
      notBefore: number;
    }
  | { type: 'taskFailed'; executionId: string; taskId: string; attempt: number; errorKind: TaskErrorKind; message: string; at: number }
  | { type: 'taskSkipped'; executionId: string; taskId: string; reason: string; at: number }
  | { type: 'executionFinished'; executionId: string; status: 'Completed' | 'Failed'; at: number }
  | {
      /**
       * Ends an unfinished execution early (cancelled, or failed by its workflow timeout):
       * every task not yet Completed, Failed or Skipped becomes Skipped with the same reason.
       */
      type: 'executionTerminated';
      executionId: string;
      status: 'Cancelled' | 'Failed';
      cause: 'cancel' | 'timeout';
      reason: string;
      at: number;
      /** Written by a runner that does not hold the execution: its lease is cleared too. */
      release?: boolean;
    }
  | { type: 'executionPaused'; executionId: string; at: number; release?: boolean }
  | { type: 'executionResumed'; executionId: string; at: number; release?: boolean };

export interface TaskRecord {
  taskId: string;
  state: TaskStateKind;
  /** Attempts started so far. */
  attempts: number;
  errorKind?: TaskErrorKind;
  error?: string;
  reason?: string;
  /** Encoded output context of a Completed task. */
  output?: string;
  startedAt?: number;
  finishedAt?: number;
  notBefore?: number;
}

export interface ExecutionSummary {
  executionId: string;
  workflow: string;
  version: string;
  status: ExecutionStatus;
  startedAt: number;
  finishedAt?: number;
  /** Why it was Cancelled, or Failed by its workflow timeout. */
  reason?: string;
  /** The cron schedule that started it, and the slot (epoch ms) it fired for. */
  scheduleId?: string;
  scheduledFor?: number;
}

export interface ExecutionRecord extends ExecutionSummary {
  initialContext: string;
  /** The workflow timeout it was started with (none for executions stored before there was one). */
  timeoutMs?: number;
  /** Time spent Paused so far, which the workflow timeout does not count. */
  pausedMs: number;
  /** Since when it is Paused. */
  pausedAt?: number;
  /** A control request waiting for the runner that holds the execution. */
  control?: ControlAction;
  tasks: TaskRecord[];
}

export interface HistoryQuery {
  workflow?: string;
  /** One status or several. */
  status?: ExecutionStatus | readonly ExecutionStatus[];
  /** Executions started at or after this time (a Date or epoch ms). */
  since?: number | Date;
  /** Executions started before this time (a Date or epoch ms). */
  until?: number | Date;
  /** Page size (default 100). */
  limit?: number;
  /** The `cursor` of the previous page: continues right after its last item. */
  cursor?: string;
  /** Only executions this cron schedule started. */
  schedule?: string;
}

/** One page of history, newest first; `cursor` is set when there may be more. */
export interface HistoryPage {
  items: ExecutionSummary[];
  cursor?: string;
}

export interface PruneQuery {
  /** Only executions that finished before this time (a Date or epoch ms) go. */
  olderThan: number | Date;
  /** Which finished statuses go (default Completed, Failed and Cancelled). */
  statuses?: readonly ExecutionStatus[];
}

/** A renewed lease, with any control request waiting for its holder. */
export interface LeaseRenewal {
  executionId: string;
  control?: ControlAction;
}

/**
 * What a control request did. `pending`: another live runner holds the execution; the
 * request is stored and that runner acts on it within one lease period. Otherwise the
 * change is already stored (`applied`), or there was nothing to change.
 */
export interface ControlOutcome {
  status: ExecutionStatus;
  pending: boolean;
  applied?: Write;
}

/** Who asks for a control action, and when. */
export interface ControlRequester {
  owner: string;
  now: number;
}

/**
 * What a schedule fires for the slots missed while no runner was up: `latest`, only the
 * most recent one; `all`, each of them, oldest first, but at most `maxCatchUp` (the most
 * recent ones).
 */
export type CatchUp = 'latest' | 'all';

export interface CronScheduleRecord {
  id: string;
  workflow: string;
  expression: string;
  timezone: string;
  /** Encoded initial context for every fired execution. */
  context: string;
  /** The last slot (epoch ms) that was fired, or the creation (or re-enabling) time before any. */
  lastSlot: number;
  enabled: boolean;
  catchUp: CatchUp;
  maxCatchUp: number;
}

/** The fields of a schedule an update changes; `lastSlotAtLeast` moves its last slot forward (never back). */
export interface ScheduleChanges {
  expression?: string;
  timezone?: string;
  context?: string;
  enabled?: boolean;
  catchUp?: CatchUp;
  maxCatchUp?: number;
  lastSlotAtLeast?: number;
}

/** Writes of a runner that must still hold its executions' leases (else the batch is refused). */
export interface Fence {
  owner: string;
}

export interface PackageRecord {
  name: string;
  version: string;
  /** The manifest, as JSON text. */
  manifest: string;
  archive: Uint8Array;
  sha256: string;
  registeredAt: number;
}

export type PackageSummary = Omit<PackageRecord, 'archive'>;

export interface StoreOptions {
  /** Store the lifecycle events of every batch (default true). */
  events?: boolean;
  /** SQLite: how long a statement waits for another connection's write lock (default 10,000 ms). */
  busyTimeoutMs?: number;
  /**
   * SQLite: an existing file up to this size (with its WAL) gets a full `PRAGMA quick_check`
   * before anything is written to it (default 64 MiB; 0 turns the check off).
   */
  integrityCheckMaxBytes?: number;
  /** PostgreSQL: how long connecting (TCP, TLS and authentication) may take (default 10,000 ms). */
  connectTimeoutMs?: number;
  /** PostgreSQL: how long one statement may run, on the server and waiting for its answer (default 30,000 ms). */
  statementTimeoutMs?: number;
  /** PostgreSQL: the schema that holds every table (created and migrated on first use). */
  schema?: string;
}

export interface Store {
  /**
   * Applies a batch in one transaction (an execution is created with its Pending tasks),
   * with the lifecycle events it implies; a transition from an unexpected state (say,
   * completing a task that is not Running) aborts the whole batch.
   */
  apply(writes: readonly Write[], fence?: Fence): Promise<void>;
  /**
   * Claims up to `limit` Running executions that nobody holds (or whose lease expired) for
   * `owner`, each locked so two runners never claim the same one; tasks a previous owner
   * left Running go back to Pending in the same transaction. Returns the claimed ids.
   */
  claimExecutions(owner: string, limit: number, leaseUntil: number, now: number): Promise<string[]>;
  /** Extends `owner`'s leases; returns the ones it still holds, with their control requests. */
  renewLeases(owner: string, ids: readonly string[], leaseUntil: number): Promise<LeaseRenewal[]>;
  execution(id: string): Promise<ExecutionRecord | undefined>;
  /** The executions among `ids` that exist, in the order asked (one round of reads where the backend allows). */
  executions(ids: readonly string[]): Promise<ExecutionRecord[]>;
  /** Executions still Running or Paused, with their tasks: what a runner resumes after a crash. */
  unfinished(): Promise<ExecutionRecord[]>;
  /**
   * Makes `owner` the holder of an unfinished execution and puts tasks a dead runner left
   * Running back to Pending (their interrupted attempt does not count); returns how many,
   * or undefined when it did not take the execution (none, finished, or, when `now` is
   * given, held by another runner whose lease has not expired).
   */
  takeOver(executionId: string, owner: string, leaseUntil: number, now?: number): Promise<number | undefined>;
  /**
   * Cancels, pauses or resumes an execution in one transaction: stores the request for
   * the live runner holding it, or applies the change itself when no live runner does.
   * Undefined when there is no such execution.
   */
  control(executionId: string, action: ControlAction, by: ControlRequester): Promise<ControlOutcome | undefined>;
  /** The stored lifecycle events of an execution, in order. */
  events(executionId: string): Promise<ExecutionEvent[]>;
  history(query: HistoryQuery): Promise<HistoryPage>;
  /** Deletes finished executions (tasks, contexts and events with them); returns how many. */
  prune(query: PruneQuery): Promise<number>;
  addSchedule(schedule: CronScheduleRecord): Promise<void>;
  schedules(): Promise<CronScheduleRecord[]>;
  /** Changes a schedule in one statement; returns it as changed, or undefined when there is none. */
  updateSchedule(id: string, changes: ScheduleChanges): Promise<CronScheduleRecord | undefined>;
  removeSchedule(id: string): Promise<boolean>;
  /**
   * Records that `slot` of a schedule fired and creates its execution, atomically, only if
   * the slot is later than the last one fired: a slot can never fire twice. The execution
   * records the schedule and slot (see `HistoryQuery.schedule`).
   */
  fireSchedule(scheduleId: string, slot: number, execution: NewExecution): Promise<boolean>;
  /** Stores a package; refuses a name and version that is already there. */
  addPackage(record: PackageRecord): Promise<void>;
  getPackage(name: string, version: string): Promise<PackageRecord | undefined>;
  listPackages(): Promise<PackageSummary[]>;
  removePackage(name: string, version: string): Promise<boolean>;
  /**
   * Holds the database for a runner, where the backend has such a lock (a SQLite file):
   * `exclusive` for a runner that is not shared, `shared` for runners sharing it. Throws
   * when another runner holds it in a way that excludes this one; released on close.
   */
  lockForRunner?(mode: 'exclusive' | 'shared'): void;
  close(): Promise<void>;
}
