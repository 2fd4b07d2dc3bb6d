// Collects state changes and applies them in one transaction per turn of the event loop:
// thousands of tasks finishing together cost one commit, not thousands. Order is kept,
// so a task's completion is always stored before anything that depends on it. A refused
// batch (a storage error, or a lost lease in shared mode) is reported with its writes, so
// only the executions it touched stop; later batches go on.
import type { Fence, Store, Write } from '../dal/types.js';

/** Who else sees the writes: telemetry as they are made, live event listeners once stored. */
export interface WriteObserver {
  pushed?(write: Write): void;
  applied?(writes: readonly Write[]): void;
}

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
        await this.store.apply(batch, this.fence);
      } catch (error) {
        this.onFailure(error as Error, batch);
        continue;
      }
      this.observer?.applied?.(batch);
    }
    this.#flushing = undefined;
    for (const resolve of this.#waiters.splice(0)) resolve();
  }
}
