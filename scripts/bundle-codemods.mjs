#!/usr/bin/env node
// Bundles each transform in codemods/ into one self-contained file, dist/codemods/<name>.js,
// replacing tsc's output of that file, so the published package can hand it to stock
// jscodeshift (`jscodeshift -t node_modules/cloacina-migrate/dist/codemods/<name>.js`)
// without shipping the rest of dist/. Packages stay external: they resolve from
// cloacina-migrate's own dependencies.
import { build } from 'esbuild';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { replaceOutputs } from './lib/replace-outputs.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
// Every file directly in codemods/ is one transform, except the ordered index.
const names = readdirSync(`${root}codemods`)
  .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
  .map((f) => f.slice(0, -'.ts'.length));

const outdir = `${root}dist/codemods`;
const { outputFiles } = await build({
  absWorkingDir: root,
  entryPoints: Object.fromEntries(names.map((name) => [name, `codemods/${name}.ts`])),
  outdir,
  allowOverwrite: true,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  legalComments: 'none',
  logLevel: 'warning',
  write: false,
});
// tsc writes the rest of this folder: nothing else is removed.
replaceOutputs(outputFiles, outdir, { isChunk: () => false, owned: () => false });
