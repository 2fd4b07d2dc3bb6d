// Strips the context methods v2 removed: a thin jscodeshift entry point over the analysis the
// CLI uses (src/analysis/removed-methods.ts). `loadFromDependenciesAndCache(k)` and
// `getWithDependencies(k)` become `get(k)` where the loader proof holds; the setters are
// removed; anything else on a cloacina Context is flagged, never guessed. The edits are text
// splices: nothing else in the file changes.
import type { API, FileInfo, Options } from 'jscodeshift';
import { parseFile } from '../src/analysis/parse.js';
import { ProjectIndex } from '../src/analysis/project.js';
import { mentionsRemovedMethod, planRemovedMethods } from '../src/analysis/removed-methods.js';
import { applyEdits } from '../src/edits/apply.js';
import type { FlagSink } from './lib/flags.js';

/** A cheap text check: only files that name a removed method are parsed. */
export const relevant = mentionsRemovedMethod;

/** One index per project folder for a jscodeshift run, built as questions need it. */
const projects = new Map<string, ProjectIndex>();

export default function transform(file: FileInfo, _api: API, options: Options & FlagSink): string | undefined {
  if (!relevant(file.source)) return undefined;
  const around = ProjectIndex.around(file.path);
  const project = projects.get(around.key) ?? (projects.set(around.key, around), around);
  const parsed = parseFile(file.path, file.source);
  const plan = planRemovedMethods(parsed, project);
  const result = applyEdits(parsed, plan.edits, plan.flags);
  options.flags?.push(...result.flags);
  return result.output === file.source ? undefined : result.output;
}

export { planRemovedMethods as plan };
