// The built command on a project whose helpers' loaders can only be proven from their callers
// in other files: worker threads hand such files back to the main thread, which indexes the
// project once, and the result is the same as with no workers at all.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/cloacina-migrate.js', import.meta.url));
const TASKS = 40;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'analysis-workers-'));
  mkdirSync(join(dir, 'src', 'helpers'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{ "name": "w", "dependencies": { "cloacina": "^1.0.0" } }\n');
  writeFileSync(join(dir, 'src', 'kit.ts'), "export { task } from 'cloacina';\n");
  for (let i = 0; i < TASKS; i++) {
    writeFileSync(join(dir, 'src', 'helpers', `rows-${i}.ts`), `export function rows${i}(ctx: any) {\n  return ctx.getWithDependencies('rows');\n}\n`);
    // Every other task removes the key before asking the helper: that helper's loader is flagged.
    const body = i % 2 === 0 ? `ctx.set('n', rows${i}(ctx));` : `ctx.remove('rows');\n  ctx.set('n', rows${i}(ctx));`;
    writeFileSync(join(dir, 'src', `task-${i}.ts`), `import { task } from './kit.js';\nimport { rows${i} } from './helpers/rows-${i}.js';\n\nexport const t${i} = task({ id: 't${i}' }, (ctx) => {\n  ${body}\n});\n`);
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function migrate(workers: number) {
  const result = spawnSync(process.execPath, [BIN, '.', '--dry', '--json', '--workers', String(workers)], { cwd: dir, encoding: 'utf8' });
  const report = JSON.parse(result.stdout) as { files: Array<{ file: string; status: string; flags: Array<{ reason: string; line: number }> }> };
  return report.files.map((f) => ({ file: f.file, status: f.status, flags: f.flags.map((x) => `${x.line} ${x.reason}`) })).sort((a, b) => a.file.localeCompare(b.file));
}

it('gives the same result with worker threads as without', () => {
  const alone = migrate(1);
  expect(alone.filter((f) => f.flags.length > 0)).toHaveLength(TASKS / 2);
  expect(alone.filter((f) => f.file.includes('helpers') && f.status === 'changed')).toHaveLength(TASKS);
  expect(migrate(3)).toEqual(alone);
}, 120_000);
