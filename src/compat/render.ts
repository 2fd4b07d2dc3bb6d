// Renders a generated workflow as a v1 TypeScript project: the workflow module, maybe its
// tasks in a second file, helpers in a module that never names cloacina, a local barrel,
// a test that mocks cloacina, an operator script. Along with the text it records the
// sites the migration is judged on (loader calls that must or may be flagged, foreign
// code that must stay byte-identical). Context keys and the initial context go through
// JSON.parse so hostile keys such as "__proto__" stay plain data.
import type { JsonValue } from 'cloacina-workflow';
import { loaderNeeds, type LoaderNeed } from './loader-needs.js';
import { flatten, type Access, type FunctionForm, type GenCondition, type GenTask, type GenTrigger, type GenWorkflow, type Op, type Via } from './program.js';

/** How task files import the API: from cloacina in four syntaxes, or from a local barrel. */
export type ImportStyle = 'named' | 'aliased' | 'namespace' | 'typeOnly' | 'barrel';

/** What the local barrel says: named re-exports, or `export *` of cloacina or cloacina/legacy. */
export type BarrelKind = 'named' | 'star' | 'legacyStar';

/** How a test mocks the API: and imports the mocked task() to count its calls, or counts them in a hoisted spy. */
export type MockForm = 'imported' | 'hoisted';

/** The import form of an operator script that runs the workflow with the runtime. */
export type OperatorForm = 'defaultNamed' | 'importEquals' | 'requireTemplate';

export interface RenderOptions {
  style: ImportStyle;
  /** Split tasks and the workflow into two files. */
  split: boolean;
  /** The module the API is imported from (v1: `cloacina`). */
  from?: string;
  packageName?: string;
  version?: string;
  barrel?: BarrelKind;
  /** How helpers in the helper module type their context parameter. */
  helperTyping?: 'barrel' | 'any';
  /** Add a vitest test that mocks cloacina. */
  mock?: MockForm | undefined;
  operator?: OperatorForm | undefined;
}

export type SourceTree = Record<string, string>;

/** A place in the rendered source the migration is judged on (line numbers are 1-based). */
export interface Site {
  kind: 'loader' | 'scope' | 'foreign' | 'import' | 'barrel' | 'mock';
  file: string;
  lines: number[];
  /** A flag on one of `lines` is required. */
  must: boolean;
  /** A flag on one of `lines` is allowed. */
  may: boolean;
  what: string;
}

export interface RenderedProject {
  files: SourceTree;
  sites: Site[];
}

interface Line {
  text: string;
  site?: Site;
}

const lit = (value: JsonValue) => (value !== null && typeof value === 'object' ? `JSON.parse(${JSON.stringify(JSON.stringify(value))})` : JSON.stringify(value));
const str = (text: string) => JSON.stringify(text);

type ValueName = 'task' | 'packagedWorkflow' | 'TaskError' | 'when';
type TypeName = 'Task' | 'Context';

interface Names {
  value: Record<ValueName, string>;
  type: Record<TypeName, string>;
  header: (values: ReadonlySet<ValueName>, types: ReadonlySet<TypeName>) => string;
}

const ALIASES: Record<ValueName | TypeName, string> = {
  task: 'defineTask',
  packagedWorkflow: 'defineWorkflow',
  TaskError: 'Failure',
  when: 'rule',
  Task: 'TaskDefinition',
  Context: 'TaskContext',
};

const sorted = <T extends string>(names: ReadonlySet<T>) => [...names].sort();

