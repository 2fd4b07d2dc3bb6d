// A Store that keeps nothing on disk: the in-process executor, and the floor the benchmarks
// compare persistence against.
import type { ExecutionEvent } from './events.js';
import type { ControlOutcome, ExecutionRecord, HistoryPage, LeaseRenewal, PackageRecord, PackageSummary, Store, Write } from './types.js';

export class MemoryStore implements Store {
  async apply(_writes: readonly Write[]): Promise<void> {}
  async execution(_id: string): Promise<ExecutionRecord | undefined> {
    return undefined;
  }
  async executions(): Promise<ExecutionRecord[]> {
    return [];
  }
  async unfinished(): Promise<ExecutionRecord[]> {
    return [];
  }
  async takeOver(): Promise<number | undefined> {
    return undefined;
  }
  async control(): Promise<ControlOutcome | undefined> {
    return undefined;
  }
  async events(): Promise<ExecutionEvent[]> {
    return [];
  }
  async prune(): Promise<number> {
    return 0;
  }
  async claimExecutions(): Promise<string[]> {
    return [];
  }
  async renewLeases(_owner: string, ids: readonly string[]): Promise<LeaseRenewal[]> {
    return ids.map((executionId) => ({ executionId }));
  }
  async history(): Promise<HistoryPage> {
    return { items: [] };
  }
  async addSchedule(): Promise<void> {
    throw new Error('cron schedules need a persistent runner (open one with a database)');
  }
  async schedules() {
    return [];
  }
  async updateSchedule(): Promise<undefined> {
    return undefined;
  }
  async removeSchedule(): Promise<boolean> {
    return false;
  }
  async fireSchedule(): Promise<boolean> {
    return false;
  }
  readonly #packages = new Map<string, PackageRecord>();
  async addPackage(record: PackageRecord): Promise<void> {
    const key = `${record.name}@${record.version}`;
    if (this.#packages.has(key)) throw new Error(`package ${key} is already registered`);
    this.#packages.set(key, record);
  }
  async getPackage(name: string, version: string): Promise<PackageRecord | undefined> {
    return this.#packages.get(`${name}@${version}`);
  }
  async listPackages(): Promise<PackageSummary[]> {
    return [...this.#packages.values()].map(({ archive: _archive, ...summary }) => summary);
  }
  async removePackage(name: string, version: string): Promise<boolean> {
    return this.#packages.delete(`${name}@${version}`);
  }
  async close(): Promise<void> {}
}
