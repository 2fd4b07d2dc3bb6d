// The dirty-tree guard: a migration should land on committed files, so that it can be
// reviewed (and undone) as one diff. Uncommitted means a tracked file with changes anywhere
// in a repository that holds a given path, or an untracked, not ignored file under a given
// path (its old text would be in no commit). Each repository is asked about itself.
import { join } from 'node:path';
import { trackedChanges } from './git.js';
import type { Discovered } from './discover.js';

export interface Guard {
  /** Uncommitted files (absolute paths); non-empty means refuse unless forced. */
  uncommitted: string[];
  /** Given paths git could not be asked about, with git's answer: refuse unless forced. */
  unknown: Array<{ path: string; message: string }>;
  /** Given paths outside any repository (or with no git installed): run, with a warning. */
  unguarded: Array<{ path: string; why: 'not-a-repo' | 'no-git' }>;
}

export async function guard(found: Discovered): Promise<Guard> {
  const tracked = await Promise.all(found.repositories.map(async ({ top, changed }) => changed ?? (await trackedChanges(top)).map((rel) => join(top, rel))));
  const uncommitted = [...new Set([...tracked.flat(), ...found.repositories.flatMap((r) => r.untracked)])].sort();
  const unknown: Guard['unknown'] = [];
  const unguarded: Guard['unguarded'] = [];
  for (const { path, repository } of found.unguarded) {
    if (repository.kind === 'unknown') unknown.push({ path, message: repository.message });
    else unguarded.push({ path, why: repository.kind });
  }
  return { uncommitted, unknown, unguarded };
}