function namesFor(style: ImportStyle, from: string): Names {
  const q = str(from);
  const plain = { value: { task: 'task', packagedWorkflow: 'packagedWorkflow', TaskError: 'TaskError', when: 'when' }, type: { Task: 'Task', Context: 'Context' } };
  switch (style) {
    case 'named':
      return {
        ...plain,
        header: (values, types) => [`import { ${sorted(values).join(', ')} } from ${q};`, ...(types.size > 0 ? [`import type { ${sorted(types).join(', ')} } from ${q};`] : [])].join('\n'),
      };
    case 'aliased':
      return {
        value: { task: ALIASES.task, packagedWorkflow: ALIASES.packagedWorkflow, TaskError: ALIASES.TaskError, when: ALIASES.when },
        type: { Task: ALIASES.Task, Context: ALIASES.Context },
        header: (values, types) =>
          `import { ${[...sorted(values).map((n) => `${n} as ${ALIASES[n]}`), ...sorted(types).map((n) => `type ${n} as ${ALIASES[n]}`)].join(', ')} } from ${q};`,
      };
    case 'namespace':
      return {
        value: { task: 'cl.task', packagedWorkflow: 'cl.packagedWorkflow', TaskError: 'cl.TaskError', when: 'cl.when' },
        type: { Task: 'cl.Task', Context: 'cl.Context' },
        header: () => `import * as cl from ${q};`,
      };
    case 'typeOnly':
      return {
        value: plain.value,
        type: { Task: 'T', Context: 'C' },
        header: (values, types) =>
          [...(types.size > 0 ? [`import type { ${sorted(types).map((n) => `${n} as ${n[0]}`).join(', ')} } from ${q};`] : []), `import { ${sorted(values).join(', ')} } from ${q};`].join('\n'),
      };
    case 'barrel':
      return {
        ...plain,
        header: (values, types) => `import { ${[...sorted(values), ...sorted(types).map((n) => `type ${n}`)].join(', ')} } from './barrel.js';`,
      };
  }
}

/** One module being written: its names, what it needs imported, its top-level declarations. */
interface Module {
  file: string;
  names: Names;
  values: Set<ValueName>;
  types: Set<TypeName>;
  /** Helpers and classes, after the imports. */
  declarations: Line[][];
  registry: boolean;
  /** Names imported from the helper module. */
  helperImports: Set<string>;
}

/** A function body being written. */
interface Scope {
  module: Module;
  /** The context as this function received it (closures at its top use it). */
  param: string;
  /** Declarations at the top of the function body: closures, the registry. */
  preamble: Line[];
  indent: string;
  async: boolean;
  /** `attempt` is in scope. */
  attempt: boolean;
  /** `registry` is in scope. */
  registry: boolean;
  /** How an early return is written here (a getter returns a value). */
  ret: string;
}

/** Statements that need an async function: awaited callbacks, async closures, `for await`, `Promise.all`. */
const awaits = (op: Op) =>
  (op.op === 'via' && (op.via === 'then' || op.form === 'asyncArrow')) || (op.op === 'repeat' && op.loop === 'forAwait') || op.op === 'loadAll';

function functionHead(form: FunctionForm, params: string): string {
  switch (form) {
    case 'arrow':
      return `${params} => {`;
    case 'asyncArrow':
      return `async ${params} => {`;
    case 'function':
      return `function ${params} {`;
    case 'asyncFunction':
      return `async function ${params} {`;
  }
}

const REGISTRY_CLASS = [
  '// The application\'s own service registry: its method names happen to match removed context methods.',
  'class Registry {',
  "  executionScope = 'none';",
  '  setDependencyLoader(prefix: string): void {',
  '    this.executionScope = prefix;',
  '  }',
  '  getWithDependencies(key: string): string {',
  '    return `${this.executionScope}:${key}`;',
  '  }',
  '  loadFromDependenciesAndCache(key: string): string {',
  '    return `${this.executionScope}/${key}`;',
  '  }',
  '}',
];

const HELPER_VIAS: ReadonlySet<Via> = new Set([
  'helper', 'helperFile', 'method', 'methodFile', 'call', 'apply', 'reflect',
  'helperDefault', 'helperOptional', 'helperDestructured', 'helperSpread', 'getter', 'fieldArrow',
]);

class Renderer {
  readonly sites: Site[] = [];
  readonly helperModule: Module;
  #counter = 0;
  #needs = new Map<Op, LoaderNeed>();

  constructor(
    readonly options: RenderOptions,
    from: string,
  ) {
    this.helperModule = {
      file: 'helpers.ts',
      names: namesFor('barrel', from),
      values: new Set(),
      types: new Set(),
      declarations: [],
      registry: false,
      helperImports: new Set(),
    };
  }

  fresh(prefix: string): string {
    return `${prefix}${++this.#counter}`;
  }

  site(kind: Site['kind'], file: string, must: boolean, may: boolean, what: string): Site {
    const site: Site = { kind, file, lines: [], must, may, what };
    this.sites.push(site);
    return site;
  }

