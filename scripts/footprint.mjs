#!/usr/bin/env node
// Footprint of the authoring package beside @temporalio/workflow, measured in one run:
// runtime dependencies (transitive), packed and unpacked size, cold import time
// (median of fresh processes). Both are installed from tarballs into temp folders, so
// each is measured exactly as a user's install would see it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RUNS = Number(process.env.FOOTPRINT_RUNS ?? 20);
const ANCHOR = process.env.FOOTPRINT_ANCHOR ?? '@temporalio/workflow';

function npm(args, cwd) {
  return execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Installs `spec` into a fresh folder; returns the folder. */
function installInto(spec) {
  const dir = mkdtempSync(join(tmpdir(), 'footprint-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'footprint-probe', private: true, type: 'module' }));
  npm(['install', '--no-audit', '--no-fund', '--ignore-scripts', '--omit=dev', spec], dir);
  return dir;
}

/** Every installed package except the probe itself: the transitive runtime dependencies, plus the package. */
function installedPackages(dir) {
  const lock = JSON.parse(npm(['ls', '--all', '--omit=dev', '--json'], dir));
  const names = new Set();
  const walk = (deps = {}) => {
    for (const [name, info] of Object.entries(deps)) {
      names.add(`${name}@${info.version}`);
      walk(info.dependencies);
    }
  };
  walk(lock.dependencies);
  return names.size;
}

/** Median wall time of `import(name)` in fresh node processes, in ms. */
function coldImportMs(dir, name) {
  const probe = `const t = performance.now(); await import(${JSON.stringify(name)}); process.stdout.write(String(performance.now() - t));`;
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    times.push(Number(execFileSync(process.execPath, ['--input-type=module', '-e', probe], { cwd: dir, encoding: 'utf8' })));
  }
  times.sort((a, b) => a - b);
  const mid = times.length >> 1;
  return times.length % 2 ? times[mid] : (times[mid - 1] + times[mid]) / 2;
}

function measure(name, packJson, installSpec) {
  const [packed] = JSON.parse(packJson);
  const dir = installInto(installSpec);
  try {
    return {
      name: `${name}@${packed.version}`,
      deps: installedPackages(dir) - 1,
      packed: packed.size,
      unpacked: packed.unpackedSize,
      importMs: coldImportMs(dir, name),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const packDir = mkdtempSync(join(tmpdir(), 'footprint-pack-'));
try {
  const ours = npm(['pack', '-w', 'cloacina-workflow', '--ignore-scripts', '--json', '--pack-destination', packDir], ROOT);
  const tarball = join(packDir, JSON.parse(ours)[0].filename);
  const rows = [
    measure('cloacina-workflow', ours, tarball),
    measure(ANCHOR, npm(['pack', ANCHOR, '--json', '--dry-run'], packDir), ANCHOR),
  ];
  const kb = (n) => `${(n / 1024).toFixed(1)} kB`;
  const table = [
    ['package', 'runtime deps (transitive)', 'packed', 'unpacked', `cold import (median of ${RUNS})`],
    ...rows.map((r) => [r.name, String(r.deps), kb(r.packed), kb(r.unpacked), `${r.importMs.toFixed(2)} ms`]),
  ];
  const [a, b] = rows;
  table.push([
    'ratio (anchor / ours)',
    a.deps === 0 ? `${b.deps} vs 0` : (b.deps / a.deps).toFixed(1) + 'x',
    (b.packed / a.packed).toFixed(1) + 'x',
    (b.unpacked / a.unpacked).toFixed(1) + 'x',
    (b.importMs / a.importMs).toFixed(1) + 'x',
  ]);
  const widths = table[0].map((_, c) => Math.max(...table.map((row) => row[c].length)));
  for (const [i, row] of table.entries()) {
    console.log('| ' + row.map((cell, c) => cell.padEnd(widths[c])).join(' | ') + ' |');
    if (i === 0) console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  }
  const targets = [
    ['0 runtime dependencies', a.deps === 0],
    ['packed under 30 kB', a.packed < 30 * 1024],
    ['cold import under 15 ms', a.importMs < 15],
  ];
  const floorDir = mkdtempSync(join(tmpdir(), 'footprint-floor-'));
  writeFileSync(join(floorDir, 'package.json'), JSON.stringify({ type: 'module' }));
  writeFileSync(join(floorDir, 'empty.js'), 'export {};\n');
  const floor = coldImportMs(floorDir, './empty.js');
  rmSync(floorDir, { recursive: true, force: true });
  console.log(`\nFloor: importing an empty ES module in a fresh process takes ${floor.toFixed(2)} ms (median of ${RUNS}).`);
  console.log('Targets: ' + targets.map(([t, ok]) => `${t}: ${ok ? 'met' : 'MISSED'}`).join('; '));
} finally {
  rmSync(packDir, { recursive: true, force: true });
}
