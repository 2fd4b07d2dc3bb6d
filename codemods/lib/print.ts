// Small printing helpers shared by the transforms.

/** A loosely typed AST node: parsers disagree on shapes, so transforms check fields. */
export type AnyNode = Record<string, unknown> & { type: string };

import type { Collection } from 'jscodeshift';

/**
 * Prints a changed file. Directives ('use client', 'use strict') are printed afresh:
 * reusing their original text (which holds the semicolon) next to recast's own
 * separator would double the semicolon whenever the statement list changes.
 */
export function printFile(root: Collection, source: string): string {
  const program = (root.get().node as AnyNode).program as AnyNode | undefined;
  for (const directive of (program?.directives as AnyNode[] | undefined) ?? []) {
    directive.original = undefined;
    directive.loc = null;
  }
  return root.toSource({ quote: detectQuote(source) });
}

/** The quote style the file mostly uses, so new string literals match it. */
export function detectQuote(source: string): 'single' | 'double' {
  const single = source.match(/'cloacina[^']*'/g)?.length ?? 0;
  const double = source.match(/"cloacina[^"]*"/g)?.length ?? 0;
  if (single !== double) return single > double ? 'single' : 'double';
  return (source.match(/'/g)?.length ?? 0) >= (source.match(/"/g)?.length ?? 0) ? 'single' : 'double';
}

/** Moves leading comments (license headers, pragmas) from one node to another. */
export function moveComments(from: AnyNode, to: AnyNode): void {
  const comments = (from.comments as Array<{ leading?: boolean }> | undefined) ?? [];
  const leading = comments.filter((c) => c.leading !== false);
  if (leading.length === 0) return;
  from.comments = comments.filter((c) => c.leading === false);
  to.comments = [...leading, ...((to.comments as unknown[] | undefined) ?? [])];
}
