// Renaming a member access or a destructured key as one splice, whatever way the name was
// written, so a rewrite of a removed context method can be expressed for every form:
//   ctx.getWithDependencies           -> ctx.get
//   ctx['getWithDependencies']        -> ctx.get        ctx[`getWithDependencies`] -> ctx.get
//   ctx?.['getWithDependencies']      -> ctx?.get
//   const { getWithDependencies } = ctx          -> const { get: getWithDependencies } = ctx
//   const { getWithDependencies: load } = ctx    -> const { get: load } = ctx
//   const { ['getWithDependencies']: load } = ctx -> const { get: load } = ctx
import type * as t from '@babel/types';
import type { ParsedFile } from '../analysis/parse.js';
import type { Splice } from './splice.js';
import { nextCode, previousCode } from './text.js';

type Member = t.MemberExpression | t.OptionalMemberExpression;

export function renameMember(file: ParsedFile, member: Member, name: string): Splice {
  const property = member.property;
  if (!member.computed) return { start: property.start!, end: property.end!, text: name };
  const bracket = previousCode(file, property.start!);
  // `?.[` reads `?.name`; `[` reads `.name`.
  const optional = file.text.slice(previousCode(file, bracket) - 1, previousCode(file, bracket) + 1) === '?.';
  return { start: bracket, end: member.end!, text: optional ? name : `.${name}` };
}

export function renamePatternKey(file: ParsedFile, property: t.ObjectProperty, name: string): Splice {
  const key = property.key;
  if (property.shorthand && key.type === 'Identifier') return { start: key.start!, end: key.end!, text: `${name}: ${key.name}` };
  if (!property.computed) return { start: key.start!, end: key.end!, text: name };
  const open = previousCode(file, key.start!);
  const close = nextCode(file, key.end!);
  return { start: open, end: close + 1, text: name };
}
