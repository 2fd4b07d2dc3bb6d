#!/usr/bin/env node
// Bundles the cloacina-migrate command (main thread and worker entry, shared chunks) so a
// run loads a few files instead of some twenty ES modules and two CommonJS packages: that
// is a third of the start-up of a run over a large tree. What the command imports only when
// needed (the transforms and analysis, the manifest planner, the type check) lands in chunks
// of its own, loaded by then. The parsers and TypeScript stay external: loaded only when needed.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { replaceOutputs } from './lib/replace-outputs.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist/cli`;
const { outputFiles } = await build({
  absWorkingDir: root,
  // The worker entry must sit next to the chunk that starts it (new URL('./worker.js', import.meta.url)).
  entryPoints: { main: 'src/cli/main.ts', early: 'src/cli/early.ts', worker: 'src/worker.ts', 'isolated-transform-child': 'src/isolated-transform-child.ts' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: '[name]-[hash]',
  external: ['typescript', 'jscodeshift', '@babel/parser'],
  legalComments: 'none',
  logLevel: 'warning',
  write: false,
});
// Files of earlier builds (chunks under other hashes) go.
replaceOutputs(outputFiles, outdir, { isChunk: (path) => !/[/\\](main|early|worker|isolated-transform-child)\.js$/.test(path) });
