// A Store that keeps nothing: the in-process executor, and the floor the benchmarks
// compare persistence against.
import type { ExecutionRecord, ExecutionSummary, Store, Write } from './types.js';

export class MemoryStore implements Store {
  async apply(_writes: readonly Write[]): Promise<void> {}
  async execution(_id: string): Promise<ExecutionRecord | undefined> {
    return undefined;
  }
  async unfinished(): Promise<ExecutionRecord[]> {
    return [];
  }
  async releaseRunning(): Promise<number> {
    return 0;
  }
  async history(): Promise<ExecutionSummary[]> {
    return [];
  }
  async addSchedule(): Promise<void> {
    throw new Error('cron schedules need a persistent runner (open one with a database)');
  }
  async schedules() {
    return [];
  }
  async removeSchedule(): Promise<boolean> {
    return false;
  }
  async fireSchedule(): Promise<boolean> {
    return false;
  }
  async close(): Promise<void> {}
}
