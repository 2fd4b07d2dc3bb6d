// Which declaration each identifier of a file refers to, and every place a declared name is
// read or written. One walk builds the parent links and the scopes; references are resolved
// once every declaration is known (var and function hoisting). The proofs that use this need
// the whole list of a binding's uses: a use this module cannot place makes them give up,
// so it errs on the side of recording too much (JSX element names, `export { x }`, shorthand
// properties), and it tells when a file defeats name resolution (`with`, direct `eval`).
import type * as t from '@babel/types';
import { childrenOf } from './walk.js';

export type BindingKind = 'param' | 'var' | 'let' | 'const' | 'using' | 'function' | 'class' | 'import' | 'catch' | 'enum' | 'namespace';

export interface Binding {
  name: string;
  kind: BindingKind;
  /** The identifier that declares the name. */
  id: t.Identifier;
  /** The node that owns the declaration: the function (params), declarator, class, import specifier... */
  owner: t.Node;
  scope: Scope;
  /** Identifiers that read the name (and JSX element names). */
  reads: t.Node[];
  /** Identifiers the name is assigned through: `x = ...`, `x++`, `for (x of ...)`, `[x] = ...`. */
  writes: t.Identifier[];
}

export interface Scope {
  node: t.Node;
  parent: Scope | undefined;
  /** The scope `var` and `arguments` belong to (a function's, or the program's). */
  functionScope: Scope;
  names: Map<string, Binding>;
}

export interface FileScopes {
  program: t.Program;
  /** The node each node sits in (absent for the program). */
  parentOf(node: t.Node): t.Node | undefined;
  /** The binding an identifier declares or refers to; undefined for globals and property names. */
  bindingOf(id: t.Node): Binding | undefined;
  /** The scope a function (or the program) opens. */
  scopeOf(node: t.Node): Scope | undefined;
  /** Functions whose body reads `arguments` (their parameters can be reached through it). */
  usesArguments: ReadonlySet<t.Node>;
  /** Why names in this file cannot be resolved (a `with` statement, a direct `eval`), if so. */
  unresolvable: string | undefined;
  /** Every binding of the file. */
  bindings: readonly Binding[];
}

const FUNCTIONS = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression', 'ObjectMethod', 'ClassMethod', 'ClassPrivateMethod', 'TSDeclareFunction', 'TSDeclareMethod']);
const BLOCKS = new Set(['BlockStatement', 'ForStatement', 'ForInStatement', 'ForOfStatement', 'SwitchStatement', 'CatchClause', 'StaticBlock', 'TSModuleBlock', 'ClassBody']);
/** TypeScript nodes that hold code; every other `TS...` node holds types only (nothing under it runs). */
const RUNTIME_TS = new Set([
  'TSAsExpression', 'TSSatisfiesExpression', 'TSTypeAssertion', 'TSNonNullExpression', 'TSInstantiationExpression', 'TSParameterProperty',
  'TSEnumDeclaration', 'TSEnumBody', 'TSEnumMember', 'TSModuleDeclaration', 'TSModuleBlock', 'TSImportEqualsDeclaration', 'TSExternalModuleReference',
  'TSExportAssignment',
]);

export function isTypeOnly(node: t.Node): boolean {
  return node.type.startsWith('TS') && !RUNTIME_TS.has(node.type);
}

export function isFunction(node: t.Node | undefined): node is t.Function {
  return node !== undefined && FUNCTIONS.has(node.type);
}

