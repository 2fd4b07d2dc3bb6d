// `require('cloacina')`, ``require(`cloacina`)`` and `import('cloacina')`, by how the module
// object is used: a member read, a binding whose members are all authoring names, or a
// destructuring (split in two declarations when it takes names of both packages).
// Anything else is flagged; a cloacina/legacy module used that way stays on it.
import type * as t from '@babel/types';
import type { ParsedFile } from '../analysis/parse.js';
import { walk } from '../analysis/walk.js';
import { removeListItems } from '../edits/lists.js';
import { insertAfter, semicolonOf } from '../edits/statements.js';
import { memberUses } from './member-uses.js';
import type { Plan } from './module-declarations.js';
import { isMockCall } from './mocks.js';
import { authoringName, AUTHORING_PACKAGE, isCloacinaSource, LEGACY_ONLY, RUNTIME_PACKAGE } from './names.js';
import { literalValue, quoteOf, retarget } from './specifiers.js';

/** Statement lists a split declaration can be written into. */
const STATEMENT_LISTS = new Set(['Program', 'BlockStatement', 'TSModuleBlock', 'StaticBlock', 'SwitchCase']);

interface Loader {
  /** The require or import() call. */
  call: t.Node;
  literal: t.StringLiteral | t.TemplateLiteral;
  source: string;
  isImport: boolean;
  ancestors: t.Node[];
}

