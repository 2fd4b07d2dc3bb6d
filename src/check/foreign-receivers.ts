// A use of a removed method name is a Context's only if its receiver could be one. Where
// the project type-checks, the checker says what the receiver is: a class or object type of
// the project's own (its `Container`, its settings object) has the name by coincidence, and
// such a use is not the migration's business. Anything the checker cannot pin down (any,
// unknown, a type parameter, a type from cloacina) stays counted.
import ts from 'typescript';
import { REMOVED_METHODS } from '../analysis/names.js';

const CLOACINA_TYPES = /[\\/](cloacina|cloacina-workflow)[\\/]|[\\/]packages[\\/]cloacina(-workflow)?[\\/]/;

/** Receivers of removed-method names on `line` (1-based) of `source`. */
function receiversOn(source: ts.SourceFile, line: number): ts.Expression[] {
  const found: ts.Expression[] = [];
  const visit = (node: ts.Node): void => {
    const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
    const end = source.getLineAndCharacterOfPosition(node.getEnd()).line + 1;
    if (end < line || start > line) return;
    if (ts.isPropertyAccessExpression(node) && REMOVED_METHODS.has(node.name.text) && start <= line) found.push(node.expression);
    if (ts.isElementAccessExpression(node) && ts.isStringLiteralLike(node.argumentExpression) && REMOVED_METHODS.has(node.argumentExpression.text)) found.push(node.expression);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** True when the checker shows `type` is the project's own, not anything that could be a Context. */
function provablyForeign(type: ts.Type): boolean {
  // `this` in a class's own method: the class.
  const constraint = (type as { isThisType?: boolean }).isThisType ? type.getConstraint() : undefined;
  if (constraint !== undefined) return provablyForeign(constraint);
  if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown | ts.TypeFlags.TypeParameter | ts.TypeFlags.Never)) return false;
  if (type.isUnionOrIntersection()) return type.types.every(provablyForeign);
  const symbol = type.getSymbol() ?? type.aliasSymbol;
  const declarations = symbol?.getDeclarations() ?? [];
  if (declarations.length === 0) return false;
  return declarations.every((d) => !CLOACINA_TYPES.test(d.getSourceFile().fileName) && !d.getSourceFile().isDeclarationFile);
}

/**
 * Whether the removed-method use on `line` of `file` is on the project's own objects only:
 * every receiver on that line has a type declared in the project's own sources.
 */
export function isForeignUse(program: ts.Program, file: string, line: number): boolean {
  const source = program.getSourceFile(file);
  if (source === undefined) return false;
  const receivers = receiversOn(source, line);
  if (receivers.length === 0) return false;
  const checker = program.getTypeChecker();
  return receivers.every((r) => provablyForeign(checker.getTypeAtLocation(r)));
}