  foreignLine(module: Module, text: string): Line {
    return { text, site: this.site('foreign', module.file, false, false, `foreign code: ${text.trim()}`) };
  }

  renderTask(task: GenTask, index: number, module: Module): Line[] {
    this.#needs = loaderNeeds(task.program);
    const n = module.names;
    module.values.add('task');
    const options = [
      `id: ${str(task.id)}`,
      `dependencies: ${JSON.stringify(task.deps)}`,
      `retry: { maxAttempts: ${task.retry.maxAttempts}, initialDelayMs: 0, jitter: false, conditions: [{ type: ${str(task.retry.condition)} }] }`,
      ...(task.trigger ? [`triggerRules: ${this.trigger(task.trigger, module)}`] : []),
    ];
    const all = flatten(task.program);
    const attempt = all.some((o) => o.op === 'fail');
    const needsAwait = all.some(awaits);
    const declared = task.form ?? (needsAwait ? 'asyncArrow' : 'arrow');
    const form: FunctionForm = needsAwait && declared === 'arrow' ? 'asyncArrow' : needsAwait && declared === 'function' ? 'asyncFunction' : declared;
    const async = form === 'asyncArrow' || form === 'asyncFunction';
    const scope: Scope = { module, param: 'ctx', preamble: [], indent: '  ', async, attempt, registry: all.some((o) => o.op === 'foreign'), ret: 'return;' };
    if (scope.registry) {
      module.registry = true;
      scope.preamble.push(this.foreignLine(module, '  const registry = new Registry();'));
    }
    const body = this.ops(task.program, scope, 'ctx', '  ');
    module.types.add('Task');
    return [
      { text: `export const task${index}: ${n.type.Task} = ${n.value.task}({ ${options.join(', ')} }, ${functionHead(form, attempt ? '(ctx, { attempt })' : '(ctx)')}` },
      ...scope.preamble,
      ...body,
      { text: '});' },
    ];
  }

  trigger(t: GenTrigger, module: Module): string {
    module.values.add('when');
    const when = module.names.value.when;
    const condition = (c: GenCondition) =>
      c.type === 'contextValue'
        ? c.value === undefined
          ? `${when}.context(${str(c.key)}, ${str(c.operator)})`
          : `${when}.context(${str(c.key)}, ${str(c.operator)}, ${lit(c.value)})`
        : `${when}.${c.type}(${str(c.task)})`;
    return t.type === 'always' ? `${when}.always()` : `${when}.${t.type}(${t.conditions.map(condition).join(', ')})`;
  }

  /** `r.m(args)` through one of the access forms; a destructuring adds a line before. */
  access(r: string, method: string, args: string[], access: Access, site: Site | undefined, indent: string, module?: Module): { before: Line[]; expr: string } {
    const list = args.join(', ');
    switch (access) {
      case 'plain':
        return { before: [], expr: `${r}.${method}(${list})` };
      case 'optionalReceiver':
        return { before: [], expr: `${r}?.${method}(${list})` };
      case 'optionalCall':
        return { before: [], expr: `${r}.${method}?.(${list})` };
      case 'computed':
        return { before: [], expr: `${r}[${str(method)}](${list})` };
      case 'template':
        return { before: [], expr: `${r}[\`${method}\`](${list})` };
      case 'call':
        return { before: [], expr: `${r}.${method}.call(${r}, ${list})` };
      case 'apply':
        return { before: [], expr: `${r}.${method}.apply(${r}, [${list}])` };
      case 'reflect':
        return { before: [], expr: `Reflect.apply(${r}.${method}, ${r}, [${list}])` };
      case 'asCast':
      case 'satisfies': {
        const type = module ? (module.types.add('Context'), module.names.type.Context) : 'never';
        return { before: [], expr: `(${r} ${access === 'asCast' ? 'as' : 'satisfies'} ${type}).${method}(${list})` };
      }
      case 'destructured': {
        const local = this.fresh(method === 'remove' ? 'drop' : 'load');
        return { before: [{ text: `${indent}const { ${method}: ${local} } = ${r};`, ...(site ? { site } : {}) }], expr: `${local}.call(${r}, ${list})` };
      }
    }
  }

