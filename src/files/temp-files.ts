// The temp files a write goes through, named so a later run recognises its own leftovers
// (a run killed between writing one and renaming it) and removes them.
import { readdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const TEMP_NAME = /^\..+\.cloacina-migrate-(\d+)\.tmp$/;

/** The temp file beside `path` that this process writes before renaming it over `path`. */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.cloacina-migrate-${process.pid}.tmp`);
}

/** True for a name (or path) that this tool gives its temp files. */
export function isTempFile(path: string): boolean {
  return TEMP_NAME.test(basename(path));
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temp files of runs that are no longer running from `dirs`; returns the paths
 * removed. A temp file of a live process is left alone: a concurrent run is writing it.
 */
export function removeLeftoverTemps(dirs: Iterable<string>): string[] {
  const removed: string[] = [];
  for (const dir of dirs) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      const match = TEMP_NAME.exec(name);
      if (match === null || alive(Number(match[1]))) continue;
      rmSync(join(dir, name), { force: true });
      removed.push(join(dir, name));
    }
  }
  return removed;
}
