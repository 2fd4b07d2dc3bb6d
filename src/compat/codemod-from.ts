// The migration CLI of another checkout of this repository (an older commit, say), so the
// compatibility property can be run against the codemod as it was: the generator, model
// and judges stay this checkout's, only the code under test changes.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { MigrateCli } from './pipeline.js';

/** The built CLI entry of the checkout at `dir` (its `dist/src/cli/main.js`). */
export async function codemodFrom(dir: string): Promise<MigrateCli> {
  const entry = join(resolve(dir), 'dist', 'src', 'cli', 'main.js');
  if (!existsSync(entry)) throw new Error(`codemod-from: ${entry} does not exist; run \`npm run build\` in ${dir} first`);
  const module = (await import(pathToFileURL(entry).href)) as { main?: unknown };
  if (typeof module.main !== 'function') throw new Error(`codemod-from: ${entry} exports no main(argv, io)`);
  return module.main as MigrateCli;
}
