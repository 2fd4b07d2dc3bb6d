#!/usr/bin/env node
// What the whole-project analysis of the removed context methods costs, on generated trees:
//   tasks     loaders in task bodies (the common case, as in bench-migrate)
//   inline    loaders in helper functions in the task files (no other file needs reading)
//   graph     the same helpers in modules of their own that never say "cloacina", called
//             from task files that import through a local barrel: proving a helper's
//             loader means finding its callers, so the project's files are indexed
// Each: `cloacina-migrate --dry --workers 1` (one thread, so CPU time is comparable), the
// median of BENCH_RUNS runs: wall time and CPU time (user + system), and the
// flags it raised. BENCH_BASELINE=/path/to/bin/cloacina-migrate.js adds the same for another
// build, run alternately with this one.
//   node scripts/bench-analysis.mjs                 (10,000 files, 5% task files)
//   BENCH_FILES=2000 node scripts/bench-analysis.mjs
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FILES = Number(process.env.BENCH_FILES ?? 10_000);
const SHARE = Number(process.env.BENCH_SHARE ?? 0.05);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const OURS = join(ROOT, 'bin', 'cloacina-migrate.js');
const BASELINE = process.env.BENCH_BASELINE;

function plainFile(i) {
  return `import { readFile } from 'node:fs/promises';

export interface Record${i} {
  id: string;
  value: number;
}

/** Loads record set ${i}. */
export async function load${i}(path: string): Promise<Record${i}[]> {
  const rows = JSON.parse(await readFile(path + '/${i}.json', 'utf8')) as Record${i}[];
  return rows.filter((row) => row.value > ${i % 17}).map((row) => ({ ...row }));
}
`;
}

const helper = (i) => `/** Rows a dependency published, scaled. */
export function readRows${i}(ctx: any): number[] {
  const rows = (ctx.loadFromDependenciesAndCache('rows') as number[] | undefined) ?? [];
  return rows.map((r) => r * ((ctx.getWithDependencies('factor') as number | undefined) ?? 1));
}
`;

function taskFile(i, kind) {
  const imports =
    kind === 'graph'
      ? `import { task, packagedWorkflow } from '../kit.js';\nimport { readRows${i} } from '../helpers/rows-${i}.js';\n`
      : `import { task, packagedWorkflow } from 'cloacina';\n`;
  const helperCode = kind === 'inline' ? `\n${helper(i).replace('export function', 'function')}` : '';
  const read = kind === 'tasks' ? `(ctx.loadFromDependenciesAndCache('rows') as number[]).map((r) => r * (ctx.getWithDependencies('factor') as number))` : `readRows${i}(ctx)`;
  return `${imports}${helperCode}
export const extract${i} = task({ id: 'extract-${i}' }, (ctx) => {
  ctx.set('rows', [1, 2, 3]);
  ctx.set('factor', ${i % 5});
});

export const report${i} = task({ id: 'report-${i}', dependencies: [extract${i}] }, (ctx) => {
  ctx.set('scaled', ${read});
});

export const audit${i} = task({ id: 'audit-${i}', dependencies: [extract${i}] }, (ctx) => {
  ctx.remove('factor');
  ctx.set('scaled', ${read});
});

export default packagedWorkflow({ name: 'flow-${i}', tasks: [extract${i}, report${i}, audit${i}] });
`;
}

function generate(dir, kind) {
  const every = Math.round(1 / SHARE);
  for (let i = 0; i < FILES; i++) {
    const pkg = join(dir, 'packages', `pkg-${Math.floor(i / 100)}`);
    const src = join(pkg, 'src');
    if (i % 100 === 0) {
      mkdirSync(join(src, 'area'), { recursive: true });
      mkdirSync(join(src, 'helpers'), { recursive: true });
      writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: `pkg-${Math.floor(i / 100)}`, dependencies: { cloacina: '^1.2.0' } }, null, 2) + '\n');
      writeFileSync(join(src, 'kit.ts'), "export { task, packagedWorkflow, Context } from 'cloacina';\n");
    }
    if (i % every !== 0) writeFileSync(join(src, 'area', `file-${i}.ts`), plainFile(i));
    else {
      writeFileSync(join(src, 'area', `task-${i}.ts`), taskFile(i, kind));
      if (kind === 'graph') writeFileSync(join(src, 'helpers', `rows-${i}.ts`), helper(i));
    }
  }
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'bench-analysis', private: true, workspaces: ['packages/*'] }, null, 2) + '\n');
}

function run(bin, dir) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [bin, dir, '--dry', '--json', '--workers', '1'], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 28 });
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.status !== 0 && result.status !== 1) throw new Error(`${bin} failed: ${result.stderr}`);
  return { wall, report: JSON.parse(result.stdout) };
}

/** CPU seconds of the finished children of this process (Linux: /proc/self/stat cutime + cstime). */
function childUsage() {
  const stat = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  const ticks = 100; // USER_HZ
  return { cpu: (Number(stat[13]) + Number(stat[14])) / ticks };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function measure(kind) {
  const dir = mkdtempSync(join(tmpdir(), `bench-analysis-${kind}-`));
  try {
    generate(dir, kind);
    const bins = BASELINE ? [OURS, BASELINE] : [OURS];
    const samples = bins.map(() => ({ wall: [], cpu: [], report: undefined }));
    for (let i = 0; i < RUNS; i++) {
      for (const [k, bin] of bins.entries()) {
        const cpuBefore = childUsage().cpu;
        const { wall, report } = run(bin, dir);
        samples[k].wall.push(wall);
        samples[k].cpu.push(childUsage().cpu - cpuBefore);
        samples[k].report = report;
      }
    }
    return bins.map((bin, k) => ({
      kind,
      build: bin === OURS ? 'this' : 'baseline',
      wall: median(samples[k].wall),
      cpu: median(samples[k].cpu),
      changed: samples[k].report.summary.changed,
      flags: samples[k].report.summary.manualReview,
    }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const rows = ['tasks', 'inline', 'graph'].flatMap(measure);
const table = [
  ['tree', 'build', 'wall (median)', 'CPU (median)', 'files changed', 'sites flagged'],
  ...rows.map((r) => [r.kind, r.build, `${r.wall.toFixed(2)} s`, `${r.cpu.toFixed(2)} s`, String(r.changed), String(r.flags)]),
];
const widths = table[0].map((_, c) => Math.max(...table.map((row) => row[c].length)));
for (const [i, row] of table.entries()) {
  console.log('| ' + row.map((cell, c) => cell.padEnd(widths[c])).join(' | ') + ' |');
  if (i === 0) console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
}
console.log(`\n${FILES} files, ${Math.round(SHARE * 100)}% task files; median of ${RUNS} runs of cloacina-migrate --dry --workers 1${BASELINE ? ', alternating with the baseline' : ''}.`);