  ops(ops: Op[], scope: Scope, r: string, indent: string): Line[] {
    const lines: Line[] = [];
    const module = scope.module;
    const file = module.file;
    for (const op of ops) {
      switch (op.op) {
        case 'insert':
        case 'update':
        case 'set':
          lines.push({ text: `${indent}${r}.${op.op}(${str(op.key)}, ${lit(op.value)});` });
          break;
        case 'remove': {
          const { before, expr } = this.access(r, 'remove', [str(op.key)], op.access ?? 'plain', undefined, indent, module);
          lines.push(...before, { text: `${indent}${expr};` });
          break;
        }
        case 'copy':
          lines.push({ text: `${indent}${r}.set(${str(op.into)}, ${r}.get(${str(op.key)}) ?? null);` });
          break;
        case 'loadFromDependenciesAndCache':
        case 'getWithDependencies': {
          const need = this.#needs.get(op) ?? { must: false, may: false };
          const site = this.site('loader', file, need.must, need.may, `${op.op}(${str(op.key)}) via ${op.access ?? 'plain'}`);
          const { before, expr } = this.access(r, op.op, [str(op.key)], op.access ?? 'plain', site, indent, module);
          lines.push(...before, { text: `${indent}${r}.set(${str(op.into)}, ${expr} ?? null);`, site });
          break;
        }
        case 'loadAll': {
          const need = this.#needs.get(op) ?? { must: false, may: false };
          const site = this.site('loader', file, need.must, need.may, `getWithDependencies over ${JSON.stringify(op.keys)}`);
          const names = op.keys.map(() => this.fresh('v'));
          const method = op.read ?? 'getWithDependencies';
          const read = scope.async
            ? `await Promise.all(${JSON.stringify(op.keys)}.map(async (k) => ${r}.${method}(k)))`
            : `${JSON.stringify(op.keys)}.map((k) => ${r}.${method}(k))`;
          lines.push({ text: `${indent}const [${names.join(', ')}] = ${read};`, site }, ...op.into.map((into, i) => ({ text: `${indent}${r}.set(${str(into)}, ${names[i]} ?? null);` })));
          break;
        }
        case 'returnIf':
          lines.push({ text: `${indent}if (${r}.has(${str(op.key)})) ${scope.ret}` });
          break;
        case 'tryFinally':
          lines.push(
            { text: `${indent}try {` },
            ...this.ops(op.body, scope, r, `${indent}  `),
            { text: `${indent}} finally {` },
            ...this.ops(op.finally, scope, r, `${indent}  `),
            { text: `${indent}}` },
          );
          break;
        case 'executionScope':
          lines.push({ text: `${indent}${r}.set(${str(op.into)}, ${r}.executionScope() !== undefined);`, site: this.site('scope', file, true, true, 'executionScope()') });
          break;
        case 'ifEquals':
          if (op.form === 'switch') {
            lines.push(
              { text: `${indent}switch (${r}.get(${str(op.key)})) {` },
              { text: `${indent}  case ${lit(op.value)}: {` },
              ...this.ops(op.then, scope, r, `${indent}    `),
              { text: `${indent}    break;` },
              { text: `${indent}  }` },
              { text: `${indent}  default: {` },
              ...this.ops(op.else, scope, r, `${indent}    `),
              { text: `${indent}  }` },
              { text: `${indent}}` },
            );
            break;
          }
        // falls through
        case 'ifHas': {
          const test = op.op === 'ifHas' ? `${r}.has(${str(op.key)})` : `${r}.get(${str(op.key)}) === ${lit(op.value)}`;
          lines.push(
            { text: `${indent}if (${test}) {` },
            ...this.ops(op.then, scope, r, `${indent}  `),
            { text: `${indent}} else {` },
            ...this.ops(op.else, scope, r, `${indent}  `),
            { text: `${indent}}` },
          );
          break;
        }
        case 'fail': {
          const error =
            op.kind === 'retryable'
              ? `new ${this.value(module, 'TaskError')}('ExecutionFailed', 'transient failure', { retryable: true })`
              : op.kind === 'fatal'
                ? `${this.value(module, 'TaskError')}.validationFailed('bad input')`
                : `new Error('plain failure')`;
          lines.push({ text: `${indent}if (${JSON.stringify(op.onAttempts)}.includes(attempt)) throw ${error};` });
          break;
        }
        case 'foreign': {
          const text =
            op.call === 'setLoader'
              ? `${indent}registry.setDependencyLoader(${str(op.key)});`
              : op.call === 'scope'
                ? `${indent}${r}.set(${str(op.into)}, registry.executionScope);`
                : `${indent}${r}.set(${str(op.into)}, registry.${op.call === 'get' ? 'getWithDependencies' : 'loadFromDependenciesAndCache'}(${str(op.key)}));`;
          lines.push(this.foreignLine(module, text));
          break;
        }
        case 'repeat': {
          const i = this.fresh('i');
          const range = JSON.stringify(Array.from({ length: op.times }, (_, k) => k));
          if (op.loop === 'forEach') {
            lines.push({ text: `${indent}${range}.forEach(() => {` }, ...this.ops(op.body, { ...scope, async: false }, r, `${indent}  `), { text: `${indent}});` });
            break;
          }
          if (op.loop === 'labelled') {
            const outer = this.fresh('outer');
            const j = this.fresh('j');
            lines.push(
              { text: `${indent}${outer}: for (let ${i} = 0; ${i} < ${op.times}; ${i}++) {` },
              { text: `${indent}  for (const ${j} of [${i}]) {` },
              ...this.ops(op.body, scope, r, `${indent}    `),
              { text: `${indent}    continue ${outer};` },
              { text: `${indent}  }` },
              { text: `${indent}}` },
            );
            break;
          }
          const head =
            op.loop === 'for'
              ? `for (let ${i} = 0; ${i} < ${op.times}; ${i}++) {`
              : op.loop === 'forOf' || (op.loop === 'forAwait' && !scope.async)
                ? `for (const ${i} of ${range}) {`
                : op.loop === 'forAwait'
                  ? `for await (const ${i} of ${range}) {`
                  : `let ${i} = ${op.times};\n${indent}while (${i}-- > 0) {`;
          const [first, ...rest] = head.split('\n');
          lines.push({ text: `${indent}${first}` }, ...rest.map((text) => ({ text })), ...this.ops(op.body, scope, r, `${indent}  `), { text: `${indent}}` });
          break;
        }
        case 'via':
          lines.push(...this.via(op.via, op.body, scope, r, indent, op.form));
          break;
      }
    }
    return lines;
  }

