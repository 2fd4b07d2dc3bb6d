// The ordered transforms. Each applies to projects whose `cloacina` dependency is in
// `appliesTo` (a semver range); they run in this order on every candidate file.
import type { Collection, JSCodeshift, Transform } from 'jscodeshift';
import type { ParsedFile } from '../src/analysis/parse.js';
import type { ProjectIndex } from '../src/analysis/project.js';
import type { PlannedFlag } from '../src/edits/flags.js';
import type { Splice } from '../src/edits/splice.js';
import type { FlagSink } from './lib/flags.js';
import * as rewriteContextLoaders from './rewrite-context-loaders.js';
import * as moveAuthoringImports from './move-authoring-imports.js';

export interface CodemodEntry {
  name: string;
  description: string;
  /** The versions of `cloacina` this transform migrates from. */
  appliesTo: string;
  /** The jscodeshift transform (parse, rewrite, print), for jscodeshift's own runner. */
  transform: Transform;
  /** Cheap text check: false means the file certainly needs nothing. */
  relevant: (source: string) => boolean;
  /** The rewrite on an already parsed file, so several transforms share one parse and one print. */
  apply?: (j: JSCodeshift, root: Collection, source: string, sink: FlagSink) => boolean;
  /** The rewrite as text splices and flags, planned on the parse (transforms that have moved to the splice engine). */
  plan?: (file: ParsedFile, project?: ProjectIndex) => { edits: Splice[]; flags: PlannedFlag[] };
}

export const CODEMODS: readonly CodemodEntry[] = [
  {
    name: 'rewrite-context-loaders',
    description: 'loadFromDependenciesAndCache/getWithDependencies -> get where equivalent; drop setDependencyLoader/setExecutionScope; flag the rest',
    appliesTo: '<2.0.0',
    transform: rewriteContextLoaders.default,
    relevant: rewriteContextLoaders.relevant,
    plan: rewriteContextLoaders.plan,
  },
  {
    name: 'move-authoring-imports',
    description: 'authoring names from cloacina and cloacina/legacy to cloacina-workflow, in every import form',
    appliesTo: '<2.0.0',
    transform: moveAuthoringImports.default,
    relevant: moveAuthoringImports.relevant,
    apply: moveAuthoringImports.apply,
  },
];