/** A cheap text check for the walk. */
export function mentionsLoader(text: string): boolean {
  return /\b(require|import)\s*\(/.test(text);
}

export function planRequires(file: ParsedFile, plan: Plan): void {
  const loaders: Loader[] = [];
  walk(file.program, (node, ancestors) => {
    let literal: t.Node | undefined;
    let isImport = false;
    if (node.type === 'CallExpression' && node.callee.type === 'Identifier' && node.callee.name === 'require') literal = node.arguments[0];
    else if (node.type === 'CallExpression' && node.callee.type === 'Import') [literal, isImport] = [node.arguments[0], true];
    else if (node.type === 'ImportExpression') [literal, isImport] = [node.source, true];
    else return;
    const source = literalValue(literal);
    if (!isCloacinaSource(source)) return;
    // `vi.mock(import('cloacina'), ...)` names the module to mock: the mock plan handles it.
    const parent = ancestors[ancestors.length - 1];
    if (isImport && parent && isMockCall(parent) && (parent as t.CallExpression).arguments[0] === node) return;
    loaders.push({ call: node, literal: literal as Loader['literal'], source, isImport, ancestors: [...ancestors] });
  });
  for (const loader of loaders) planLoader(file, loader, plan);
}

function planLoader(file: ParsedFile, loader: Loader, plan: Plan): void {
  const { text } = file;
  const { source, literal, ancestors } = loader;
  const set = (target: string) => {
    if (target !== source) plan.edits.push(retarget(text, literal, target));
  };
  // The expression whose value is the module: past one `await`.
  let value: t.Node = loader.call;
  let depth = ancestors.length - 1;
  if (ancestors[depth]?.type === 'AwaitExpression') value = ancestors[depth--]!;
  const parent = ancestors[depth];
  const awaited = value !== loader.call;

  // `require('cloacina').task`, `(await import('cloacina')).task`; a member of a bare import()
  // is a promise method, not an export.
  if ((parent?.type === 'MemberExpression' || parent?.type === 'OptionalMemberExpression') && parent.object === value && (!loader.isImport || awaited)) {
    const name = !parent.computed && parent.property.type === 'Identifier' ? parent.property.name : literalValue(parent.property);
    if (name !== undefined) {
      set(authoringName(name, source) === name ? AUTHORING_PACKAGE : LEGACY_ONLY.has(name) ? source : RUNTIME_PACKAGE);
      return;
    }
  }
  if (parent?.type === 'VariableDeclarator' && parent.init === value && (!loader.isImport || awaited)) {
    if (parent.id.type === 'Identifier') {
      const members = memberUses(file, parent.id.name);
      if (members === undefined) {
        plan.flags.push({ at: loader.call.start!, reason: 'namespace-as-value' });
        return;
      }
      if ([...members].every((m) => authoringName(m, source) === m)) set(AUTHORING_PACKAGE);
      else if (![...members].some((m) => LEGACY_ONLY.has(m))) set(RUNTIME_PACKAGE);
      return;
    }
    if (parent.id.type === 'ObjectPattern') {
      splitPattern(file, loader, value, parent.id, ancestors.slice(0, depth + 1), plan);
      return;
    }
  }
  plan.flags.push({ at: loader.call.start!, reason: 'dynamic-import' });
}

/** `const { task, Runner } = require('cloacina')` -> one destructuring per package. */
function splitPattern(file: ParsedFile, loader: Loader, value: t.Node, pattern: t.ObjectPattern, ancestors: t.Node[], plan: Plan): void {
  const { text } = file;
  const { source, literal } = loader;
  const properties = pattern.properties;
  if (properties.some((p) => p.type === 'RestElement' || p.computed)) {
    plan.flags.push({ at: loader.call.start!, reason: 'namespace-as-value' });
    return;
  }
  const props = properties as t.ObjectProperty[];
  const keyName = (p: t.ObjectProperty) => (p.key.type === 'Identifier' ? p.key.name : (literalValue(p.key) ?? ''));
  const moving = new Set<number>();
  let keepLegacy = false;
  const movedText = new Map<number, string>();
  props.forEach((p, i) => {
    const name = keyName(p);
    const target = authoringName(name, source);
    if (target === undefined) {
      if (LEGACY_ONLY.has(name)) keepLegacy = true;
      return;
    }
    moving.add(i);
    const local = p.value.type === 'Identifier' ? p.value.name : undefined;
    if (target === name) movedText.set(i, text.slice(p.start!, p.end!));
    else if (p.shorthand && local) movedText.set(i, `${target}: ${local}`);
    else movedText.set(i, `${target}${text.slice(p.key.end!, p.end!)}`);
  });
  const stayingSource = keepLegacy ? source : RUNTIME_PACKAGE;
  if (moving.size === 0) {
    if (stayingSource !== source) plan.edits.push(retarget(text, literal, stayingSource));
    return;
  }
  if (moving.size === props.length) {
    plan.edits.push(retarget(text, literal, AUTHORING_PACKAGE));
    props.forEach((p, i) => {
      const moved = movedText.get(i)!;
      if (moved !== text.slice(p.start!, p.end!)) plan.edits.push({ start: p.start!, end: p.end!, text: moved });
    });
    return;
  }
  // Mixed: the declaration keeps the runtime names; a new one after it takes the others.
  const declarator = ancestors[ancestors.length - 1] as t.VariableDeclarator;
  const declaration = ancestors[ancestors.length - 2];
  const list = ancestors[ancestors.length - 3];
  if (declaration?.type !== 'VariableDeclaration' || declaration.declarations.length !== 1 || !list || !STATEMENT_LISTS.has(list.type) || declarator.id !== pattern) {
    plan.flags.push({ at: loader.call.start!, reason: 'dynamic-import' });
    return;
  }
  const q = quoteOf(text, literal);
  const init = `${text.slice(value.start!, literal.start!)}${q}${AUTHORING_PACKAGE}${q}${text.slice(literal.end!, value.end!)}`;
  const moved = [...moving].sort((a, b) => a - b).map((i) => movedText.get(i)!);
  plan.edits.push(...removeListItems(file, props, moving));
  if (stayingSource !== source) plan.edits.push(retarget(text, literal, stayingSource));
  plan.edits.push(insertAfter(file, declaration, `${declaration.kind} { ${moved.join(', ')} } = ${init}${semicolonOf(file, declaration)}`));
}