  value(module: Module, name: ValueName): string {
    module.values.add(name);
    return module.names.value[name];
  }

  via(via: Via, body: Op[], scope: Scope, r: string, indent: string, form?: 'function' | 'asyncArrow'): Line[] {
    const module = scope.module;
    switch (via === 'then' && !scope.async ? 'map' : via) {
      case 'closure': {
        const name = this.fresh('step');
        // An async closure is awaited where it is called, so only where that can await.
        const async = form === 'asyncArrow' && scope.async;
        let receiver = scope.param;
        if (form === 'function' && /\bthis\b/.test(receiver)) {
          // A function expression has a `this` of its own: it reaches the context through a local.
          receiver = this.fresh('c');
          scope.preamble.push({ text: `${scope.indent}const ${receiver} = ${scope.param};` });
        }
        const inner = this.ops(body, { ...scope, async, ret: 'return;' }, receiver, `${scope.indent}  `);
        const head = form === 'function' ? 'function () {' : async ? 'async () => {' : '() => {';
        scope.preamble.push({ text: `${scope.indent}const ${name} = ${head}` }, ...inner, { text: `${scope.indent}};` });
        return [{ text: `${indent}${async ? 'await ' : ''}${name}();` }];
      }
      case 'forEach':
        return [{ text: `${indent}[0].forEach(() => {` }, ...this.ops(body, { ...scope, async: false, ret: 'return;' }, r, `${indent}  `), { text: `${indent}});` }];
      case 'map': {
        const n = this.fresh('n');
        return [{ text: `${indent}const ${n} = [1].map((k) => {` }, ...this.ops(body, { ...scope, async: false, ret: 'return;' }, r, `${indent}  `), { text: `${indent}  return k;` }, { text: `${indent}});` }];
      }
      case 'then':
        return [{ text: `${indent}await Promise.resolve().then(() => {` }, ...this.ops(body, { ...scope, async: false, ret: 'return;' }, r, `${indent}  `), { text: `${indent}});` }];
      case 'alias': {
        const c = this.fresh('c');
        return [{ text: `${indent}{` }, { text: `${indent}  const ${c} = ${r};` }, ...this.ops(body, scope, c, `${indent}  `), { text: `${indent}}` }];
      }
      default: {
        if (!HELPER_VIAS.has(via)) throw new Error(`render: unknown via ${via}`);
        const other = via === 'helperFile' || via === 'methodFile';
        const target = other ? this.helperModule : module;
        const attempt = flatten(body).some((o) => o.op === 'fail');
        const classy = via === 'method' || via === 'methodFile' || via === 'getter' || via === 'fieldArrow';
        const name = this.fresh(classy ? 'Steps' : 'helper');
        const type = target === this.helperModule && this.options.helperTyping === 'any' ? 'any' : (target.types.add('Context'), target.names.type.Context);
        const params = `c: ${type}${attempt ? ', attempt: number' : ''}`;
        const args = `${r}${attempt ? ', attempt' : ''}`;
        const fnIndent = classy ? '    ' : '  ';
        // A getter reaches the context through the field its constructor stored it in.
        const receiver = via === 'getter' ? 'this.c' : 'c';
        const ret = via === 'getter' ? 'return false;' : 'return;';
        const inner: Scope = { module: target, param: receiver, preamble: [], indent: fnIndent, async: false, attempt, registry: false, ret };
        // An optional context is checked first: the body runs only with one.
        const guard: Line[] = via === 'helperOptional' ? [{ text: `${fnIndent}if (c === undefined) return;` }] : [];
        const innerBody = this.ops(body, inner, receiver, fnIndent);
        const exported = other ? 'export ' : '';
        const fn = (head: string): Line[] => [{ text: head }, ...guard, ...inner.preamble, ...innerBody, { text: '}' }];
        switch (via) {
          case 'method':
          case 'methodFile':
            target.declarations.push([{ text: `${exported}class ${name} {` }, { text: `  run(${params}): void {` }, ...inner.preamble, ...innerBody, { text: '  }' }, { text: '}' }]);
            break;
          case 'getter':
            target.declarations.push([
              { text: `class ${name} {` },
              { text: `  readonly c: ${type};` },
              ...(attempt ? [{ text: '  readonly attempt: number;' }] : []),
              { text: `  constructor(${params}) {` },
              { text: '    this.c = c;' },
              ...(attempt ? [{ text: '    this.attempt = attempt;' }] : []),
              { text: '  }' },
              { text: '  get done(): boolean {' },
              ...(attempt ? [{ text: '    const attempt = this.attempt;' }] : []),
              ...inner.preamble,
              ...innerBody,
              { text: '    return true;' },
              { text: '  }' },
              { text: '}' },
            ]);
            break;
          case 'fieldArrow':
            target.declarations.push([{ text: `class ${name} {` }, { text: `  run = (${params}): void => {` }, ...inner.preamble, ...innerBody, { text: '  };' }, { text: '}' }]);
            break;
          case 'helperDefault':
            target.declarations.push(fn(`function ${name}(c: ${type}, attempt = 1): void {`));
            break;
          case 'helperOptional':
            target.declarations.push(fn(`function ${name}(c?: ${type}, attempt = 1): void {`));
            break;
          case 'helperDestructured':
            target.declarations.push(fn(`function ${name}({ c${attempt ? ', attempt' : ''} }: { c: ${type}${attempt ? '; attempt: number' : ''} }): void {`));
            break;
          default:
            target.declarations.push(fn(`${exported}function ${name}(${params}): void {`));
        }
        if (target !== module) module.helperImports.add(name);
        switch (via) {
          case 'method':
          case 'methodFile':
          case 'fieldArrow':
            return [{ text: `${indent}new ${name}().run(${args});` }];
          case 'getter':
            return [{ text: `${indent}void new ${name}(${args}).done;` }];
          case 'helperDestructured':
            return [{ text: `${indent}${name}({ c: ${r}${attempt ? ', attempt' : ''} });` }];
          case 'helperSpread':
            return [{ text: `${indent}${name}(...([${args}] as const));` }];
          case 'call':
            return [{ text: `${indent}${name}.call(undefined, ${args});` }];
          case 'apply':
            return [{ text: `${indent}${name}.apply(undefined, [${args}]);` }];
          case 'reflect':
            return [{ text: `${indent}Reflect.apply(${name}, undefined, [${args}]);` }];
          default:
            return [{ text: `${indent}${name}(${args});` }];
        }
      }
    }
  }
}