export function analyzeScopes(program: t.Program): FileScopes {
  const parents = new Map<t.Node, t.Node>();
  const scopes = new Map<t.Node, Scope>();
  const declared = new Map<t.Node, Binding>();
  const bindings: Binding[] = [];
  const pending: Array<{ id: t.Node; name: string; scope: Scope; write: boolean }> = [];
  const usesArguments = new Set<t.Node>();
  let unresolvable: string | undefined;

  const root: Scope = { node: program, parent: undefined, functionScope: undefined as unknown as Scope, names: new Map() };
  root.functionScope = root;
  scopes.set(program, root);

  const open = (node: t.Node, parent: Scope, isFunction: boolean): Scope => {
    const scope: Scope = { node, parent, functionScope: undefined as unknown as Scope, names: new Map() };
    scope.functionScope = isFunction ? scope : parent.functionScope;
    scopes.set(node, scope);
    return scope;
  };

  const declare = (id: t.Identifier, kind: BindingKind, owner: t.Node, scope: Scope): void => {
    const existing = scope.names.get(id.name);
    // A redeclaration (var twice, a function over a var) is the same variable.
    if (existing !== undefined) {
      declared.set(id, existing);
      if (kind === 'var' || kind === 'function') existing.writes.push(id);
      return;
    }
    const binding: Binding = { name: id.name, kind, id, owner, scope, reads: [], writes: [] };
    scope.names.set(id.name, binding);
    declared.set(id, binding);
    bindings.push(binding);
  };

  /** The identifiers a declaration pattern binds; default values and computed keys are uses. */
  const declarePattern = (pattern: t.Node, kind: BindingKind, owner: t.Node, scope: Scope, visitLater: (node: t.Node) => void): void => {
    switch (pattern.type) {
      case 'Identifier':
        declare(pattern, kind, owner, scope);
        if (pattern.typeAnnotation) parents.set(pattern.typeAnnotation, pattern);
        return;
      case 'ObjectPattern':
        for (const property of pattern.properties) {
          parents.set(property, pattern);
          if (property.type === 'RestElement') {
            parents.set(property.argument, property);
            declarePattern(property.argument, kind, owner, scope, visitLater);
          } else {
            parents.set(property.key, property);
            parents.set(property.value, property);
            if (property.computed) visitLater(property.key);
            declarePattern(property.value, kind, owner, scope, visitLater);
          }
        }
        return;
      case 'ArrayPattern':
        for (const element of pattern.elements) {
          if (element === null) continue;
          parents.set(element, pattern);
          declarePattern(element, kind, owner, scope, visitLater);
        }
        return;
      case 'AssignmentPattern':
        parents.set(pattern.left, pattern);
        parents.set(pattern.right, pattern);
        declarePattern(pattern.left, kind, owner, scope, visitLater);
        visitLater(pattern.right);
        return;
      case 'RestElement':
        parents.set(pattern.argument, pattern);
        declarePattern(pattern.argument, kind, owner, scope, visitLater);
        return;
      case 'TSParameterProperty':
        parents.set(pattern.parameter, pattern);
        declarePattern(pattern.parameter, kind, owner, scope, visitLater);
        return;
      default:
        // A member expression target (`for (a.b of c)`) or something new: visit it as code.
        visitLater(pattern);
    }
  };

  // The walk: a stack of (node, parent, scope). Declarations are entered when their
  // scope is opened, so a use anywhere in the scope finds them (hoisting).
  type Item = { node: t.Node; parent: t.Node | undefined; scope: Scope };
  const stack: Item[] = [{ node: program, parent: undefined, scope: root }];
  const push = (node: t.Node | null | undefined, parent: t.Node, scope: Scope) => {
    if (node) stack.push({ node, parent, scope });
  };

  while (stack.length > 0) {
    const { node, parent, scope: outer } = stack.pop()!;
    if (parent !== undefined) parents.set(node, parent);
    if (isTypeOnly(node) || (node as { declare?: boolean }).declare === true) {
      linkParents(node, parents);
      continue;
    }
    let scope = outer;
    const later = (child: t.Node) => push(child, parentOfPending(child, parents, node), scope);

    // A function's body block shares the function's scope (its parameters and its names).
    const functionBody = isFunction(parent) && parent.body === node;
    if (node.type === 'Program' || (BLOCKS.has(node.type) && !functionBody) || isFunction(node)) {
      if (node.type !== 'Program') scope = open(node, outer, isFunction(node));
      if (isFunction(node)) {
        const fn = node as t.Function;
        // A function expression's own name is visible inside it only.
        if (fn.type === 'FunctionExpression' && fn.id) {
          parents.set(fn.id, fn);
          declare(fn.id, 'function', fn, scope);
        }
        for (const param of fn.params) {
          parents.set(param, fn);
          declarePattern(param, 'param', fn, scope, later);
        }
        hoist(fn.body, scope, fn);
        push(fn.body, fn, scope);
        if (fn.type !== 'ArrowFunctionExpression' && 'key' in fn && fn.key) {
          parents.set(fn.key, fn);
          if ((fn as t.ObjectMethod).computed) push(fn.key, fn, outer);
        }
        for (const decorator of (fn as { decorators?: t.Decorator[] }).decorators ?? []) push(decorator, fn, outer);
        const returnType = (fn as { returnType?: t.Node | null }).returnType;
        if (returnType) linkParents(returnType, parents, fn);
        continue;
      }
      if (node.type === 'CatchClause' && node.param) {
        parents.set(node.param, node);
        declarePattern(node.param, 'catch', node, scope, later);
        push(node.body, node, scope);
        continue;
      }
      hoist(node, scope, undefined);
    }

    switch (node.type) {
      case 'Identifier': {
        if (isReference(node, parent)) {
          pending.push({ id: node, name: node.name, scope, write: isWriteTarget(node, parent, parents) });
          if (node.name === 'arguments') {
            const fn = nonArrowFunction(scope);
            if (fn) usesArguments.add(fn.node);
          }
        }
        if (node.typeAnnotation) linkParents(node.typeAnnotation, parents, node);
        continue;
      }
      case 'JSXIdentifier': {
        // `<Helper ctx={ctx} />` calls Helper: a use of the name as a component.
        if (parent?.type === 'JSXOpeningElement' || (parent?.type === 'JSXMemberExpression' && parent.object === node)) {
          if (/^[A-Z_$]/.test(node.name) || parent.type === 'JSXMemberExpression') pending.push({ id: node, name: node.name, scope, write: false });
        }
        continue;
      }
      case 'VariableDeclaration': {
        // The names were declared when their scope opened; the initialisers and defaults are code.
        for (const declarator of node.declarations) {
          parents.set(declarator, node);
          parents.set(declarator.id, declarator);
          if (declarator.init) push(declarator.init, declarator, scope);
          visitPatternDefaults(declarator.id, (child, owner) => push(child, owner, scope), parents);
        }
        continue;
      }
      case 'WithStatement':
        unresolvable ??= 'a with statement';
        break;
      case 'CallExpression':
        if (node.callee.type === 'Identifier' && node.callee.name === 'eval') unresolvable ??= 'a direct eval';
        break;
      case 'ImportDeclaration':
        for (const specifier of node.specifiers) {
          parents.set(specifier, node);
          parents.set(specifier.local, specifier);
        }
        continue;
      case 'TSImportEqualsDeclaration':
        parents.set(node.id, node);
        if (node.moduleReference.type !== 'TSExternalModuleReference') push(node.moduleReference, node, scope);
        continue;
      case 'TSEnumDeclaration':
      case 'TSModuleDeclaration':
        parents.set(node.id, node);
        if (node.type === 'TSModuleDeclaration' && node.body) push(node.body, node, scope);
        continue;
      case 'ClassExpression':
        if (node.id) {
          scope = open(node, outer, false);
          declare(node.id, 'class', node, scope);
        }
        break;
      case 'LabeledStatement':
      case 'BreakStatement':
      case 'ContinueStatement':
        if (node.label) parents.set(node.label, node);
        if (node.type === 'LabeledStatement') push(node.body, node, scope);
        continue;
      case 'ExportSpecifier': {
        const declaration = parent as t.ExportNamedDeclaration;
        parents.set(node.exported, node);
        // `export { a as b }` reads a; `export { a } from './m'` does not.
        if (!declaration.source) push(node.local, node, scope);
        else parents.set(node.local, node);
        continue;
      }
      case 'ExportNamespaceSpecifier':
      case 'ExportDefaultSpecifier':
        parents.set(node.exported, node);
        continue;
      default:
        break;
    }
    const children = childrenOf(node);
    for (let i = children.length - 1; i >= 0; i--) push(children[i]!, node, scope);
  }

  /** Declares the names a scope's statements bring into it (var and functions hoisted). */
  function hoist(node: t.Node, scope: Scope, fn: t.Function | undefined): void {
    const statements = statementsOf(node);
    for (const statement of statements) declareStatement(statement, scope);
    if (fn !== undefined || node.type === 'Program') hoistVars(node, scope);
  }

  function declareStatement(statement: t.Node, scope: Scope): void {
    const target = statement.type === 'ExportNamedDeclaration' || statement.type === 'ExportDefaultDeclaration' ? statement.declaration : statement;
    if (!target) return;
    if (target !== statement) parents.set(target, statement);
    switch (target.type) {
      case 'VariableDeclaration':
        if (target.kind !== 'var') {
          const kind: BindingKind = target.kind === 'let' ? 'let' : target.kind === 'const' ? 'const' : 'using';
          for (const d of target.declarations) {
            parents.set(d, target);
            parents.set(d.id, d);
            declarePattern(d.id, kind, d, scope, () => {});
          }
        }
        return;
      case 'FunctionDeclaration':
        if (target.id) {
          parents.set(target.id, target);
          declare(target.id, 'function', target, scope);
          // Sloppy-mode scripts also see a block's function in the whole function.
          if (scope.functionScope !== scope && !scope.functionScope.names.has(target.id.name)) scope.functionScope.names.set(target.id.name, scope.names.get(target.id.name)!);
        }
        return;
      case 'ClassDeclaration':
        if (target.id) {
          parents.set(target.id, target);
          declare(target.id, 'class', target, scope);
        }
        return;
      case 'ImportDeclaration':
        for (const s of target.specifiers) {
          if ((s as t.ImportSpecifier).importKind === 'type' || target.importKind === 'type' || target.importKind === 'typeof') continue;
          declare(s.local, 'import', s, scope);
        }
        return;
      case 'TSImportEqualsDeclaration':
        declare(target.id, 'import', target, scope);
        return;
      case 'TSEnumDeclaration':
        if (!target.declare) declare(target.id, 'enum', target, scope);
        return;
      case 'TSModuleDeclaration':
        if (!target.declare && target.id.type === 'Identifier') declare(target.id, 'namespace', target, scope);
        return;
      default:
        return;
    }
  }

  /** `var` declarations anywhere in a function (outside nested functions) belong to it. */
  function hoistVars(node: t.Node, scope: Scope): void {
    const stack = [...childrenOf(node)];
    while (stack.length > 0) {
      const current = stack.pop()!;
      if (isFunction(current) || isTypeOnly(current) || current.type === 'ClassBody') continue;
      if (current.type === 'VariableDeclaration' && current.kind === 'var') {
        for (const d of current.declarations) declarePattern(d.id, 'var', d, scope, () => {});
      }
      for (const child of childrenOf(current)) if (!isExpressionOnly(child)) stack.push(child);
    }
  }

  for (const { id, name, scope, write } of pending) {
    let binding: Binding | undefined;
    for (let s: Scope | undefined = scope; s && binding === undefined; s = s.parent) binding = s.names.get(name);
    if (binding === undefined) continue;
    declared.set(id, binding);
    if (write) binding.writes.push(id as t.Identifier);
    else binding.reads.push(id);
  }
  // Compound assignments and updates both read and write.
  for (const binding of bindings) {
    for (const w of binding.writes) {
      const p = parents.get(w);
      if ((p?.type === 'AssignmentExpression' && p.operator !== '=') || p?.type === 'UpdateExpression') binding.reads.push(w);
    }
  }

  return {
    program,
    parentOf: (node) => parents.get(node),
    bindingOf: (id) => declared.get(id),
    scopeOf: (node) => scopes.get(node),
    usesArguments,
    unresolvable,
    bindings,
  };
}

