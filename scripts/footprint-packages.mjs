#!/usr/bin/env node
// Packed size of one example workflow: built against cloacina-workflow (the runtime supplies
// the authoring API), with the authoring API bundled in, and with the full runtime bundled in.
import { build } from 'esbuild';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { pack } from 'cloacina';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const work = join(ROOT, '.tmp', `footprint-packages-${process.pid}`);
mkdirSync(work, { recursive: true });

const body = (from) => `import { packagedWorkflow, task } from '${from}';

export const greet = task({ id: 'greet' }, (ctx) => {
  ctx.set('greeting', 'hello ' + String(ctx.get('name') ?? 'world'));
});

export default packagedWorkflow({ name: 'hello', package: 'hello', version: '1.0.0', tasks: [greet] });
`;

try {
  writeFileSync(join(work, 'authoring.ts'), body('cloacina-workflow'));
  writeFileSync(join(work, 'runtime.ts'), `${body('cloacina')}export { Runner } from 'cloacina';\n`);
  const lean = await pack(join(work, 'authoring.ts'));
  const withApi = await pack(join(work, 'authoring.ts'), { bundleAuthoringApi: true });
  // The full runtime cannot be a loadable package (native modules), so measure its bundle alone.
  const full = await build({
    entryPoints: [join(work, 'runtime.ts')], bundle: true, format: 'esm', platform: 'node', target: 'node20',
    minify: true, write: false, logLevel: 'silent', external: ['better-sqlite3', 'pg', 'esbuild', 'pg-native'],
  });
  const fullBytes = full.outputFiles[0].contents;
  const rows = [
    ['hello world against cloacina-workflow (external)', lean.manifest.bundle.bytes, lean.archive.length],
    ['same, cloacina-workflow bundled in', withApi.manifest.bundle.bytes, withApi.archive.length],
    ['same, full runtime bundled in (native modules external)', fullBytes.length, gzipSync(fullBytes, { level: 9 }).length],
  ];
  const table = [['package', 'bundle', 'packed (.cloacina / gzip)'], ...rows.map(([n, b, p]) => [n, `${b} B`, `${p} B`])];
  const widths = table[0].map((_, c) => Math.max(...table.map((r) => String(r[c]).length)));
  for (const [i, row] of table.entries()) {
    console.log('| ' + row.map((cell, c) => String(cell).padEnd(widths[c])).join(' | ') + ' |');
    if (i === 0) console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  }
  console.log(`\nTarget: hello-world package under 4 kB: ${lean.archive.length} B (${lean.archive.length < 4096 ? 'met' : 'MISSED'})`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
