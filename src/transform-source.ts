// Runs the ordered codemods over one file's text: one parse, every transform's plan, one
// application of all edits and markers as text splices. Every byte outside an edit is kept
// (byte-order mark, shebang, line endings, comments, layout); the same string comes back
// when nothing changed.
import type { CodemodEntry } from '../codemods/index.js';
import { NestingTooDeepError, parseFile } from './analysis/parse.js';
import type { ProjectIndex } from './analysis/project.js';
import { applyEdits } from './edits/apply.js';
import type { Flag, PlannedFlag } from './edits/flags.js';
import type { Splice } from './edits/splice.js';
import { transformIsolated } from './isolated-transform.js';

export interface TransformOutcome {
  output: string;
  changed: boolean;
  flags: Flag[];
  /** Names of the transforms that changed the file. */
  applied: string[];
}

export interface TransformOptions {
  project?: ProjectIndex;
}

/** Files longer than this (in UTF-16 units) are migrated in a process of their own, with a bounded heap. */
const LARGE_FILE = 1_000_000;

export function transformSource(path: string, source: string, codemods: readonly CodemodEntry[], options: TransformOptions = {}): TransformOutcome {
  const relevant = codemods.filter((c) => c.relevant(source));
  if (relevant.length === 0) return { output: source, changed: false, flags: [], applied: [] };
  const names = relevant.map((c) => c.name);
  // The child indexes the same project again (an index's key is its roots).
  const roots = options.project && options.project.key !== '' ? options.project.key.split('\0') : undefined;
  if (source.length > LARGE_FILE) return transformIsolated(path, source, names, roots);
  try {
    return transformOnThisThread(path, source, relevant, options);
  } catch (error) {
    // Nesting deeper than this thread's stack: the same work on a thread with a larger one.
    if (error instanceof NestingTooDeepError || (error instanceof RangeError && /call stack/i.test(error.message))) {
      return transformIsolated(path, source, names, roots);
    }
    throw error;
  }
}

/** transformSource on this thread, whatever the file (what the isolated process runs). */
export function transformOnThisThread(path: string, source: string, codemods: readonly CodemodEntry[], options: TransformOptions = {}): TransformOutcome {
  const file = parseFile(path, source);
  const plans = codemods.map((codemod) => ({ codemod, ...codemod.plan(file, options.project) }));
  const edits: Splice[] = plans.flatMap((p) => p.edits);
  const flags: PlannedFlag[] = plans.flatMap((p) => p.flags);
  const result = applyEdits(file, edits, flags);
  const applied = plans.filter((p) => p.edits.length > 0 || p.flags.some((f) => result.marked.has(f))).map((p) => p.codemod.name);
  return { output: result.output, changed: result.output !== source, flags: result.flags, applied };
}
