// Writes an esbuild result (built with write: false) over the previous build in place, then
// deletes the files of the previous build that this one did not make. Each file is renamed
// into place whole, chunks before the entry points that import them, so a process loading
// the folder meanwhile (a test run beside `npm pack`) never finds a file missing or half
// written.
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export function replaceOutputs(outputFiles, dir, { isChunk, owned = () => true }) {
  const made = new Set();
  const ordered = [...outputFiles].sort((a, b) => Number(isChunk(b.path)) - Number(isChunk(a.path)));
  for (const file of ordered) {
    mkdirSync(dirname(file.path), { recursive: true });
    const temp = join(dirname(file.path), `.${basename(file.path)}.${process.pid}.tmp`);
    writeFileSync(temp, file.contents);
    renameSync(temp, file.path);
    made.add(file.path);
  }
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    if (entry.isFile() && owned(path) && !made.has(path)) rmSync(path);
  }
}
