// A jscodeshift transform over the same analysis and edits as the CLI: stock jscodeshift
// (`jscodeshift -t dist/codemods/<name>.js`) gets exactly the text the CLI writes. Flags go
// to `options.flags` when the caller passes an array there.
import type { API, FileInfo, Options, Transform } from 'jscodeshift';
import { ProjectIndex } from './analysis/project.js';
import type { Flag } from './edits/flags.js';
import { transformSource } from './transform-source.js';
import type { CodemodEntry } from '../codemods/index.js';

/** One index per project folder for a jscodeshift run (a file's package is its project), built as questions need it. */
const projects = new Map<string, ProjectIndex>();

function projectAround(path: string): ProjectIndex {
  const around = ProjectIndex.around(path);
  const known = projects.get(around.key);
  if (known) return known;
  projects.set(around.key, around);
  return around;
}

export function jscodeshiftTransform(codemods: readonly CodemodEntry[]): Transform {
  return (file: FileInfo, _api: API, options: Options): string | undefined => {
    const outcome = transformSource(file.path, file.source, codemods, { project: projectAround(file.path) });
    if (Array.isArray(options.flags)) (options.flags as Flag[]).push(...outcome.flags);
    return outcome.changed ? outcome.output : undefined;
  };
}
