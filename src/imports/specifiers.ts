// Module specifiers as the code wrote them: which string or template literal names cloacina,
// and the splice that points it at another package in the same quotes.
import type * as t from '@babel/types';
import type { Splice } from '../edits/splice.js';

/** The value of a plain string or a template literal without substitutions. */
export function literalValue(node: t.Node | null | undefined): string | undefined {
  if (node?.type === 'StringLiteral') return node.value;
  if (node?.type === 'TemplateLiteral' && node.expressions.length === 0) return node.quasis[0]!.value.cooked ?? undefined;
  return undefined;
}

/** Rewrites the literal to name `target`, keeping its quote (', " or `). */
export function retarget(text: string, literal: t.Node, target: string): Splice {
  const quote = text[literal.start!]!;
  return { start: literal.start!, end: literal.end!, text: `${quote}${target}${quote}` };
}

/** The quote character the literal was written with. */
export function quoteOf(text: string, literal: t.Node): string {
  return text[literal.start!]!;
}