function nonArrowFunction(scope: Scope): Scope | undefined {
  for (let s: Scope | undefined = scope; s; s = s.parent) {
    if (s.functionScope === s && s.node.type !== 'ArrowFunctionExpression' && s.node.type !== 'Program') return s;
  }
  return undefined;
}

/** Nodes that never hold a var declaration; skipping them keeps hoistVars cheap. */
function isExpressionOnly(node: t.Node): boolean {
  return node.type.endsWith('Expression') || node.type.endsWith('Literal') || node.type === 'Identifier';
}

function statementsOf(node: t.Node): t.Node[] {
  switch (node.type) {
    case 'Program':
    case 'BlockStatement':
    case 'StaticBlock':
    case 'TSModuleBlock':
      return node.body;
    case 'SwitchStatement':
      return node.cases.flatMap((c) => c.consequent);
    case 'ForStatement':
      return node.init?.type === 'VariableDeclaration' ? [node.init] : [];
    case 'ForInStatement':
    case 'ForOfStatement':
      return node.left.type === 'VariableDeclaration' ? [node.left] : [];
    default:
      return [];
  }
}

/** Gives every node under a type annotation its parent, so lookups upwards work there too. */
function linkParents(node: t.Node, parents: Map<t.Node, t.Node>, parent?: t.Node): void {
  if (parent) parents.set(node, parent);
  const stack = [node];
  while (stack.length > 0) {
    const current = stack.pop()!;
    for (const child of childrenOf(current)) {
      parents.set(child, current);
      stack.push(child);
    }
  }
}

