#!/usr/bin/env node
// Registering and loading .cloacina packages on a SQLite file: median over distinct package
// versions (distinct bundles), so every import is a real one, never an ESM cache hit.
//   register: verify the archive, import the bundle, compare it with the manifest, store it.
//   load:     in a second process that never saw the bundles, read the stored archive,
//             verify it again and import the bundle (what a runner does after a restart).
// Usage: node scripts/bench-registry.mjs [--runs N]   (default 50 per size)
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pack, Registry, SqliteStore } from 'cloacina';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SIZES = [10, 200];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const packageName = (tasks) => `bench-${tasks}`;

/** Child mode: load every stored version of each package with a cold module cache. */
async function loadPhase(database, runs) {
  const store = new SqliteStore(database);
  const registry = new Registry(store);
  const times = {};
  for (const tasks of SIZES) {
    times[tasks] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      await registry.load(packageName(tasks), `1.0.${i}`);
      times[tasks].push(performance.now() - t);
    }
  }
  await store.close();
  process.stdout.write(JSON.stringify(times));
}

function workflowSource(tasks, version) {
  return `import { packagedWorkflow, task } from 'cloacina-workflow';
const tasks = [];
for (let n = 0; n < ${tasks}; n++) {
  tasks.push(task({ id: 't' + n, dependencies: n ? ['t' + (n - 1)] : [], description: 'step ' + n }, (ctx) => ctx.set('n' + n, n)));
}
export default packagedWorkflow({ name: '${packageName(tasks)}', version: '${version}', tasks });
`;
}

async function main(runs) {
  const work = join(ROOT, '.tmp', `bench-registry-${process.pid}`);
  const dbDir = mkdtempSync(join(tmpdir(), 'bench-registry-'));
  mkdirSync(work, { recursive: true });
  try {
    const database = join(dbDir, 'registry.db');
    const store = new SqliteStore(database);
    const registry = new Registry(store);
    const rows = [];
    const registerTimes = {};
    for (const tasks of SIZES) {
      const archives = [];
      for (let i = 0; i < runs; i++) {
        const file = join(work, `wf-${tasks}-${i}.ts`);
        writeFileSync(file, workflowSource(tasks, `1.0.${i}`));
        archives.push((await pack(file)).archive);
      }
      registerTimes[tasks] = [];
      for (const archive of archives) {
        const t = performance.now();
        await registry.register(archive);
        registerTimes[tasks].push(performance.now() - t);
      }
      rows.push({ tasks, bytes: archives[0].length });
    }
    await store.close();
    const loadTimes = JSON.parse(
      execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--load-phase', database, String(runs)], { encoding: 'utf8' }),
    );
    const fmt = (x) => `${x.toFixed(2)} ms`;
    console.log(`Registry on a SQLite file, ${runs} distinct versions per package size (medians; max in brackets)\n`);
    console.log('| package | archive | register | load (fresh process) | register + load |');
    console.log('|---|---|---|---|---|');
    let worst = 0;
    for (const { tasks, bytes } of rows) {
      const r = registerTimes[tasks];
      const l = loadTimes[tasks];
      const total = median(r) + median(l);
      worst = Math.max(worst, total);
      console.log(`| ${tasks}-task chain | ${bytes} B | ${fmt(median(r))} [${fmt(Math.max(...r))}] | ${fmt(median(l))} [${fmt(Math.max(...l))}] | ${fmt(total)} |`);
    }
    console.log(`\nTarget: registering and loading a package under 50 ms median: worst ${fmt(worst)} (${worst < 50 ? 'met' : 'MISSED'})`);
  } finally {
    rmSync(work, { recursive: true, force: true });
    rmSync(dbDir, { recursive: true, force: true });
  }
}

const args = process.argv.slice(2);
if (args[0] === '--load-phase') {
  await loadPhase(args[1], Number(args[2]));
} else {
  const at = args.indexOf('--runs');
  const runs = at >= 0 ? Number(args[at + 1]) : 50;
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer, got ${args[at + 1]}`);
  await main(runs);
}
