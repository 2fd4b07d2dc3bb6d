// Manual-review sites: a `// TODO(cloacina-migrate): <reason>` comment on its own line
// above the statement, and an entry in the report. Never a guess.
import type { ASTPath, JSCodeshift } from 'jscodeshift';

import { MARKER, REASONS, type Flag, type FlagReason } from '../../src/edits/flags.js';

// One list of reasons for every path: the splice engine's.
export { MARKER, REASONS, type Flag, type FlagReason };

/** Where a transform reports flags when the caller collects them. */
export interface FlagSink {
  flags?: Flag[];
  /** Counts marker comments added, so a transform knows the file changed. */
  marked?: number;
}

/** Marks the statement that holds `path` for manual review (once) and records the flag. */
export function flag(j: JSCodeshift, path: ASTPath, reason: FlagReason, sink: FlagSink): void {
  const statement = enclosingStatement(path);
  const node = statement.node as { comments?: Array<{ value: string; leading?: boolean }>; loc?: { start: { line: number } } };
  const text = ` ${MARKER}: ${REASONS[reason]}`;
  const line = (path.node as { loc?: { start: { line: number } } }).loc?.start.line ?? node.loc?.start.line ?? 0;
  sink.flags?.push({ reason, message: REASONS[reason], line });
  node.comments ??= [];
  if (node.comments.some((c) => c.value === text)) return;
  node.comments.push(j.commentLine(text, true, false) as never);
  sink.marked = (sink.marked ?? 0) + 1;
}

/** The nearest ancestor that is a statement or declaration directly in a body. */
export function enclosingStatement(path: ASTPath): ASTPath {
  let current: ASTPath | null = path;
  while (current) {
    const parentNode = current.parent?.node as { type?: string } | undefined;
    if (parentNode && (parentNode.type === 'Program' || parentNode.type === 'BlockStatement' || parentNode.type === 'TSModuleBlock' || parentNode.type === 'SwitchCase')) {
      return current;
    }
    current = current.parent;
  }
  return path;
}
