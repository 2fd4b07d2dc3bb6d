#!/usr/bin/env node
// What opening an existing SQLite database costs: identification (header, schema objects,
// migration history) plus `PRAGMA quick_check` over every page, against the same open with
// the check turned off (`integrityCheckMaxBytes: 0`). Databases of growing size are filled
// with executions whose initial contexts carry ~2 KiB each. Median of --runs opens.
// Usage: node scripts/bench-sqlite-open.mjs [--runs N]   (default 5)
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from 'cloacina';

const SIZES_MIB = [1, 16, 60, 128];
const runsFlag = process.argv.indexOf('--runs');
const RUNS = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 5;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function fill(path, mib) {
  const store = new SqliteStore(path, { integrityCheckMaxBytes: 0 });
  const filler = 'x'.repeat(2048);
  let n = 0;
  // ~5 KiB per execution stored (context, task rows, event, indexes).
  while (n * 5 * 1024 < mib * 1024 * 1024) {
    const writes = [];
    for (let i = 0; i < 500; i++, n++) {
      writes.push({
        type: 'executionCreated',
        execution: { executionId: randomUUID(), workflow: 'bench', version: '1.0.0', initialContext: JSON.stringify({ n, filler }), taskIds: ['a', 'b'], startedAt: n },
      });
    }
    store.apply(writes);
  }
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  store.db.close();
  return n;
}

function timeOpen(path, options) {
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    const store = new SqliteStore(path, options);
    times.push(performance.now() - t);
    store.db.close();
  }
  return median(times);
}

const dir = mkdtempSync(join(tmpdir(), 'cloacina-bench-open-'));
try {
  console.log(`| database | executions | open with quick_check (ms) | open without (ms) | check cost (ms per MiB) |`);
  console.log(`|---|---|---|---|---|`);
  for (const mib of SIZES_MIB) {
    const path = join(dir, `${mib}.db`);
    const executions = fill(path, mib);
    const size = statSync(path).size / 1024 / 1024;
    const checked = timeOpen(path, {});
    const unchecked = timeOpen(path, { integrityCheckMaxBytes: 0 });
    console.log(`| ${size.toFixed(1)} MiB | ${executions} | ${checked.toFixed(1)} | ${unchecked.toFixed(1)} | ${((checked - unchecked) / size).toFixed(2)} |`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
