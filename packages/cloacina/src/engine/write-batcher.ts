// Collects state changes and applies them in one transaction per turn of the event loop:
// thousands of tasks finishing together cost one commit, not thousands. Order is kept,
// so a task's completion is always stored before anything that depends on it. A refused
// batch (a storage error, or a lost lease in shared mode) is reported with its writes, so
// only the executions it touched stop; later batches go on.
//
// A batch that fails for a passing reason (the database busy or unreachable) is applied
// again, with backoff, before anything after it, until the retry window closes; only then
// is it reported refused.
import { batchStored } from '../dal/batch-stored.js';
import { isTransient } from '../dal/database-error.js';
import type { Fence, Store, Write } from '../dal/types.js';

/** Who else sees the writes: telemetry as they are made, live event listeners once stored. */
export interface WriteObserver {
  pushed?(write: Write): void;
  applied?(writes: readonly Write[]): void;
  /** A batch failed for a passing reason and is tried again after `delayMs` (`failingForMs` since its first failure). */
  retrying?(error: Error, delayMs: number, failingForMs: number): void;
}

/** How long a batch that keeps failing for a passing reason is tried again (default 5 min). */
export const DEFAULT_WRITE_RETRY_MS = 300_000;
const FIRST_DELAY_MS = 20;
const MAX_DELAY_MS = 2000;

export class WriteBatcher {
  #pending: Write[] = [];
  #flushing: Promise<void> | undefined;
  readonly #waiters: Array<() => void> = [];

  constructor(
    private readonly store: Store,
    /** Called with a refused batch; its writes are not stored. */
    private readonly onFailure: (error: Error, writes: readonly Write[]) => void,
    /** Set in shared mode: every batch proves this runner still holds its leases. */
    private readonly fence?: Fence,
    private readonly observer?: WriteObserver,
    private readonly retryMs: number = DEFAULT_WRITE_RETRY_MS,
  ) {}

  push(write: Write): void {
    this.#pending.push(write);
    this.observer?.pushed?.(write);
    this.#schedule();
  }

  /** Resolves once everything pushed so far was applied or reported refused. */
  flushed(): Promise<void> {
    if (this.#pending.length === 0 && this.#flushing === undefined) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  #schedule(): void {
    if (this.#flushing !== undefined) return;
    this.#flushing = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.#drain());
  }

  async #drain(): Promise<void> {
    while (this.#pending.length > 0) {
      const batch = this.#pending;
      this.#pending = [];
      try {
        await this.#apply(batch);
      } catch (error) {
        this.onFailure(error as Error, batch);
        continue;
      }
      this.observer?.applied?.(batch);
    }
    this.#flushing = undefined;
    for (const resolve of this.#waiters.splice(0)) resolve();
  }

  async #apply(batch: readonly Write[]): Promise<void> {
    const start = Date.now();
    let delay = FIRST_DELAY_MS;
    let failedBefore = false;
    for (;;) {
      try {
        await this.store.apply(batch, this.fence);
        return;
      } catch (error) {
        // A connection that broke during a commit leaves it unknown whether the batch was
        // stored; if it was, applying it again is refused (or its new execution is a
        // duplicate), and reading tells.
        if (failedBefore && !isTransient(error) && (await this.#stored(batch))) return;
        const failingFor = Date.now() - start;
        if (!isTransient(error) || failingFor + delay > this.retryMs) throw error;
        failedBefore = true;
        this.observer?.retrying?.(error as Error, delay, failingFor);
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, MAX_DELAY_MS);
      }
    }
  }

  async #stored(batch: readonly Write[]): Promise<boolean> {
    const ids = [...new Set(batch.map((w) => (w.type === 'executionCreated' ? w.execution.executionId : w.executionId)))];
    try {
      return batchStored(batch, await this.store.executions(ids));
    } catch {
      return false;
    }
  }
}
