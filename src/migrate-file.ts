// Migrates one file: the cheap text check, the transforms, the atomic write. Used in the
// main thread and in workers alike; a failure is returned, never thrown, so one bad file
// cannot stop a run.
import { readFileSync } from 'node:fs';
import { MARKER } from './edits/flags.js';
import { CODEMODS } from '../codemods/index.js';
import { ProjectIndex, ProjectQuestionDeferred } from './analysis/project.js';
import { replaceFile } from './files/safe-write.js';
import { transformSource } from './transform-source.js';
import { failedResult, mightNeedMigrating, notWrittenResult, skippedResult, type FileResult, type MigrateOptions } from './file-result.js';

// The result types and the cheap checks live apart, loaded without the transforms.
export { failedResult, mightNeedMigrating, notWrittenResult, skippedResult, type FileResult, type FileStatus, type MigrateOptions } from './file-result.js';

const RUNTIME_SPECIFIER = /(['"`])cloacina(?:\/[\w./-]*)?\1/;

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
