// What a run says of each file, and the cheap text check that decides whether a file is a
// candidate at all. Kept apart from the migration itself (migrate-file.ts), so that a run
// over a tree with no cloacina code never loads the transforms, the analysis or a parser.
import type { Flag } from './edits/flags.js';
import { mentionsRemovedMethod } from './analysis/names.js';

/** `not-written`: it needed changes, but was left as it is; `reason` says why. */
export type FileStatus = 'changed' | 'unchanged' | 'skipped' | 'failed' | 'not-written';

export interface FileResult {
  file: string;
  status: FileStatus;
  flags: Flag[];
  applied: string[];
  /** Whether the file (after migration) still names the cloacina runtime package. */
  usesRuntime: boolean;
  /** Review markers the file holds after migration (would hold, in a dry run). */
  markers: number;
  error?: string;
  /** Why a `not-written` file was left as it is. */
  reason?: string;
  before?: string;
  after?: string;
  /** Not migrated here: it needs the whole project indexed, which the main thread does once. */
  deferred?: boolean;
}

export interface MigrateOptions {
  dry: boolean;
  transforms?: readonly string[];
  /** Keep before/after text in the result (for --diff). */
  keepText?: boolean;
  /** The folders the run was given: the project whose files the analysis may follow (each thread indexes it lazily). */
  roots?: readonly string[];
  /** Hand back (deferred) a file whose analysis needs the whole project, rather than indexing it here (worker threads). */
  deferWholeProject?: boolean;
}

/**
 * The textual pre-filter: a file that neither says "cloacina" nor names a removed context
 * method cannot need migrating (a helper that receives contexts names the methods it calls).
 */
export function mightNeedMigrating(source: string): boolean {
  return source.includes('cloacina') || mentionsRemovedMethod(source);
}

/** A file left alone: it mentions neither cloacina nor a removed context method. */
export function skippedResult(file: string): FileResult {
  return { file, status: 'skipped', flags: [], applied: [], usesRuntime: false, markers: 0 };
}

/** A file that could not be read or migrated; `error` says why. */
export function failedResult(file: string, error: string): FileResult {
  return { file, status: 'failed', flags: [], applied: [], usesRuntime: false, markers: 0, error };
}

/** A file that needed changes but was left as it is, holding `markers` markers. */
export function notWrittenResult(file: string, reason: string, markers = 0): FileResult {
  return { file, status: 'not-written', flags: [], applied: [], usesRuntime: false, markers, reason };
}
