// Which members of a module binding a file uses (`c.task`, `c.Context` in a type), or that it
// uses the binding as a value (passed, spread, exported), which hides the names it needs.
import type * as t from '@babel/types';
import type { ParsedFile } from '../analysis/parse.js';
import { walk } from '../analysis/walk.js';

/** The member names used on `local`, or undefined when it is used as a value. */
export function memberUses(file: ParsedFile, local: string): Set<string> | undefined {
  const members = new Set<string>();
  let opaque = false;
  walk(file.program, (node, ancestors) => {
    if (opaque) return false;
    if ((node.type !== 'Identifier' && node.type !== 'JSXIdentifier') || node.name !== local) return;
    const parent = ancestors[ancestors.length - 1]!;
    const use = classify(node, parent);
    if (use === 'opaque') opaque = true;
    else if (use !== undefined) members.add(use);
  });
  return opaque ? undefined : members;
}

/** A member name, undefined for a use that is no use (a declaration, a property key), or 'opaque'. */
function classify(node: t.Identifier | t.JSXIdentifier, parent: t.Node): string | undefined | 'opaque' {
  switch (parent.type) {
    case 'ImportDefaultSpecifier':
    case 'ImportNamespaceSpecifier':
      return parent.local === node ? undefined : 'opaque';
    case 'TSImportEqualsDeclaration':
      // `export import x = require(...)` hands the module on.
      return parent.id === node && !parent.isExport ? undefined : 'opaque';
    case 'VariableDeclarator':
      return parent.id === node ? undefined : 'opaque';
    case 'MemberExpression':
    case 'OptionalMemberExpression':
      if (parent.object === node) {
        if (parent.computed) return parent.property.type === 'StringLiteral' ? parent.property.value : 'opaque';
        return parent.property.type === 'Identifier' ? parent.property.name : 'opaque';
      }
      return parent.computed ? 'opaque' : undefined;
    case 'JSXMemberExpression':
      return parent.object === node ? parent.property.name : undefined;
    case 'TSQualifiedName':
      return parent.left === node ? parent.right.name : undefined;
    case 'ObjectProperty':
      return parent.key === node && !parent.computed && !parent.shorthand ? undefined : 'opaque';
    case 'ClassProperty':
    case 'ClassMethod':
    case 'ClassPrivateProperty':
    case 'ObjectMethod':
    case 'TSPropertySignature':
    case 'TSMethodSignature':
    case 'ClassAccessorProperty':
      return (parent as { key?: t.Node }).key === node && !(parent as { computed?: boolean }).computed ? undefined : 'opaque';
    case 'JSXAttribute':
      return parent.name === node ? undefined : 'opaque';
    case 'JSXClosingElement':
      return undefined;
    case 'LabeledStatement':
    case 'BreakStatement':
    case 'ContinueStatement':
      return undefined;
    default:
      return 'opaque';
  }
}
