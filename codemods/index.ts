// The ordered transforms. Each applies to projects whose `cloacina` dependency is in
// `appliesTo` (a semver range); they run in this order on every candidate file, on one parse,
// and their edits are applied at once as text splices. Names, descriptions and order are in
// src/codemod-catalog.ts, which the command line reads without loading this code.
import type { ParsedFile } from '../src/analysis/parse.js';
import type { ProjectIndex } from '../src/analysis/project.js';
import { mayNameRemovedMethod, planRemovedMethods } from '../src/analysis/removed-methods.js';
import type { PlannedFlag } from '../src/edits/flags.js';
import type { Splice } from '../src/edits/splice.js';
import { mentionsCloacinaSpecifier, planImports } from '../src/imports/plan-imports.js';
import { CODEMOD_CATALOG, type CodemodInfo } from '../src/codemod-catalog.js';

export interface CodemodEntry extends CodemodInfo {
  /** Cheap text check: false means the file certainly needs nothing. */
  relevant: (source: string) => boolean;
  /** The edits and review sites for a parsed file; changes nothing itself. */
  plan: (file: ParsedFile, project?: ProjectIndex) => { edits: Splice[]; flags: PlannedFlag[] };
}

/** The code of each transform of the catalog, by name. */
const CODE: Record<string, Pick<CodemodEntry, 'relevant' | 'plan'>> = {
  'rewrite-context-loaders': { relevant: mayNameRemovedMethod, plan: planRemovedMethods },
  'move-authoring-imports': { relevant: mentionsCloacinaSpecifier, plan: planImports },
};

export const CODEMODS: readonly CodemodEntry[] = CODEMOD_CATALOG.map((info) => {
  const code = CODE[info.name];
  if (code === undefined) throw new Error(`codemods/index.ts: no code for the transform ${info.name}`);
  return { ...info, ...code };
});
