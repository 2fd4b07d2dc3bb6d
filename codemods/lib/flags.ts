// Manual-review sites: a `// TODO(cloacina-migrate): <reason>` comment on its own line
// above the statement, and an entry in the report. Never a guess.
import type { ASTPath, JSCodeshift } from 'jscodeshift';

export const MARKER = 'TODO(cloacina-migrate)';

/** Every reason a site can be flagged for; MIGRATION.md explains each. */
export const REASONS = {
  'loader-after-remove':
    'the key may have been removed from the context before this call; v1 then read the raw dependency value, v2 has no equivalent',
  'loader-context-escapes':
    'the context is aliased or passed to other code before this call, so a removal cannot be ruled out; check and replace with get()',
  'loader-not-called': 'the removed context method is used as a value, not called; replace it by hand',
  'dependency-loader-removed':
    'removed setDependencyLoader(): v2 pre-injects dependency outputs; in task unit tests use runTask from cloacina-workflow/testing',
  'execution-scope-set-removed': 'removed setExecutionScope(): the execution scope is a runtime internal in v2',
  'removed-method-in-expression': 'setDependencyLoader/setExecutionScope is used inside an expression; remove it by hand',
  'execution-scope-read': 'executionScope() has no v2 counterpart for tasks; pass what you need through the context',
  'namespace-as-value': 'the cloacina module object is used as a value, so the names it needs are unknown; it stays on cloacina',
  'export-star': 'export * from cloacina re-exports the runtime too; use cloacina-workflow if consumers only need authoring names',
  'mock-split': 'this mock covers names now split between cloacina and cloacina-workflow; mock both modules',
  'augmentation-mixed': 'this module augmentation declares authoring and runtime names; split it between cloacina-workflow and cloacina',
  'dynamic-import': 'this dynamic import or require of cloacina is used in a way that cannot be analysed; point it at cloacina-workflow if it only needs authoring names',
  'legacy-only-name': 'this name exists only in cloacina/legacy; remove its use',
} as const;

export type FlagReason = keyof typeof REASONS;

export interface Flag {
  reason: FlagReason;
  message: string;
  line: number;
}

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
