// The storage seam of the runtime. The engine only talks to a Store; SQLite implements
// it today, PostgreSQL behind the same interface. Methods are async so a network
// database fits; writes arrive in batches so one transaction can carry many of them.
import type { TaskErrorKind, TaskStateKind } from 'cloacina-workflow';

export type ExecutionStatus = 'Running' | 'Completed' | 'Failed';

export interface NewExecution {
  id: string;
  /** The runner that runs it, holding a lease until `leaseUntil`; null leaves it for any runner to claim. */
  owner?: string | null;
  leaseUntil?: number;
  workflow: string;
  version: string;
  /** Encoded initial context (the shared codec's text). */
  initialContext: string;
  taskIds: readonly string[];
  startedAt: number;
}

/** One state change; the engine batches these and a store applies a batch atomically. */
export type Write =
  | { type: 'executionCreated'; execution: NewExecution }
  | { type: 'taskStarted'; executionId: string; taskId: string; attempt: number; at: number }
  | { type: 'taskCompleted'; executionId: string; taskId: string; output: string; at: number }
  | {
      type: 'taskRetrying';
      executionId: string;
      taskId: string;
      errorKind: TaskErrorKind;
      message: string;
      /** When the next attempt may start (epoch ms). */
      notBefore: number;
    }
  | { type: 'taskFailed'; executionId: string; taskId: string; errorKind: TaskErrorKind; message: string; at: number }
  | { type: 'taskSkipped'; executionId: string; taskId: string; reason: string; at: number }
  | { type: 'executionFinished'; executionId: string; status: Exclude<ExecutionStatus, 'Running'>; at: number };

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

export interface ExecutionRecord {
  id: string;
  workflow: string;
  version: string;
  status: ExecutionStatus;
  initialContext: string;
  startedAt: number;
  finishedAt?: number;
  tasks: TaskRecord[];
}

export interface HistoryQuery {
  workflow?: string;
  status?: ExecutionStatus;
  limit?: number;
}

export type ExecutionSummary = Omit<ExecutionRecord, 'tasks' | 'initialContext'>;

export interface CronScheduleRecord {
  id: string;
  workflow: string;
  expression: string;
  timezone: string;
  /** Encoded initial context for every fired execution. */
  context: string;
  /** The last slot (epoch ms) that was fired, or the creation time before any. */
  lastSlot: number;
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

export interface Store {
  /**
   * Applies a batch in one transaction (an execution is created with its Pending tasks);
   * a transition from an unexpected state (say, completing a task that is not Running)
   * aborts the whole batch.
   */
  apply(writes: readonly Write[], fence?: Fence): Promise<void>;
  /**
   * Claims up to `limit` running executions that nobody holds (or whose lease expired) for
   * `owner`, each locked so two runners never claim the same one; tasks a previous owner
   * left Running go back to Pending in the same transaction. Returns the claimed ids.
   */
  claimExecutions(owner: string, limit: number, leaseUntil: number, now: number): Promise<string[]>;
  /** Extends `owner`'s leases; returns the ids it still holds. */
  renewLeases(owner: string, ids: readonly string[], leaseUntil: number): Promise<string[]>;
  execution(id: string): Promise<ExecutionRecord | undefined>;
  /** The executions among `ids` that exist, in the order asked (one round of reads where the backend allows). */
  executions(ids: readonly string[]): Promise<ExecutionRecord[]>;
  /** Executions still Running, with their tasks: what a runner resumes after a crash. */
  unfinished(): Promise<ExecutionRecord[]>;
  /** Puts tasks a dead runner left Running back to Pending; their interrupted attempt does not count. */
  releaseRunning(executionId: string): Promise<number>;
  history(query: HistoryQuery): Promise<ExecutionSummary[]>;
  addSchedule(schedule: CronScheduleRecord): Promise<void>;
  schedules(): Promise<CronScheduleRecord[]>;
  removeSchedule(id: string): Promise<boolean>;
  /**
   * Records that `slot` of a schedule fired and creates its execution, atomically, only if
   * the slot is later than the last one fired: a slot can never fire twice.
   */
  fireSchedule(scheduleId: string, slot: number, execution: NewExecution): Promise<boolean>;
  /** Stores a package; refuses a name and version that is already there. */
  addPackage(record: PackageRecord): Promise<void>;
  getPackage(name: string, version: string): Promise<PackageRecord | undefined>;
  listPackages(): Promise<PackageSummary[]>;
  removePackage(name: string, version: string): Promise<boolean>;
  close(): Promise<void>;
}
