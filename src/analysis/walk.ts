// Tree walks that never recurse: a file may nest thousands of levels deep (a generated
// 3,000-term concatenation), deeper than the call stack, so every walk keeps its own stack.
import type * as t from '@babel/types';

/** Fields of a Babel node that hold positions or metadata, never child nodes. */
const NOT_CHILDREN = new Set(['loc', 'start', 'end', 'range', 'extra', 'leadingComments', 'trailingComments', 'innerComments', 'comments', 'tokens', 'errors']);

export function isNode(value: unknown): value is t.Node {
  return value !== null && typeof value === 'object' && typeof (value as { type?: unknown }).type === 'string';
}

/** The direct children of a node, in field order. */
export function childrenOf(node: t.Node): t.Node[] {
  const children: t.Node[] = [];
  const record = node as unknown as Record<string, unknown>;
  for (const key in record) {
    if (NOT_CHILDREN.has(key)) continue;
    const value = record[key];
    if (Array.isArray(value)) {
      for (const item of value) if (isNode(item)) children.push(item);
    } else if (isNode(value)) children.push(value);
  }
  return children;
}

/**
 * Visits `root` and every node below it, parents before children, each with its ancestors
 * (outermost first, `root`'s ancestors not included). Returning false skips a node's children.
 * The `ancestors` array is reused: copy it to keep it.
 */
export function walk(root: t.Node, visit: (node: t.Node, ancestors: readonly t.Node[]) => boolean | void): void {
  const stack: Array<{ node: t.Node; depth: number }> = [{ node: root, depth: 0 }];
  const ancestors: t.Node[] = [];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    ancestors.length = depth;
    if (visit(node, ancestors) === false) continue;
    ancestors.push(node);
    const children = childrenOf(node);
    for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i]!, depth: depth + 1 });
  }
}

/**
 * The chain from `root` down to the innermost node whose range holds `offset`
 * (start <= offset < end), `root` first. Goes down by position: a few dozen nodes visited
 * where a whole walk visits thousands.
 */
export function pathTo(root: t.Node, offset: number): t.Node[] {
  const path: t.Node[] = [root];
  for (;;) {
    const next = childrenOf(path[path.length - 1]!).find((c) => c.start! <= offset && offset < c.end!);
    if (next === undefined) return path;
    path.push(next);
  }
}
