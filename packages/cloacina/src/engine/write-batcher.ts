// Collects state changes and applies them in one transaction per turn of the event loop:
// thousands of tasks finishing together cost one commit, not thousands. Order is kept,
// so a task's completion is always stored before anything that depends on it.
import type { Fence, Store, Write } from '../dal/types.js';

export class WriteBatcher {
  #pending: Write[] = [];
  #flushing: Promise<void> | undefined;
  #failure: Error | undefined;
  readonly #waiters: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];

  constructor(
    private readonly store: Store,
    private readonly onFailure: (error: Error) => void,
    /** Set in shared mode: every batch proves this runner still holds its leases. */
    private readonly fence?: Fence,
  ) {}

  push(write: Write): void {
    if (this.#failure) return;
    this.#pending.push(write);
    this.#schedule();
  }

  /** Resolves once everything pushed so far is stored. */
  flushed(): Promise<void> {
    if (this.#failure) return Promise.reject(this.#failure);
    if (this.#pending.length === 0 && this.#flushing === undefined) return Promise.resolve();
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  #schedule(): void {
    if (this.#flushing !== undefined) return;
    this.#flushing = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.#drain());
  }

  async #drain(): Promise<void> {
    try {
      while (this.#pending.length > 0) {
        const batch = this.#pending;
        this.#pending = [];
        await this.store.apply(batch, this.fence);
      }
      this.#flushing = undefined;
      for (const w of this.#waiters.splice(0)) w.resolve();
    } catch (error) {
      this.#failure = error as Error;
      this.#flushing = undefined;
      for (const w of this.#waiters.splice(0)) w.reject(this.#failure);
      this.onFailure(this.#failure);
    }
  }
}