/** The default values and computed keys inside a declaration pattern are ordinary code. */
function visitPatternDefaults(pattern: t.Node, visit: (node: t.Node, owner: t.Node) => void, parents: Map<t.Node, t.Node>): void {
  const stack = [pattern];
  while (stack.length > 0) {
    const current = stack.pop()!;
    switch (current.type) {
      case 'ObjectPattern':
        for (const p of current.properties) {
          parents.set(p, current);
          if (p.type === 'RestElement') stack.push(p.argument);
          else {
            parents.set(p.key, p);
            parents.set(p.value, p);
            if (p.computed) visit(p.key, p);
            stack.push(p.value);
          }
        }
        break;
      case 'ArrayPattern':
        for (const e of current.elements) if (e) {
          parents.set(e, current);
          stack.push(e);
        }
        break;
      case 'AssignmentPattern':
        parents.set(current.left, current);
        stack.push(current.left);
        visit(current.right, current);
        break;
      case 'RestElement':
        parents.set(current.argument, current);
        stack.push(current.argument);
        break;
      case 'Identifier':
        if (current.typeAnnotation) linkParents(current.typeAnnotation, parents, current);
        break;
      default:
        break;
    }
  }
}

/** A pending child's parent is the node that pushed it, except inside patterns (already linked). */
function parentOfPending(child: t.Node, parents: Map<t.Node, t.Node>, fallback: t.Node): t.Node {
  return parents.get(child) ?? fallback;
}

