// The dirty-tree guard: a migration should land on a clean tree so it can be reviewed
// (and undone) as one diff.
import { spawnSync } from 'node:child_process';

export type TreeState = { kind: 'clean' } | { kind: 'dirty'; files: string[] } | { kind: 'not-a-repo' } | { kind: 'no-git' };

export function treeState(dir: string): TreeState {
  const result = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: dir, encoding: 'utf8' });
  if (result.error) return { kind: 'no-git' };
  if (result.status !== 0) return { kind: 'not-a-repo' };
  const files = result.stdout.split('\n').filter(Boolean).map((line) => line.slice(3));
  return files.length === 0 ? { kind: 'clean' } : { kind: 'dirty', files };
}
