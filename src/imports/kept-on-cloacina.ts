// Which module a test reaches that keeps authoring names on 'cloacina' after the migration.
// A test's `vi.mock('cloacina')` is moved or copied to 'cloacina-workflow' on the premise that
// the code under test now takes its authoring names from there. A module the migration leaves
// on 'cloacina' for review (an `export *` barrel, a namespace used as a value, a dynamic import
// it cannot follow) breaks that premise: the code under test may call the 'cloacina' mock while
// the test asserts on the 'cloacina-workflow' one.
import { relative, dirname, resolve } from 'node:path';
import type { ProjectIndex } from '../analysis/project.js';
import type { FlagReason } from '../edits/flags.js';
import { planModuleDeclarations, type Plan } from './module-declarations.js';
import { mentionsLoader, planRequires } from './requires.js';

/** Flags that leave a module's cloacina names on 'cloacina'. */
const KEPT: ReadonlySet<FlagReason> = new Set(['export-star', 'namespace-as-value', 'dynamic-import']);
/** Enough for any test's import graph; a larger one is not searched further. */
const MAX_MODULES = 5_000;

/**
 * The path (relative to the test's folder) of a module the test reaches through local imports
 * whose cloacina names stay on 'cloacina', or undefined when there is none (or no project).
 */
export function moduleKeptOnCloacina(testFile: string, project: ProjectIndex | undefined): string | undefined {
  if (project === undefined) return undefined;
  const start = resolve(testFile);
  const seen = new Set([start]);
  const queue = [start];
  while (queue.length > 0 && seen.size <= MAX_MODULES) {
    const file = queue.shift()!;
    if (file !== start && keepsCloacinaNames(file, project)) return relative(dirname(start), file) || file;
    for (const next of project.localImports(file)) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return undefined;
}

function keepsCloacinaNames(file: string, project: ProjectIndex): boolean {
  const text = project.text(file);
  if (text === undefined || !/['"`]cloacina['"`]/.test(text)) return false;
  const analysis = project.analysis(file);
  // A module that does not parse is not migrated: it keeps whatever it takes from 'cloacina'.
  if (analysis === undefined) return true;
  const plan: Plan = { edits: [], flags: [] };
  planModuleDeclarations(analysis.parsed, plan);
  if (mentionsLoader(text)) planRequires(analysis.parsed, plan);
  return plan.flags.some((f) => KEPT.has(f.reason));
}
