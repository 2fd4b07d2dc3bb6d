// For `cloacina-migrate check`: every use of a removed context method still in the project,
// on a Context or on a receiver that cannot be told apart from one (in a file of the cloacina
// import graph). A clean, migrated project has none; uses on the project's own objects with
// same-named methods are not counted.
import { REASONS, type FlagReason } from '../edits/flags.js';
import { parseFile } from './parse.js';
import { ProjectIndex } from './project.js';
import { mayNameRemovedMethod, planRemovedMethods } from './removed-methods.js';

export interface RemainingUse {
  file: string;
  line: number;
  /** What the migration would do there: rewrite it, or flag it for review (and why). */
  action: 'rewrite' | 'remove' | FlagReason;
  message: string;
}

/**
 * The removed-method uses left in `files` (absolute paths). `project` is the index of the
 * whole project (so helpers and their callers are followed); by default one over `files`.
 */
export function remainingRemovedMethodUses(files: readonly string[], project: ProjectIndex = new ProjectIndex({ files })): RemainingUse[] {
  const found: RemainingUse[] = [];
  for (const file of files) {
    const text = project.text(file);
    if (text === undefined || !mayNameRemovedMethod(text)) continue;
    let parsed;
    try {
      parsed = parseFile(file, text);
    } catch {
      continue; // a file that does not parse is reported as failed by the migration itself
    }
    const plan = planRemovedMethods(parsed, project);
    const line = (at: number) => text.slice(0, at).split('\n').length;
    const flagged = new Set(plan.flags.map((f) => f.at));
    for (const edit of plan.edits) {
      if (flagged.has(edit.start)) continue; // a removed setter: reported through its flag
      found.push({ file, line: line(edit.start), action: 'rewrite', message: 'a removed context method that can become get()' });
    }
    for (const flag of plan.flags) {
      const removed = flag.reason === 'dependency-loader-removed' || flag.reason === 'execution-scope-set-removed';
      found.push({ file, line: line(flag.at), action: removed ? 'remove' : flag.reason, message: flag.detail ? `${REASONS[flag.reason]} (${flag.detail})` : REASONS[flag.reason] });
    }
  }
  return found.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
}
