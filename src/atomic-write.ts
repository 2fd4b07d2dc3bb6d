// Writes a file whole or not at all: a temp file beside it, then a rename.
import { chmodSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export function writeFileAtomic(path: string, contents: string): void {
  const temp = join(dirname(path), `.${basename(path)}.cloacina-migrate-${process.pid}.tmp`);
  const mode = statSync(path, { throwIfNoEntry: false })?.mode;
  try {
    writeFileSync(temp, contents);
    if (mode !== undefined) chmodSync(temp, mode);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
