#!/usr/bin/env node
// cloacina-migrate on code nobody here wrote: plants v1 cloacina code into real files of an
// existing git checkout and checks what users are promised, on a clone (the checkout is
// never written):
//   - on the tree as it is (nothing planted): exit 0, no file changed at all;
//   - planted: every byte outside the planted blocks is unchanged, in every file; only the
//     planted files change; every output parses; the TODO markers written, the report's
//     counts and the exit code agree with what was planted;
//   - a second run changes nothing.
//   node scripts/plant-check.mjs --tree ../some-checkout [--files 20] [--seed 1] [--bin path/to/cloacina-migrate] [--keep]
// --bin defaults to this repository's bin/cloacina-migrate.js; point it at an installed one
// (node_modules/.bin/cloacina-migrate) to check the package as users receive it.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { parseFile } from '../dist/src/analysis/parse.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : fallback;
};
const TREE = option('--tree');
const FILES = Number(option('--files', 20));
const SEED = Number(option('--seed', 1));
const KEEP = argv.includes('--keep');
const BIN = resolve(option('--bin', join(ROOT, 'bin', 'cloacina-migrate.js')));
if (!TREE) {
  console.error('usage: node scripts/plant-check.mjs --tree DIR [--files 20] [--seed 1] [--bin FILE]');
  process.exit(2);
}

const SOURCE = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;
const OPEN = '// >>> planted v1 code\n';
const CLOSE = '// <<< planted v1 code\n';
const SHEBANG = '#!/usr/bin/env node\n';
// A flag is expected exactly where the context went into code nobody can follow.
const HOOK_TS = '(globalThis as any).plantedHook?.(ctx);';
const HOOK_JS = 'globalThis.plantedHook?.(ctx);';

const git = (cwd, ...args) => execFileSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });

function scriptKind(file) {
  if (/\.[mc]?tsx$|\.tsx$/.test(file)) return ts.ScriptKind.TSX;
  if (/\.[mc]?ts$/.test(file)) return ts.ScriptKind.TS;
  if (/\.jsx$/.test(file)) return ts.ScriptKind.JSX;
  return ts.ScriptKind.JS;
}

function parse(file, text) {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, scriptKind(file));
  return { sf, errors: sf.parseDiagnostics.length };
}

function parsesForTool(file, text) {
  try {
    parseFile(file, text);
    return true;
  } catch {
    return false;
  }
}

/** 32-bit seeded generator (mulberry32): the same seed picks the same files. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const isModuleSyntax = (s) =>
  ts.isImportDeclaration(s) || ts.isImportEqualsDeclaration(s) || ts.isExportDeclaration(s) || ts.isExportAssignment(s) ||
  (ts.canHaveModifiers(s) && (ts.getModifiers(s) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword));
const isDirective = (s) => ts.isExpressionStatement(s) && ts.isStringLiteral(s.expression);
const isRequire = (s) => ts.isVariableStatement(s) && /\brequire\s*\(/.test(s.getText());

/** The position just after the line on which `end` falls. */
function lineAfter(text, end) {
  const nl = text.indexOf('\n', end);
  return nl === -1 ? text.length : nl + 1;
}

