// Migrates one file: the cheap text check, the transforms, the atomic write. Used in the
// main thread and in workers alike; a failure is returned, never thrown, so one bad file
// cannot stop a run.
import { readFileSync } from 'node:fs';
import { MARKER, type Flag } from './edits/flags.js';
import { CODEMODS } from '../codemods/index.js';
import { mentionsRemovedMethod } from './analysis/names.js';
import { ProjectIndex, ProjectQuestionDeferred } from './analysis/project.js';
import { replaceFile } from './files/safe-write.js';
import { transformSource } from './transform-source.js';

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

const RUNTIME_SPECIFIER = /(['"`])cloacina(?:\/[\w./-]*)?\1/;

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

export function migrateFile(file: string, options: MigrateOptions, source?: string): FileResult {
  let text: string;
  try {
    text = source ?? readFileSync(file, 'utf8');
  } catch (error) {
    return failedResult(file, (error as Error).message);
  }
  if (!mightNeedMigrating(text)) return skippedResult(file);
  const codemods = options.transforms ? CODEMODS.filter((c) => options.transforms!.includes(c.name)) : CODEMODS;
  try {
    const outcome = transformSource(file, text, codemods, { project: ProjectIndex.shared(options.roots ?? [], undefined, options.deferWholeProject) });
    const refused = outcome.changed ? replaceFile(file, text, outcome.output, options.dry) : undefined;
    if (refused !== undefined) return { ...notWrittenResult(file, refused, text.split(MARKER).length - 1), usesRuntime: RUNTIME_SPECIFIER.test(text) };
    const result: FileResult = {
      file,
      status: outcome.changed ? 'changed' : 'unchanged',
      flags: outcome.flags,
      applied: outcome.applied,
      usesRuntime: RUNTIME_SPECIFIER.test(outcome.output),
      markers: outcome.output.split(MARKER).length - 1,
    };
    if (options.keepText && outcome.changed) {
      result.before = text;
      result.after = outcome.output;
    }
    return result;
  } catch (error) {
    if (error instanceof ProjectQuestionDeferred) return { ...skippedResult(file), status: 'unchanged', deferred: true };
    const e = error as Error & { loc?: { line: number; column: number } };
    const where = e.loc ? `:${e.loc.line}:${e.loc.column + 1}` : '';
    return {
      file,
      status: 'failed',
      flags: [],
      applied: [],
      usesRuntime: RUNTIME_SPECIFIER.test(text),
      markers: text.split(MARKER).length - 1,
      error: `${file}${where}: ${e.message.split('\n')[0]}`,
    };
  }
}