/** Whether an Identifier (visited as code) names a variable rather than a property or label. */
function isReference(id: t.Identifier, parent: t.Node | undefined): boolean {
  if (parent === undefined) return true;
  switch (parent.type) {
    case 'MemberExpression':
    case 'OptionalMemberExpression':
      return parent.object === id || parent.computed;
    case 'ObjectProperty':
      return parent.value === id || (parent.computed && parent.key === id);
    case 'ClassProperty':
    case 'ClassAccessorProperty':
    case 'ClassMethod':
    case 'ObjectMethod':
    case 'TSPropertySignature':
    case 'TSDeclareMethod':
      return parent.key !== id || parent.computed === true;
    case 'MetaProperty':
    case 'PrivateName':
    case 'ImportSpecifier':
    case 'ImportDefaultSpecifier':
    case 'ImportNamespaceSpecifier':
    case 'ExportNamespaceSpecifier':
    case 'ExportDefaultSpecifier':
    case 'LabeledStatement':
    case 'BreakStatement':
    case 'ContinueStatement':
    case 'TSQualifiedName':
    case 'TSEnumMember':
      return false;
    case 'ExportSpecifier':
      return parent.local === id;
    case 'VariableDeclarator':
      return parent.init === id;
    case 'FunctionDeclaration':
    case 'FunctionExpression':
    case 'ClassDeclaration':
    case 'ClassExpression':
      return (parent as { id?: t.Node | null }).id !== id;
    default:
      return true;
  }
}

/** Whether the identifier is assigned to (plain or compound, update, for-in/of target, destructuring assignment). */
function isWriteTarget(id: t.Identifier, parent: t.Node | undefined, parents: Map<t.Node, t.Node>): boolean {
  let child: t.Node = id;
  let current = parent;
  // Climb through assignment patterns: `[a, { b }] = value`.
  while (current && (current.type === 'ArrayPattern' || current.type === 'ObjectPattern' || current.type === 'RestElement' || (current.type === 'ObjectProperty' && current.value === child) || (current.type === 'AssignmentPattern' && current.left === child))) {
    child = current;
    current = parents.get(current);
  }
  if (!current) return false;
  if (current.type === 'AssignmentExpression') return current.left === child;
  if (current.type === 'UpdateExpression') return true;
  if (current.type === 'ForInStatement' || current.type === 'ForOfStatement') return current.left === child;
  return false;
}