/** Joins a module's parts into text and gives every site on its lines their line numbers. */
function assemble(parts: Line[][]): string {
  const lines = parts.flat().flatMap((l) => l.text.split('\n').map((text, i) => ({ text, site: i === 0 ? l.site : undefined })));
  lines.forEach((line, i) => line.site?.lines.push(i + 1));
  return `${lines.map((l) => l.text).join('\n')}\n`;
}

function moduleHeader(module: Module): Line[] {
  return [
    ...(module.values.size > 0 || module.types.size > 0 ? [{ text: module.names.header(module.values, module.types) }] : []),
    ...(module.helperImports.size > 0 ? [{ text: `import { ${[...module.helperImports].join(', ')} } from './helpers.js';` }] : []),
  ];
}

function withBlank(parts: Line[][]): Line[][] {
  return parts.flatMap((p, i) => (i === 0 ? [p] : [[{ text: '' }], p]));
}

/** The v1 project of a generated workflow; the entry is `workflow.ts`. */
export function renderProject(workflow: GenWorkflow, options: RenderOptions): RenderedProject {
  const from = options.from ?? 'cloacina';
  const renderer = new Renderer(options, from);
  const files: SourceTree = {};
  const newModule = (file: string, style: ImportStyle): Module => ({
    file,
    names: namesFor(style, from),
    values: new Set(),
    types: new Set(),
    declarations: [],
    registry: false,
    helperImports: new Set(),
  });

  const taskModule = newModule(options.split ? 'tasks.ts' : 'workflow.ts', options.style);
  const tasks = workflow.tasks.map((t, i) => renderer.renderTask(t, i, taskModule));
  const list = workflow.tasks.map((_, i) => `task${i}`).join(', ');
  const meta = `name: ${str(workflow.name)}, package: ${str(options.packageName ?? workflow.name)}, version: ${str(options.version ?? '1.0.0')}`;
  const tail: Line[][] = [
    [{ text: `export const initialContext = JSON.parse(${str(JSON.stringify(workflow.initial))});` }],
  ];
  const registry = (m: Module) => (m.registry ? [REGISTRY_CLASS.map((text) => renderer.foreignLine(m, text))] : []);

  if (!options.split) {
    tail.push([{ text: `export default ${renderer.value(taskModule, 'packagedWorkflow')}({ ${meta}, tasks: [${list}] });` }]);
    files['workflow.ts'] = assemble(withBlank([moduleHeader(taskModule), ...registry(taskModule), ...taskModule.declarations, ...tasks, ...tail]));
  } else {
    files['tasks.ts'] = assemble(withBlank([moduleHeader(taskModule), ...registry(taskModule), ...taskModule.declarations, ...tasks]));
    const workflowModule = newModule('workflow.ts', options.style === 'typeOnly' ? 'named' : options.style);
    tail.push([{ text: `export default ${renderer.value(workflowModule, 'packagedWorkflow')}({ ${meta}, tasks: [${list}] });` }]);
    files['workflow.ts'] = assemble(withBlank([[...moduleHeader(workflowModule), { text: `import { ${list} } from './tasks.js';` }], ...tail]));
  }

  const helpers = renderer.helperModule;
  if (helpers.declarations.length > 0) {
    files['helpers.ts'] = assemble(withBlank([moduleHeader(helpers), ...helpers.declarations]));
  }
  if (options.style === 'barrel' || helpers.types.size > 0 || helpers.values.size > 0) {
    const kind = options.barrel ?? 'named';
    const text =
      kind === 'named'
        ? `export { Context, packagedWorkflow, task, TaskError, when } from ${str(from)};\nexport type { Task } from ${str(from)};`
        : `export * from ${str(kind === 'star' ? from : `${from}/legacy`)};`;
    const site = renderer.site('barrel', 'barrel.ts', kind === 'legacyStar', kind !== 'named', `barrel: ${kind}`);
    files['barrel.ts'] = assemble([[{ text: '// One place for the workflow API, so task files need not name the package.' }, { text, site }]]);
  }
  // A test mocks the module the task files take task() from: through a legacy barrel, that is cloacina/legacy.
  const mocked = options.style === 'barrel' && options.barrel === 'legacyStar' ? `${from}/legacy` : from;
  if (options.mock) files['workflow.test.ts'] = mockTest(options.mock, workflow.tasks.length, mocked, renderer);
  if (options.operator) files[options.operator === 'defaultNamed' ? 'main.ts' : 'main.cts'] = operatorScript(options.operator, from, renderer);
  return { files, sites: renderer.sites };
}

