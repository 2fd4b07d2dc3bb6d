#!/usr/bin/env node
// Registering and loading .cloacina packages: median over distinct package versions, on a
// SQLite file. "load" is a fresh registry (cold cache) reading the stored archive,
// verifying it and importing the bundle.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pack, Registry, SqliteStore } from 'cloacina';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 50);
const work = join(ROOT, '.tmp', `bench-registry-${process.pid}`);
mkdirSync(work, { recursive: true });
const dbDir = mkdtempSync(join(tmpdir(), 'bench-registry-'));

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

try {
  const archives = [];
  for (let i = 0; i < RUNS; i++) {
    const file = join(work, `wf${i}.ts`);
    writeFileSync(file, `import { packagedWorkflow, task } from 'cloacina-workflow';
const tasks = Array.from({ length: 10 }, (_, n) => task({ id: 't' + n, dependencies: n ? ['t' + (n - 1)] : [] }, (ctx) => ctx.set('n' + n, n)));
export default packagedWorkflow({ name: 'bench', package: 'bench', version: '1.0.${i}', tasks });
`);
    archives.push((await pack(file)).archive);
  }
  const store = new SqliteStore(join(dbDir, 'registry.db'));
  const registry = new Registry(store);
  const registerMs = [];
  for (const archive of archives) {
    const t = performance.now();
    await registry.register(archive);
    registerMs.push(performance.now() - t);
  }
  const cold = new Registry(store);
  const loadMs = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await cold.load('bench', `1.0.${i}`);
    loadMs.push(performance.now() - t);
  }
  await store.close();
  const fmt = (x) => `${x.toFixed(2)} ms`;
  console.log(`| operation (${RUNS} packages of 10 tasks, ${archives[0].length} B each) | median | max |`);
  console.log('|---|---|---|');
  console.log(`| register (validate, import, store) | ${fmt(median(registerMs))} | ${fmt(Math.max(...registerMs))} |`);
  console.log(`| load from the database (fresh registry; the process's module cache still applies) | ${fmt(median(loadMs))} | ${fmt(Math.max(...loadMs))} |`);
  const total = median(registerMs) + median(loadMs);
  console.log(`\nTarget: register + load under 50 ms median: ${fmt(total)} (${total < 50 ? 'met' : 'MISSED'})`);
} finally {
  rmSync(work, { recursive: true, force: true });
  rmSync(dbDir, { recursive: true, force: true });
}
