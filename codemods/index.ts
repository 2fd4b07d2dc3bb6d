// The ordered transforms. Each applies to projects whose `cloacina` dependency is in
// `appliesTo` (a semver range); they run in this order on every candidate file, on one parse,
// and their edits are applied at once as text splices.
import type { ParsedFile } from '../src/analysis/parse.js';
import type { ProjectIndex } from '../src/analysis/project.js';
import { mentionsRemovedMethod, planRemovedMethods } from '../src/analysis/removed-methods.js';
import type { PlannedFlag } from '../src/edits/flags.js';
import type { Splice } from '../src/edits/splice.js';
import { mentionsCloacinaSpecifier, planImports } from '../src/imports/plan-imports.js';

export interface CodemodEntry {
  name: string;
  description: string;
  /** The versions of `cloacina` this transform migrates from. */
  appliesTo: string;
  /** Cheap text check: false means the file certainly needs nothing. */
  relevant: (source: string) => boolean;
  /** The edits and review sites for a parsed file; changes nothing itself. */
  plan: (file: ParsedFile, project?: ProjectIndex) => { edits: Splice[]; flags: PlannedFlag[] };
}

export const CODEMODS: readonly CodemodEntry[] = [
  {
    name: 'rewrite-context-loaders',
    description: 'loadFromDependenciesAndCache/getWithDependencies -> get where equivalent; drop setDependencyLoader/setExecutionScope; flag the rest',
    appliesTo: '<2.0.0',
    relevant: mentionsRemovedMethod,
    plan: planRemovedMethods,
  },
  {
    name: 'move-authoring-imports',
    description: 'authoring names from cloacina and cloacina/legacy to cloacina-workflow, in every import form',
    appliesTo: '<2.0.0',
    relevant: mentionsCloacinaSpecifier,
    plan: planImports,
  },
];
