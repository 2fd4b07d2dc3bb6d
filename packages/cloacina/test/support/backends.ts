// Both backends for suites that run every case on SQLite and on PostgreSQL: registers the
// hooks that start a throwaway cluster and a temp folder for SQLite files, and remove them.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { tempDir } from '../helpers.js';
import { startPostgres, type PostgresCluster } from './postgres.js';

export interface BothBackends {
  /** `[name, database]`: a fresh SQLite file per call, or the one PostgreSQL database (unique workflow names keep tests apart). */
  backends: Array<[string, () => string]>;
  /** The temp folder (valid once the suite has started). */
  dir: () => string;
}

export function bothBackends(prefix: string): BothBackends {
  let cluster: PostgresCluster | undefined;
  let dir: string;
  let cleanup: () => void = () => {};
  beforeAll(async () => {
    cluster = await startPostgres();
    ({ dir, cleanup } = tempDir(prefix));
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
    cleanup();
  });
  return {
    backends: [
      ['SQLite', () => join(dir, `${randomUUID()}.db`)],
      ['PostgreSQL', () => cluster!.url],
    ],
    dir: () => dir,
  };
}