/** A test that mocks the API module and counts task() calls through the mock. */
function mockTest(form: MockForm, tasks: number, from: string, renderer: Renderer): string {
  const site = renderer.site('mock', 'workflow.test.ts', false, true, `vi.mock(${str(from)}) ${form}`);
  const lines: Line[] =
    form === 'imported'
      ? [
          { text: "import { expect, it, vi } from 'vitest';" },
          { text: `import { task } from ${str(from)};`, site },
          { text: "import workflow from './workflow.js';" },
          { text: '' },
          { text: `vi.mock(${str(from)}, async (importOriginal) => {`, site },
          { text: '  const original = await importOriginal<Record<string, unknown>>();' },
          { text: '  return { ...original, task: vi.fn(original.task as (...args: unknown[]) => unknown) };' },
          { text: '});' },
          { text: '' },
          { text: "it('defines every task through task()', () => {" },
          { text: `  expect(workflow.tasks).toHaveLength(${tasks});` },
          { text: `  expect(task).toHaveBeenCalledTimes(${tasks});` },
          { text: '});' },
        ]
      : [
          { text: "import { expect, it, vi } from 'vitest';" },
          { text: "import workflow from './workflow.js';" },
          { text: '' },
          { text: 'const seen = vi.hoisted(() => [] as string[]);' },
          { text: `vi.mock(${str(from)}, async (importOriginal) => {`, site },
          { text: '  const original = await importOriginal<{ task: (options: { id: string }, fn: unknown) => unknown }>();' },
          { text: '  return { ...original, task: (options: { id: string }, fn: unknown) => (seen.push(options.id), original.task(options, fn)) };' },
          { text: '});' },
          { text: '' },
          { text: "it('defines every task through task()', () => {" },
          { text: `  expect(workflow.tasks).toHaveLength(${tasks});` },
          { text: `  expect(seen).toHaveLength(${tasks});` },
          { text: '});' },
        ];
  return assemble([lines]);
}

