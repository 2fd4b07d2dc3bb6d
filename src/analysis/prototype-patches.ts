// Code that changes what every Context does: methods added to or replaced on cloacina's
// `Context.prototype` (an assignment, `Object.assign`, `Object.defineProperty`, an alias of
// the prototype), or on a prototype reached from an object (`Object.getPrototypeOf(x).m = ...`,
// `x.__proto__.m = ...`, `x.constructor.prototype.m = ...`). A method added that way may
// remove keys, and one replaced may hand the context to anything: no loader call in the
// project can then be proven to equal get().
import type * as t from '@babel/types';
import { isCall, isMember } from './functions.js';
import type { FileAnalysis, ProjectIndex } from './project.js';
import { expressionSymbol, staticName, unwrap } from './symbols.js';
import { walk } from './walk.js';

const CONTEXT_CLASSES = new Set(['Context', 'LegacyContext']);
const CHANGES_ITS_FIRST = new Set(['assign', 'defineProperty', 'defineProperties', 'setPrototypeOf']);
// Files that can hold a change, told by their text so that only they are parsed: one that
// names `Context.prototype` (or renames Context and names a prototype), or one that writes
// through a prototype reached from an object.
const NAMES_CONTEXT_PROTOTYPE = /\bContext\s*\.\s*prototype\b/;
const RENAMES_CONTEXT = /\bContext\s+as\s+[A-Za-z_$]|\bContext\s*:\s*[A-Za-z_$]/;
const THROUGH_A_PROTOTYPE = /(getPrototypeOf|__proto__|constructor\s*\.\s*prototype)[^;\n]*?(\.\s*[\w$]+|\[[^\]\n]*\])\s*(=[^=>]|\+\+|--)|(delete|assign|defineProperty|defineProperties|setPrototypeOf)\b[^;\n]*(getPrototypeOf|__proto__|constructor\s*\.\s*prototype)/;

function mayChangeAPrototype(text: string): boolean {
  if (!text.includes('prototype') && !text.includes('__proto__') && !text.includes('getPrototypeOf')) return false;
  return NAMES_CONTEXT_PROTOTYPE.test(text) || (RENAMES_CONTEXT.test(text) && text.includes('prototype')) || THROUGH_A_PROTOTYPE.test(text);
}

const found = new WeakMap<ProjectIndex, string | null>();

/** Where the project changes Context's prototype (`Context.prototype.take = ... in ext.ts`), or undefined. */
export function contextPrototypeChange(project: ProjectIndex): string | undefined {
  let answer = found.get(project);
  if (answer === undefined) {
    answer = null;
    for (const file of project.files()) {
      const text = project.text(file);
      // Only files of the cloacina import graph: code that never reaches cloacina is not
      // given a Context to take a prototype from, and cannot name Context.
      if (text === undefined || !mayChangeAPrototype(text) || !(project.importsCloacina(file) || project.inCloacinaGraph(file))) continue;
      const analysis = project.analysis(file);
      const change = analysis && changeIn(project, analysis);
      if (change) {
        answer = `${change} in ${file.split('/').pop()}`;
        break;
      }
    }
    found.set(project, answer);
  }
  return answer ?? undefined;
}

function changeIn(project: ProjectIndex, analysis: FileAnalysis): string | undefined {
  let change: string | undefined;
  walk(analysis.parsed.program, (node) => {
    if (change !== undefined) return false;
    // Object.assign(Object.getPrototypeOf(x), ...), Object.defineProperty(x.__proto__, ...)
    if (isCall(node) && node.arguments[0] !== undefined && reachesAPrototype(node.arguments[0] as t.Node)) {
      const callee = unwrap(node.callee as t.Node);
      if (isMember(callee) && CHANGES_ITS_FIRST.has(staticName(callee) ?? '')) change = `${staticName(callee)}() is given a prototype`;
      return;
    }
    if (!isMember(node)) return;
    const name = staticName(node);
    if (name === 'prototype' && isContextClass(project, analysis, node.object) && !onlyBorrowed(analysis, node)) {
      change = `${analysis.parsed.text.slice(node.start!, node.end!)} is changed`;
    } else if (writtenThrough(analysis, node) && reachesAPrototype(node.object)) {
      change = `a method is set on ${analysis.parsed.text.slice(node.object.start!, node.object.end!).replace(/\s+/g, ' ').slice(0, 60)}`;
    }
  });
  return change;
}

function isContextClass(project: ProjectIndex, analysis: FileAnalysis, node: t.Node): boolean {
  const symbol = expressionSymbol(project, analysis, node);
  return symbol?.kind === 'cloacina' && CONTEXT_CLASSES.has(symbol.name);
}

/**
 * `Context.prototype.m` read to borrow a method (`Context.prototype.remove.call(ctx, k)`,
 * `const get = Context.prototype.get`): the prototype is not changed. Any other use of the
 * prototype (an assignment to one of its members, handing it to a function, an alias) counts.
 */
function onlyBorrowed(analysis: FileAnalysis, prototype: t.Node): boolean {
  const member = analysis.scopes.parentOf(prototype);
  if (!isMember(member) || member.object !== prototype) return false;
  return !writtenThrough(analysis, member);
}

/** The member is assigned, updated or deleted. */
function writtenThrough(analysis: FileAnalysis, member: t.Node): boolean {
  const parent = analysis.scopes.parentOf(member);
  if (parent?.type === 'AssignmentExpression') return parent.left === member;
  if (parent?.type === 'UpdateExpression') return true;
  return parent?.type === 'UnaryExpression' && parent.operator === 'delete';
}

/** `Object.getPrototypeOf(x)`, `Reflect.getPrototypeOf(x)`, `x.__proto__`, `x.constructor.prototype`. */
function reachesAPrototype(node: t.Node): boolean {
  const inner = unwrap(node);
  if (isMember(inner)) {
    const name = staticName(inner);
    if (name === '__proto__') return true;
    if (name === 'prototype') {
      const holder = unwrap(inner.object);
      return isMember(holder) && staticName(holder) === 'constructor';
    }
    return false;
  }
  if (!isCall(inner)) return false;
  const callee = unwrap(inner.callee as t.Node);
  return isMember(callee) && staticName(callee) === 'getPrototypeOf';
}
