#!/usr/bin/env node
// cloacina-migrate speed on a generated monorepo, in one run:
//   (a) cloacina-migrate --dry
//   (b) stock jscodeshift CLI with the same transforms (one run per transform, tsx parser)
//   (c) the floor: read every source file, parse only those that mention cloacina, one process
//   (d) the same floor, importing the parser only when a file mentions cloacina
// and the same for a smaller corpus where every file uses cloacina.
//   node scripts/bench-migrate.mjs            (10,000 files, 5% using cloacina)
//   BENCH_FILES=2000 node scripts/bench-migrate.mjs
// Or the same table for existing checkouts (any folder; nothing in it is written):
//   node scripts/bench-migrate.mjs --tree ../some-checkout [--tree ...] [--no-stock]
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FILES = Number(process.env.BENCH_FILES ?? 10_000);
const SHARE = Number(process.env.BENCH_SHARE ?? 0.05);
const ALL_FILES = Number(process.env.BENCH_ALL_FILES ?? 1_000);
// (a) and (c) take well under a second and vary by tens of milliseconds from run to run on
// a busy machine: each is the median of RUNS runs, alternated. (b) takes seconds: the
// median of STOCK_RUNS runs of both transforms.
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const STOCK_RUNS = Number(process.env.BENCH_STOCK_RUNS ?? 3);
const TRANSFORMS = ['rewrite-context-loaders', 'move-authoring-imports'];
const EXTENSIONS = ['ts', 'tsx', 'mts', 'cts', 'js', 'jsx', 'mjs', 'cjs'];

const argv = process.argv.slice(2);
const TREES = argv.flatMap((arg, i) => (arg === '--tree' ? [resolve(argv[i + 1] ?? '')] : []));
const STOCK = !argv.includes('--no-stock');

function plainFile(i) {
  return `import { readFile } from 'node:fs/promises';
import type { Config } from '../config.js';

export interface Record${i} {
  id: string;
  value: number;
  tags: string[];
}

/** Loads and normalises record set ${i}. */
export async function load${i}(config: Config): Promise<Record${i}[]> {
  const text = await readFile(config.path + '/${i}.json', 'utf8');
  const rows = JSON.parse(text) as Record${i}[];
  return rows
    .filter((row) => row.value > ${i % 17})
    .map((row) => ({ ...row, tags: [...new Set(row.tags)].sort() }));
}

export function summarise${i}(rows: Record${i}[]): { count: number; total: number } {
  let total = 0;
  for (const row of rows) total += row.value;
  return { count: rows.length, total };
}
`;
}

function workflowFile(i) {
  return `import { task, packagedWorkflow, Context, Runner, type TaskOptions } from 'cloacina';
import { load${i} } from './data.js';

const options: TaskOptions = { id: 'extract-${i}' };

export const extract${i} = task(options, async (ctx: Context) => {
  ctx.set('rows', await load${i}({ path: '/data' } as never));
});

export const report${i} = task({ id: 'report-${i}', dependencies: [extract${i}] }, async (ctx: Context) => {
  const rows = ctx.loadFromDependenciesAndCache('rows') as unknown[];
  ctx.set('count', rows.length);
});

export default packagedWorkflow({ name: 'flow-${i}', tasks: [extract${i}, report${i}] });
export const start${i} = () => Runner.open();
`;
}

