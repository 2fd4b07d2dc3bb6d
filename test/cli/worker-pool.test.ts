// Worker threads that die: the files they held are reported failed, the run finishes, and
// the main thread migrates every file no worker took.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFiles } from '../../src/run-files.js';
import { WorkerPool } from '../../src/worker-pool.js';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('worker pool', () => {
  it('reports the files a crashed worker held and migrates the rest on the main thread', async () => {
    dir = mkdtempSync(join(tmpdir(), 'worker-pool-'));
    const files = Array.from({ length: 60 }, (_, i) => {
      const file = join(dir, `f${String(i).padStart(2, '0')}.ts`);
      writeFileSync(file, `import { task, Runner } from 'cloacina';\nexport const t${i} = [task, Runner];\n`);
      return file;
    });
    const pool = new WorkerPool(1, new URL('./support/crashing-worker.mjs', import.meta.url));
    const results = await runFiles(files, { dry: true, pool });

    expect(results.map((r) => r.file)).toEqual(files);
    const failed = results.filter((r) => r.status === 'failed');
    // The worker held at most two chunks of eight when it died.
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.length).toBeLessThanOrEqual(16);
    for (const r of failed) expect(r.error).toBe(`${r.file}: worker crashed: exit code 1`);
    expect(results.filter((r) => r.status === 'changed')).toHaveLength(60 - failed.length);
  });
});
