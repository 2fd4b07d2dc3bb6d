// The ordered transforms. Each applies to projects whose `cloacina` dependency is in
// `appliesTo` (a semver range); they run in this order on every candidate file.
import type { Transform } from 'jscodeshift';
import rewriteContextLoaders from './rewrite-context-loaders.js';
import moveAuthoringImports from './move-authoring-imports.js';

export interface CodemodEntry {
  name: string;
  description: string;
  /** The versions of `cloacina` this transform migrates from. */
  appliesTo: string;
  transform: Transform;
}

export const CODEMODS: readonly CodemodEntry[] = [
  {
    name: 'rewrite-context-loaders',
    description: 'loadFromDependenciesAndCache/getWithDependencies -> get where equivalent; drop setDependencyLoader/setExecutionScope; flag the rest',
    appliesTo: '<2.0.0',
    transform: rewriteContextLoaders,
  },
  {
    name: 'move-authoring-imports',
    description: 'authoring names from cloacina and cloacina/legacy to cloacina-workflow, in every import form',
    appliesTo: '<2.0.0',
    transform: moveAuthoringImports,
  },
];