/** An operator script that needs the runtime (Runner) and an authoring name, in one import. */
function operatorScript(form: OperatorForm, from: string, renderer: Renderer): string {
  const file = form === 'defaultNamed' ? 'main.ts' : 'main.cts';
  const site = renderer.site('import', file, false, true, `operator import: ${form}`);
  const q = str(from);
  // The module object is only read through its members (cl.Runner), so a migration can see which names it needs.
  const imports: Line[] =
    form === 'defaultNamed'
      ? [{ text: `import cl, { Runner } from ${q};`, site }]
      : form === 'importEquals'
        ? [{ text: `import cl = require(${q});`, site }]
        : [{ text: `const cl: typeof import(${q}) = require(\`${from}\`);`, site }];
  const runner = form === 'defaultNamed' ? 'Runner' : 'cl.Runner';
  return assemble([
    [
      ...imports,
      { text: '' },
      { text: '/** Opens a runner and checks that the module exports a workflow. */' },
      { text: `export async function open(database: string, workflow: unknown): ReturnType<typeof ${runner}.open> {` },
      { text: "  if (!cl.isPackagedWorkflow(workflow)) throw new cl.TaskError('ValidationFailed', 'not a workflow');" },
      { text: `  return ${runner}.open({ database });` },
      { text: '}' },
    ],
  ]);
}

/** The v1 source tree of a generated workflow (the text only). */
export function renderWorkflow(workflow: GenWorkflow, options: RenderOptions): SourceTree {
  return renderProject(workflow, options).files;
}
