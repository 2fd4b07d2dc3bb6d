// A Store that keeps nothing on disk: the in-process executor, and the floor the benchmarks
// compare persistence against.
import type { ExecutionRecord, ExecutionSummary, PackageRecord, PackageSummary, Store, Write } from './types.js';

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
  async releaseRunning(): Promise<number> {
    return 0;
  }
  async claimExecutions(): Promise<string[]> {
    return [];
  }
  async renewLeases(_owner: string, ids: readonly string[]): Promise<string[]> {
    return [...ids];
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