/** The v1 code planted into file number `n`, by kind: three blocks (imports, middle, end). */
function plantedCode(kind, n) {
  const extract = `plantedExtract${n}`;
  const report = `plantedReport${n}`;
  if (kind === 'ts-named') {
    return {
      imports: `import { task, Context } from 'cloacina';\n`,
      middle: `export const ${extract} = task({ id: 'planted-extract-${n}' }, async (ctx: Context) => {\n  ctx.set('rows', [1, 2, 3]);\n});\n`,
      end:
        `export const ${report} = task({ id: 'planted-report-${n}', dependencies: [${extract}] }, async (ctx: Context) => {\n` +
        `  const cached = ctx.loadFromDependenciesAndCache('k');\n  const rows = ctx.getWithDependencies('rows');\n  ${HOOK_TS}\n` +
        `  const late = ctx.loadFromDependenciesAndCache('late');\n  ctx.set('count', [cached, rows, late].length);\n});\n`,
    };
  }
  if (kind === 'ts-namespace') {
    return {
      imports: `import * as cloacina from 'cloacina';\n`,
      middle: `export const ${extract} = cloacina.task({ id: 'planted-extract-${n}' }, async (ctx: cloacina.Context) => {\n  ctx.set('rows', [1, 2, 3]);\n});\n`,
      end:
        `export const ${report} = cloacina.task({ id: 'planted-report-${n}', dependencies: [${extract}] }, async (ctx: cloacina.Context) => {\n` +
        `  const rows = ctx.getWithDependencies('rows');\n  ${HOOK_TS}\n  const late = ctx.getWithDependencies('late');\n  ctx.set('count', [rows, late].length);\n});\n` +
        `export const plantedStart${n} = () => cloacina.Runner.open();\n`,
    };
  }
  if (kind === 'ts-split') {
    return {
      imports: `import { task, Runner, type Context } from 'cloacina';\n`,
      middle: `export const ${extract} = task({ id: 'planted-extract-${n}' }, async (ctx: Context) => {\n  ctx.set('rows', [1, 2, 3]);\n});\n`,
      end:
        `export const ${report} = task({ id: 'planted-report-${n}', dependencies: [${extract}] }, async (ctx: Context) => {\n` +
        `  const cached = ctx.loadFromDependenciesAndCache('k');\n  ${HOOK_TS}\n  const late = ctx.loadFromDependenciesAndCache('late');\n  ctx.set('count', [cached, late].length);\n});\n` +
        `export const plantedStart${n} = () => Runner.open();\n`,
    };
  }
  if (kind === 'js-esm') {
    return {
      imports: `import { task } from 'cloacina';\n`,
      middle: `export const ${extract} = task({ id: 'planted-extract-${n}' }, async (ctx) => {\n  ctx.set('rows', [1, 2, 3]);\n});\n`,
      end:
        `export const ${report} = task({ id: 'planted-report-${n}', dependencies: [${extract}] }, async (ctx) => {\n` +
        `  const cached = ctx.loadFromDependenciesAndCache('k');\n  const rows = ctx.getWithDependencies('rows');\n  ${HOOK_JS}\n` +
        `  const late = ctx.loadFromDependenciesAndCache('late');\n  ctx.set('count', [cached, rows, late].length);\n});\n`,
    };
  }
  // CommonJS
  return {
    imports: `const { task, Context } = require('cloacina');\n`,
    middle: `const ${extract} = task({ id: 'planted-extract-${n}' }, async (ctx) => {\n  ctx.set('rows', [1, 2, 3]);\n});\n`,
    end:
      `const ${report} = task({ id: 'planted-report-${n}', dependencies: [${extract}] }, async (ctx) => {\n` +
      `  const cached = ctx.loadFromDependenciesAndCache('k');\n  const rows = ctx.getWithDependencies('rows');\n  ${HOOK_JS}\n` +
      `  const late = ctx.loadFromDependenciesAndCache('late');\n  ctx.set('count', [cached, rows, late].length, Context.name);\n});\n` +
      `module.exports.${report} = ${report};\n`,
  };
}

/**
 * Plants the v1 code into `text` at top-level statement boundaries: after the imports (or
 * the directive prologue), after a statement in the middle, and at the end. Returns
 * undefined when the file is no place for it (no clean boundary).
 */
function plant(file, text, kind, n) {
  const { sf, errors } = parse(file, text);
  if (errors > 0) return undefined;
  const statements = sf.statements;
  const code = plantedCode(kind, n);
  const shebang = kind === 'cjs' && !text.startsWith('#!');
  const head = text.startsWith('#!') ? lineAfter(text, 0) : 0;
  let lead = 0;
  while (lead < statements.length && (isDirective(statements[lead]) || ts.isImportDeclaration(statements[lead]) || ts.isImportEqualsDeclaration(statements[lead]) || (kind === 'cjs' && isRequire(statements[lead])))) lead++;
  const importsAt = lead === 0 ? head : lineAfter(text, statements[lead - 1].end);
  const rest = statements.length - lead;
  const middleAt = rest >= 2 ? lineAfter(text, statements[lead + Math.floor(rest / 2) - 1].end) : importsAt;
  const ending = text.length > 0 && !text.endsWith('\n') ? '\n' : '';
  const block = (s) => OPEN + s + CLOSE;
  const inserts = [
    [importsAt, block(code.imports)],
    [middleAt, block(code.middle)],
    [text.length, ending + block(code.end)],
  ];
  let out = '';
  let at = 0;
  for (const [pos, s] of inserts) {
    out += text.slice(at, pos) + s;
    at = pos;
  }
  out += text.slice(at);
  if (shebang) out = SHEBANG + out;
  // A boundary inside a comment or a template would show here.
  const planted = parse(file, out);
  if (planted.errors > 0) return undefined;
  const extra = kind === 'ts-namespace' || kind === 'ts-split' ? 4 : kind === 'cjs' ? 4 : 3;
  if (planted.sf.statements.length !== statements.length + extra) return undefined;
  if (unplant(out, shebang, ending) !== text) return undefined;
  return { text: out, shebang, ending };
}

