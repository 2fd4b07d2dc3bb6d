// The strings an expression can evaluate to, when every one of them can be read from the
// code: literals, branches of `?:`/`||`/`??`, `+` and templates over such values, a variable
// with every value it is ever assigned (a `let` reassigned anywhere counts all of them), the
// values a project function returns. Undefined when any value cannot be read (a parameter,
// data, a call of other code): a method name computed that way may be anything.
import type * as t from '@babel/types';
import { functionOfBinding } from './functions.js';
import type { FileAnalysis } from './project.js';
import { returnedValues } from './receivers.js';
import { isFunction, type Binding } from './scope.js';
import { unwrap } from './symbols.js';

/** More values than this are not worth enumerating: the name counts as unknown. */
const MAX_VALUES = 64;
const MAX_DEPTH = 12;

export function possibleStrings(analysis: FileAnalysis, node: t.Node, depth = 0, busy = new Set<Binding | t.Node>()): Set<string> | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const inner = unwrap(node);
  const next = (n: t.Node) => possibleStrings(analysis, n, depth + 1, busy);
  switch (inner.type) {
    case 'StringLiteral':
      return new Set([inner.value]);
    case 'NumericLiteral':
    case 'BooleanLiteral':
      return new Set([String(inner.value)]);
    case 'NullLiteral':
      return new Set(['null']);
    case 'TemplateLiteral': {
      let values: Set<string> | undefined = new Set([inner.quasis[0]!.value.cooked ?? '']);
      for (let i = 0; i < inner.expressions.length && values; i++) {
        values = product(product(values, next(inner.expressions[i]!)), new Set([inner.quasis[i + 1]!.value.cooked ?? '']));
      }
      return values;
    }
    case 'BinaryExpression':
      return inner.operator === '+' && inner.left.type !== 'PrivateName' ? product(next(inner.left), next(inner.right)) : undefined;
    case 'ConditionalExpression':
      return union(next(inner.consequent), next(inner.alternate));
    case 'LogicalExpression':
      return union(next(inner.left), next(inner.right));
    case 'SequenceExpression':
      return next(inner.expressions[inner.expressions.length - 1]!);
    case 'AssignmentExpression':
      return inner.operator === '=' ? next(inner.right) : undefined;
    case 'Identifier': {
      if (inner.name === 'undefined' && !analysis.scopes.bindingOf(inner)) return new Set(['undefined']);
      const binding = analysis.scopes.bindingOf(inner);
      return binding ? bindingStrings(analysis, binding, depth, busy) : undefined;
    }
    case 'CallExpression': {
      // A function of this file called by name: the values it returns.
      const callee = unwrap(inner.callee as t.Node);
      const binding = callee.type === 'Identifier' ? analysis.scopes.bindingOf(callee) : undefined;
      const fn = binding ? functionOfBinding(binding) : isFunction(callee) ? (callee as t.Function) : undefined;
      if (!fn || !isFunction(fn) || fn.generator || fn.async || busy.has(fn)) return undefined;
      busy.add(fn);
      try {
        const returned = returnedValues(fn);
        let values: Set<string> | undefined = returned.length === 0 || mayEndWithoutReturn(fn) ? new Set(['undefined']) : new Set();
        for (const value of returned) values = union(values, next(value));
        return values;
      } finally {
        busy.delete(fn);
      }
    }
    default:
      return undefined;
  }
}

function bindingStrings(analysis: FileAnalysis, binding: Binding, depth: number, busy: Set<Binding | t.Node>): Set<string> | undefined {
  if (binding.kind !== 'const' && binding.kind !== 'let' && binding.kind !== 'var') return undefined;
  if (binding.owner.type !== 'VariableDeclarator' || (binding.owner as t.VariableDeclarator).id !== binding.id) return undefined;
  // A variable met again while its values are read (`m = m + 'x'`) has values that cannot be listed.
  if (busy.has(binding)) return undefined;
  const declarator = binding.owner as t.VariableDeclarator;
  const holder = analysis.scopes.parentOf(analysis.scopes.parentOf(declarator) ?? declarator);
  if (holder?.type === 'ForOfStatement' || holder?.type === 'ForInStatement') return undefined;
  busy.add(binding);
  try {
    let values: Set<string> | undefined = declarator.init ? possibleStrings(analysis, declarator.init, depth + 1, busy) : new Set(['undefined']);
    for (const write of binding.writes) {
      const assignment = analysis.scopes.parentOf(write);
      if (assignment?.type !== 'AssignmentExpression' || assignment.left !== write || assignment.operator !== '=') return undefined;
      values = union(values, possibleStrings(analysis, assignment.right, depth + 1, busy));
      if (values === undefined) return undefined;
    }
    return values;
  } finally {
    busy.delete(binding);
  }
}

/** A block body whose last statement is not a return may end without one. */
function mayEndWithoutReturn(fn: t.Function): boolean {
  if (fn.body.type !== 'BlockStatement') return false;
  const last = fn.body.body[fn.body.body.length - 1];
  return last?.type !== 'ReturnStatement' && last?.type !== 'ThrowStatement';
}

function union(a: Set<string> | undefined, b: Set<string> | undefined): Set<string> | undefined {
  if (a === undefined || b === undefined) return undefined;
  const out = new Set([...a, ...b]);
  return out.size > MAX_VALUES ? undefined : out;
}

function product(a: Set<string> | undefined, b: Set<string> | undefined): Set<string> | undefined {
  if (a === undefined || b === undefined || a.size * b.size > MAX_VALUES) return undefined;
  const out = new Set<string>();
  for (const x of a) for (const y of b) out.add(x + y);
  return out;
}