function generate(dir, files, share) {
  const every = share >= 1 ? 1 : Math.round(1 / share);
  for (let i = 0; i < files; i++) {
    const pkg = join(dir, 'packages', `pkg-${Math.floor(i / 100)}`, 'src', `area-${Math.floor(i / 10) % 10}`);
    if (i % 100 === 0) {
      mkdirSync(join(dir, 'packages', `pkg-${Math.floor(i / 100)}`), { recursive: true });
      writeFileSync(join(dir, 'packages', `pkg-${Math.floor(i / 100)}`, 'package.json'), JSON.stringify({ name: `pkg-${Math.floor(i / 100)}`, dependencies: { cloacina: '^1.2.0' } }, null, 2) + '\n');
    }
    mkdirSync(pkg, { recursive: true });
    writeFileSync(join(pkg, `file-${i}.ts`), i % every === 0 ? workflowFile(i) : plainFile(i));
  }
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'bench-monorepo', private: true, workspaces: ['packages/*'] }, null, 2) + '\n');
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function timed(command, args, cwd) {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.status !== 0 && result.status !== 1) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr}`);
  return { seconds, stdout: result.stdout };
}

// The floor: one process that reads every source file (node_modules and .git not entered)
// and parses those whose bytes mention cloacina; the least any migration tool must do. It
// prints how many files it read and how many it parsed. Two forms: the parser imported up
// front (as this table always measured it), and imported only when a first file mentions
// cloacina, as cloacina-migrate does: on a tree without cloacina code that floor never loads
// a parser, and is the stricter one to compare with.
const floorScript = (lazy) => `
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
${lazy ? 'let parse;' : "import { parse } from '@babel/parser';"}
const SOURCE = /\\.(${EXTENSIONS.join('|')})$/;
const NEEDLE = Buffer.from('cloacina');
let read = 0;
let parsed = 0;
const walk = async (dir) => {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) { if (e.name !== 'node_modules' && e.name !== '.git') await walk(p); continue; }
    if (!e.isFile() || !SOURCE.test(p)) continue;
    const bytes = readFileSync(p);
    read++;
    if (bytes.indexOf(NEEDLE) === -1) continue;
    ${lazy ? "parse ??= (await import('@babel/parser')).parse;" : ''}
    const ts = /\\.[mc]?tsx?$/.test(p);
    const plugins = ts ? (p.endsWith('x') ? ['typescript', 'jsx'] : ['typescript']) : ['jsx'];
    try { parse(bytes.toString('utf8'), { sourceType: 'unambiguous', plugins, errorRecovery: true }); } catch {}
    parsed++;
  }
};
await walk(process.argv[1]);
process.stdout.write(\`\${read} \${parsed}\`);
`;
const FLOOR = floorScript(false);
const STRICT_FLOOR = floorScript(true);

/** (a), (b), (c) and (d) on the tree in `dir`; (b) only when asked for. */
function measureDir(label, dir, stockWanted) {
  const oursRuns = [];
  const floorRuns = [];
  const strictRuns = [];
  const loadBefore = loadavg()[0];
  let report;
  let floor;
  for (let i = 0; i < RUNS; i++) {
    const ours = timed(process.execPath, [join(ROOT, 'bin', 'cloacina-migrate.js'), dir, '--dry', '--json'], dir);
    report = JSON.parse(ours.stdout);
    oursRuns.push(ours.seconds);
    floor = timed(process.execPath, ['--input-type=module', '-e', FLOOR, dir], ROOT);
    floorRuns.push(floor.seconds);
    strictRuns.push(timed(process.execPath, ['--input-type=module', '-e', STRICT_FLOOR, dir], ROOT).seconds);
  }
  const stockRuns = [];
  for (let i = 0; stockWanted && i < STOCK_RUNS; i++) {
    let stock = 0;
    for (const name of TRANSFORMS) {
      stock += timed(join(ROOT, 'node_modules', '.bin', 'jscodeshift'), [
        '-t', join(ROOT, 'dist', 'codemods', `${name}.js`), '--parser=tsx', `--extensions=${EXTENSIONS.join(',')}`, '--ignore-pattern=**/node_modules/**', '--dry', '--silent', dir,
      ], dir).seconds;
    }
    stockRuns.push(stock);
  }
  const { summary } = report;
  const files = summary.changed + summary.unchanged + summary.skipped + summary.failed + (summary.notWritten ?? 0);
  const [floorRead, candidates] = floor.stdout.split(' ').map(Number);
  return {
    label,
    files,
    floorRead,
    candidates,
    changed: summary.changed,
    ours: median(oursRuns),
    oursSpread: [Math.min(...oursRuns), Math.max(...oursRuns)],
    stock: stockRuns.length > 0 ? median(stockRuns) : undefined,
    floor: median(floorRuns),
    strict: median(strictRuns),
    strictSpread: [Math.min(...strictRuns), Math.max(...strictRuns)],
    load: [loadBefore, loadavg()[0]],
  };
}

function measure(label, files, share) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-migrate-'));
  try {
    generate(dir, files, share);
    return measureDir(label, dir, true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const rows =
  TREES.length > 0
    ? TREES.map((tree) => measureDir(basename(tree), tree, STOCK))
    : [measure(`${FILES} files, ${Math.round(SHARE * 100)}% use cloacina`, FILES, SHARE), measure(`${ALL_FILES} files, all use cloacina`, ALL_FILES, 1)];
const s = (x) => (x === undefined ? '-' : `${x.toFixed(2)} s`);
const spread = ([low, high]) => `${low.toFixed(2)}-${high.toFixed(2)}`;
const table = [
  ['corpus', 'source files', 'read by floor', 'candidates', '(a) cloacina-migrate --dry', '(b) stock jscodeshift', '(c) floor', '(d) strict floor', 'a / c', 'a / d', 'b / a', 'load'],
  ...rows.map((r) => [
    r.label,
    String(r.files),
    String(r.floorRead),
    String(r.candidates),
    `${s(r.ours)} (${spread(r.oursSpread)})`,
    s(r.stock),
    s(r.floor),
    `${s(r.strict)} (${spread(r.strictSpread)})`,
    `${(r.ours / r.floor).toFixed(2)}x`,
    `${(r.ours / r.strict).toFixed(2)}x`,
    r.stock === undefined ? '-' : `${(r.stock / r.ours).toFixed(1)}x`,
    `${r.load[0].toFixed(1)}-${r.load[1].toFixed(1)}`,
  ]),
];
const widths = table[0].map((_, c) => Math.max(...table.map((row) => row[c].length)));
for (const [i, row] of table.entries()) {
  console.log('| ' + row.map((cell, c) => cell.padEnd(widths[c])).join(' | ') + ' |');
  if (i === 0) console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
}
console.log(`\n(a), (c), (d): median of ${RUNS} runs each, alternated (fastest-slowest in brackets); (b): median of ${STOCK_RUNS} runs, each one jscodeshift run per transform.`);
console.log('"source files": the files cloacina-migrate listed (through git in a repository); "read by floor": the files the floor read (its own walk, every folder but node_modules and .git); "candidates": those that mention cloacina.');
console.log('(c) imports the parser up front; (d) only on its first candidate, as cloacina-migrate does. "load": the 1-minute load average before and after the rows\' runs.');
const within = (r, floor, name) => `${r.label}: ${(r.ours / floor).toFixed(2)}x of ${name} (${r.ours / floor <= 1.3 ? 'met' : 'MISSED'})`;
if (TREES.length > 0) {
  console.log(`\nTarget: within 1.3x of the floor. ${rows.flatMap((r) => [within(r, r.floor, '(c)'), within(r, r.strict, '(d)')]).join('; ')}.`);
} else {
  const [mixed, all] = rows;
  console.log(
    `\nTargets: within 1.3x of the floor: ${within(mixed, mixed.floor, '(c)')}, ${within(mixed, mixed.strict, '(d)')}; ` +
      `>= 20x faster than stock jscodeshift: ${(mixed.stock / mixed.ours).toFixed(1)}x (${mixed.stock / mixed.ours >= 20 ? 'met' : 'MISSED'}); ` +
      `all-cloacina corpus no slower than stock: ${(all.stock / all.ours).toFixed(1)}x (${all.ours <= all.stock ? 'met' : 'MISSED'}).`,
  );
}