/** The file without the planted blocks (and the planted shebang and final newline). */
function unplant(text, shebang, ending) {
  let out = shebang && text.startsWith(SHEBANG) ? text.slice(SHEBANG.length) : text;
  const last = out.lastIndexOf(OPEN);
  if (ending && last > 0 && out[last - 1] === '\n' && out.endsWith(CLOSE)) out = out.slice(0, last - 1) + out.slice(last);
  return out.replace(/\/\/ >>> planted v1 code\n[\s\S]*?\/\/ <<< planted v1 code\n/g, '');
}

function run(cwd, ...args) {
  const started = performance.now();
  const result = spawnSync(process.execPath, [BIN, ...args, '--json'], { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const seconds = (performance.now() - started) / 1000;
  let report;
  try {
    report = JSON.parse(result.stdout);
  } catch {
    throw new Error(`cloacina-migrate ${args.join(' ')} printed no JSON report (exit ${result.status}): ${result.stderr}`);
  }
  return { code: result.status, report, seconds, stderr: result.stderr };
}

const problems = [];
const check = (ok, message) => {
  if (!ok) problems.push(message);
  return ok;
};
const status = (dir) => git(dir, 'status', '--porcelain', '--untracked-files=all').split('\n').filter(Boolean);

const work = mkdtempSync(join(tmpdir(), 'plant-check-'));
const dir = join(work, 'tree');
const rows = [];
try {
  git(work, 'clone', '--quiet', '--no-hardlinks', resolve(TREE), dir);
  git(dir, 'config', 'user.email', 'plant-check@localhost');
  git(dir, 'config', 'user.name', 'plant-check');
  // node_modules folders (committed ones too, as test fixtures of bundlers) are never migrated.
  const listed = git(dir, 'ls-files', '-z').split('\0').filter((f) => SOURCE.test(f) && !/\.d\.[mc]?ts$/.test(f) && !/(^|\/)node_modules\//.test(f));

  // 1. The tree as it is: nothing to migrate, nothing written.
  const clean = run(dir, '.');
  const s0 = clean.report.summary;
  check(clean.code === 0, `unplanted run exited ${clean.code}`);
  check(s0.changed === 0 && s0.failed === 0 && s0.manualReview === 0, `unplanted run: ${JSON.stringify(s0)}`);
  check(status(dir).length === 0, `unplanted run changed: ${status(dir).slice(0, 10).join(', ')}`);
  rows.push(['unplanted tree', String(listed.length), `${s0.changed} changed, ${s0.unchanged} unchanged, ${s0.skipped} skipped, ${s0.failed} failed`, String(clean.code), `${clean.seconds.toFixed(2)} s`]);

  // 2. Plant v1 code into FILES files picked by the seed, then commit.
  const next = random(SEED);
  const order = listed.map((f) => [next(), f]).sort((a, b) => a[0] - b[0]).map(([, f]) => f);
  const planted = new Map();
  const expected = { markers: 0 };
  // Each kind of planted code takes its turn while files for it remain.
  const turns = ['ts-named', 'js-esm', 'ts-namespace', 'cjs', 'ts-split'];
  // Each file is read and judged once: the kinds of code it can take (none: not plantable).
  const judged = new Map();
  const kindsOf = (file) => {
    if (judged.has(file)) return judged.get(file);
    const bytes = readFileSync(join(dir, file));
    const text = bytes.toString('utf8');
    let kinds = [];
    // Files that already mention cloacina, use the planted names, or are not UTF-8 are not
    // planted; nor is a file the tool itself refuses (a program no engine runs, such as a
    // duplicate declaration in a formatter's test input), which is reported as failed.
    if (text.length <= 300_000 && !/cloacina|planted|\btask\b|\bContext\b|\bRunner\b/.test(text) && Buffer.from(text).equals(bytes) && parsesForTool(file, text)) {
      const { sf, errors } = parse(file, text);
      const esm = sf.statements.some(isModuleSyntax);
      if (errors > 0) kinds = [];
      else if (!/\.[mc]?tsx?$/.test(file)) kinds = esm ? ['js-esm'] : ['cjs'];
      else kinds = esm || sf.statements.length === 0 ? ['ts-named', 'ts-namespace', 'ts-split'] : [];
    }
    judged.set(file, { text, kinds });
    return judged.get(file);
  };
  for (let turn = 0, misses = 0; planted.size < FILES && misses < turns.length; turn++) {
    const want = turns[turn % turns.length];
    let placed = false;
    for (const file of order) {
      if (planted.has(file)) continue;
      const { text, kinds } = kindsOf(file);
      if (!kinds.includes(want)) continue;
      const result = plant(file, text, want, planted.size);
      if (!result) {
        kinds.length = 0;
        continue;
      }
      writeFileSync(join(dir, file), result.text);
      planted.set(file, { original: text, kind: want, ...result });
      expected.markers += 1;
      placed = true;
      break;
    }
    misses = placed ? 0 : misses + 1;
  }
  git(dir, 'add', '-A');
  git(dir, 'commit', '--quiet', '-m', 'planted v1 cloacina code');

  // 3. Migrate the planted tree.
  const first = run(dir, '.');
  const s1 = first.report.summary;
  const changedFiles = status(dir).map((line) => line.slice(3));
  check(changedFiles.every((f) => planted.has(f)), `files changed that were not planted: ${changedFiles.filter((f) => !planted.has(f)).join(', ')}`);
  check(changedFiles.length === planted.size, `${changedFiles.length} files changed, ${planted.size} planted`);
  let markers = 0;
  let remaining = 0;
  const kinds = {};
  for (const [file, p] of planted) {
    const out = readFileSync(join(dir, file), 'utf8');
    kinds[p.kind] = (kinds[p.kind] ?? 0) + 1;
    check(unplant(out, p.shebang, p.ending) === p.original, `${file}: bytes outside the planted code changed`);
    check(parse(file, out).errors === 0, `${file}: the output does not parse`);
    const written = out.match(/TODO\(cloacina-migrate\)/g)?.length ?? 0;
    markers += written;
    check(written === 1, `${file}: ${written} markers (1 planted site needs one)`);
    // Every removed method left in place sits right under its marker.
    const lines = out.split('\n');
    for (const [i, line] of lines.entries()) {
      if (!/\.(loadFromDependenciesAndCache|getWithDependencies)\(/.test(line)) continue;
      remaining++;
      check(/TODO\(cloacina-migrate\)/.test(lines[i - 1] ?? ''), `${file}:${i + 1}: a removed method left without a marker: ${line.trim()}`);
    }
    check(!/from 'cloacina';|require\('cloacina'\)/.test(out) || /Runner/.test(out), `${file}: still imports authoring names from cloacina only`);
    const entry = first.report.files.find((f) => f.file === file);
    check(entry?.status === 'changed' && entry.markers === written, `${file}: report says ${JSON.stringify(entry && { status: entry.status, markers: entry.markers })}, the file has ${written} markers`);
  }
  check(markers === expected.markers, `${markers} markers written, ${expected.markers} expected`);
  check(s1.manualReview === markers, `report counts ${s1.manualReview} sites for review, the files hold ${markers} markers`);
  check(s1.changed === planted.size && s1.failed === 0, `report: ${JSON.stringify(s1)}`);
  check(first.code === (markers > 0 ? 1 : 0), `exit ${first.code} with ${markers} markers`);
  rows.push([`planted (${Object.entries(kinds).map(([k, c]) => `${c} ${k}`).join(', ')})`, String(s1.changed + s1.unchanged + s1.skipped + s1.failed + (s1.notWritten ?? 0)), `${s1.changed} changed, ${s1.manualReview} for review (${markers} markers, ${remaining} removed calls left), ${s1.failed} failed`, String(first.code), `${first.seconds.toFixed(2)} s`]);

  // 4. Again: nothing changes.
  git(dir, 'add', '-A');
  git(dir, 'commit', '--quiet', '-m', 'migrated');
  const second = run(dir, '.');
  const s2 = second.report.summary;
  check(status(dir).length === 0 && s2.changed === 0, `the second run changed: ${status(dir).join(', ')} (${JSON.stringify(s2)})`);
  rows.push(['second run', String(s2.changed + s2.unchanged + s2.skipped + s2.failed + (s2.notWritten ?? 0)), `${s2.changed} changed, ${s2.manualReview} for review, ${s2.failed} failed`, String(second.code), `${second.seconds.toFixed(2)} s`]);
} finally {
  if (KEEP) console.log(`kept ${dir}`);
  else rmSync(work, { recursive: true, force: true });
}

const table = [['run', 'source files', 'report', 'exit', 'wall'], ...rows];
const widths = table[0].map((_, c) => Math.max(...table.map((row) => row[c].length)));
console.log(`tree ${resolve(TREE)}, ${FILES} files planted, seed ${SEED}, ${BIN}`);
for (const [i, row] of table.entries()) {
  console.log('| ' + row.map((cell, c) => cell.padEnd(widths[c])).join(' | ') + ' |');
  if (i === 0) console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
}
if (problems.length === 0) console.log('\nall checks held');
else {
  console.log(`\n${problems.length} problem(s):`);
  for (const p of problems) console.log(`  ${p}`);
  process.exitCode = 1;
}
