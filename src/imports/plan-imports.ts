// The import move, planned as splices: declarations, requires and dynamic imports, mocks.
import type { ParsedFile } from '../analysis/parse.js';
import type { ProjectIndex } from '../analysis/project.js';
import { planMocks, mentionsMock } from './mocks.js';
import { planModuleDeclarations, type Plan } from './module-declarations.js';
import { mentionsLoader, planRequires } from './requires.js';

/** A cheap text check: files without a quoted cloacina specifier need nothing. */
export function mentionsCloacinaSpecifier(text: string): boolean {
  return /['"`]cloacina(\/legacy)?['"`]/.test(text);
}

export function planImports(file: ParsedFile, project?: ProjectIndex): Plan {
  const plan: Plan = { edits: [], flags: [] };
  if (!mentionsCloacinaSpecifier(file.text)) return plan;
  planModuleDeclarations(file, plan);
  // Deep walks only when the text says they can find something.
  if (mentionsLoader(file.text)) planRequires(file, plan);
  if (mentionsMock(file.text)) planMocks(file, plan, project);
  return plan;
}
