// Files migrated apart from the run, in a child process whose migrating thread has a large
// stack and a bounded heap: every large file, so that one file never takes more memory than
// the bound (a 3.5 MB minified bundle needs about 300 MB), and any file that nests deeper
// than the current stack (a generated 3,000-term string concatenation, say). A file that
// needs more is reported as failed and the run goes on. The caller waits synchronously, so
// transformSource stays synchronous for every caller.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TransformOutcome } from './transform-source.js';

/** Heap of the migrating thread, in MB (CLOACINA_MIGRATE_FILE_HEAP_MB overrides). */
export const FILE_HEAP_MB = Number(process.env.CLOACINA_MIGRATE_FILE_HEAP_MB) || 1024;
/** Stack of the migrating thread: room for nesting some hundred times deeper than the default. */
export const FILE_STACK_MB = 256;

export interface IsolatedRequest {
  path: string;
  source: string;
  transforms: string[];
  /** The roots of the run's project index, which the child indexes again. */
  roots?: string[];
}

export type IsolatedReply = { ok: true; outcome: TransformOutcome } | { ok: false; error: string; loc?: { line: number; column: number } };

/**
 * The child's script: beside this module in the CLI bundle (dist/cli), beside the CLI bundle
 * from a codemod bundle (dist/codemods), or in the build when run from sources.
 */
function script(): string {
  for (const candidate of ['./isolated-transform-child.js', '../cli/isolated-transform-child.js', '../dist/src/isolated-transform-child.js']) {
    const url = new URL(candidate, import.meta.url);
    if (existsSync(url)) return fileURLToPath(url);
  }
  throw new Error('the isolated-transform-child script is missing: run the build');
}

export function transformIsolated(path: string, source: string, transforms: string[], roots?: string[]): TransformOutcome {
  const request: IsolatedRequest = { path, source, transforms, ...(roots ? { roots } : {}) };
  const child = spawnSync(process.execPath, [script()], {
    input: JSON.stringify(request),
    encoding: 'utf8',
    maxBuffer: 64 * source.length + (1 << 20),
    env: { ...process.env, CLOACINA_MIGRATE_FILE_HEAP_MB: String(FILE_HEAP_MB) },
  });
  let reply: IsolatedReply;
  try {
    reply = JSON.parse(child.stdout) as IsolatedReply;
  } catch {
    const why = child.error?.message ?? child.signal ?? `exit code ${child.status}`;
    throw new Error(`the migration process stopped (${why})`);
  }
  if (reply.ok) return reply.outcome;
  const error = new Error(reply.error) as Error & { loc?: { line: number; column: number } };
  if (reply.loc) error.loc = reply.loc;
  throw error;
}
