// One project index per run: the migration (run-files, migrate-file on this thread) and
// check's scan of the removed-method uses left (cli/main.ts asks ProjectIndex.shared with the
// same roots and file list) get the same index, over the same files: the project is listed
// and parsed once.
import { afterEach, expect, it, vi } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProjectIndex } from '../../src/analysis/project.js';
import { remainingRemovedMethodUses } from '../../src/analysis/remaining-uses.js';
import { runFiles } from '../../src/run-files.js';

let dir: string;
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

it('the run and check share one index, over the same files', async () => {
  dir = mkdtempSync(join(tmpdir(), 'cloacina-shared-index-'));
  mkdirSync(join(dir, 'src'));
  const files = [join(dir, 'src', 'helpers.ts'), join(dir, 'src', 'workflow.ts')];
  writeFileSync(files[0]!, "export function read(c: any) { return c.getWithDependencies('k'); }\n");
  writeFileSync(files[1]!, "import { task } from 'cloacina';\nimport { read } from './helpers.js';\nexport const a = task({ id: 'a' }, (ctx) => { ctx.remove('k'); ctx.set('v', read(ctx)); });\n");
  const shared = vi.spyOn(ProjectIndex, 'shared');

  const results = await runFiles(files, { dry: true, roots: [dir] });
  const index = ProjectIndex.shared([dir], files); // as `check` does
  const uses = remainingRemovedMethodUses(files, index);

  expect(new Set(shared.mock.results.map((r) => r.value))).toEqual(new Set([index]));
  expect(index.files()).toBe(files);
  // Both saw the helper's loader through its caller in the other file.
  expect(results.find((r) => r.file === files[0])?.flags.map((f) => f.reason)).toEqual(['loader-after-remove']);
  expect(uses.map((u) => [u.file, u.action])).toEqual([[files[0], 'loader-after-remove']]);
});
