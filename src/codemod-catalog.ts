// Each transform's name, what it does and the versions of `cloacina` it migrates from, without
// its code: what the command line needs to list the transforms and check the names it is
// given, so that neither loads the transforms (and the analysis behind them).

export interface CodemodInfo {
  name: string;
  description: string;
  /** The versions of `cloacina` this transform migrates from (a semver range). */
  appliesTo: string;
}

/** In the order the transforms run (codemods/index.ts pairs each with its code). */
export const CODEMOD_CATALOG: readonly CodemodInfo[] = [
  {
    name: 'rewrite-context-loaders',
    description: 'loadFromDependenciesAndCache/getWithDependencies -> get where equivalent; drop setDependencyLoader/setExecutionScope; flag the rest',
    appliesTo: '<2.0.0',
  },
  {
    name: 'move-authoring-imports',
    description: 'authoring names from cloacina and cloacina/legacy to cloacina-workflow, in every import form',
    appliesTo: '<2.0.0',
  },
];
