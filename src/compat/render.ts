// Renders a generated workflow as v1 TypeScript source: one file, or tasks in one file and
// the workflow in another, in the chosen import style. Context keys and the initial context
// go through JSON.parse so hostile keys such as "__proto__" stay plain data.
import type { JsonValue } from 'cloacina-workflow';
import type { ImportStyle } from './arbitraries.js';
import type { GenCondition, GenTask, GenTrigger, GenWorkflow, Op } from './program.js';

export interface RenderOptions {
  style: ImportStyle;
  /** Split tasks and the workflow into two files. */
  split: boolean;
  /** The module the API is imported from (v1: `cloacina`). */
  from?: string;
  packageName?: string;
  version?: string;
}

export type SourceTree = Record<string, string>;

const lit = (value: JsonValue) => (value !== null && typeof value === 'object' ? `JSON.parse(${JSON.stringify(JSON.stringify(value))})` : JSON.stringify(value));
const str = (text: string) => JSON.stringify(text);

interface Names {
  task: string;
  packagedWorkflow: string;
  TaskError: string;
  when: string;
  header: string;
  taskType: string;
}

function names(style: ImportStyle, from: string, wanted: readonly ('task' | 'packagedWorkflow' | 'TaskError' | 'when')[]): Names {
  const q = str(from);
  switch (style) {
    case 'named':
      return { task: 'task', packagedWorkflow: 'packagedWorkflow', TaskError: 'TaskError', when: 'when', taskType: 'Task', header: `import { ${wanted.join(', ')} } from ${q};\nimport type { Task } from ${q};` };
    case 'aliased':
      return {
        task: 'defineTask', packagedWorkflow: 'defineWorkflow', TaskError: 'Failure', when: 'rule', taskType: 'TaskDefinition',
        header: `import { ${wanted.map((n) => `${n} as ${({ task: 'defineTask', packagedWorkflow: 'defineWorkflow', TaskError: 'Failure', when: 'rule' } as const)[n]}`).join(', ')}, type Task as TaskDefinition } from ${q};`,
      };
    case 'namespace':
      return { task: 'cl.task', packagedWorkflow: 'cl.packagedWorkflow', TaskError: 'cl.TaskError', when: 'cl.when', taskType: 'cl.Task', header: `import * as cl from ${q};` };
    case 'typeOnly':
      return { task: 'task', packagedWorkflow: 'packagedWorkflow', TaskError: 'TaskError', when: 'when', taskType: 'T', header: `import type { Task as T } from ${q};\nimport { ${wanted.join(', ')} } from ${q};` };
  }
}

function renderOps(ops: Op[], n: Names, indent: string): string[] {
  const lines: string[] = [];
  for (const op of ops) {
    switch (op.op) {
      case 'insert':
      case 'update':
      case 'set':
        lines.push(`${indent}ctx.${op.op}(${str(op.key)}, ${lit(op.value)});`);
        break;
      case 'remove':
        lines.push(`${indent}ctx.remove(${str(op.key)});`);
        break;
      case 'copy':
        lines.push(`${indent}ctx.set(${str(op.into)}, ctx.get(${str(op.key)}) ?? null);`);
        break;
      case 'loadFromDependenciesAndCache':
      case 'getWithDependencies':
        lines.push(`${indent}ctx.set(${str(op.into)}, ctx.${op.op}(${str(op.key)}) ?? null);`);
        break;
      case 'executionScope':
        lines.push(`${indent}ctx.set(${str(op.into)}, ctx.executionScope() !== undefined);`);
        break;
      case 'ifHas':
        lines.push(`${indent}if (ctx.has(${str(op.key)})) {`, ...renderOps(op.then, n, `${indent}  `), `${indent}} else {`, ...renderOps(op.else, n, `${indent}  `), `${indent}}`);
        break;
      case 'ifEquals':
        lines.push(`${indent}if (ctx.get(${str(op.key)}) === ${lit(op.value)}) {`, ...renderOps(op.then, n, `${indent}  `), `${indent}} else {`, ...renderOps(op.else, n, `${indent}  `), `${indent}}`);
        break;
      case 'fail': {
        const error =
          op.kind === 'retryable'
            ? `new ${n.TaskError}('ExecutionFailed', 'transient failure', { retryable: true })`
            : op.kind === 'fatal'
              ? `${n.TaskError}.validationFailed('bad input')`
              : `new Error('plain failure')`;
        lines.push(`${indent}if (${JSON.stringify(op.onAttempts)}.includes(attempt)) throw ${error};`);
        break;
      }
    }
  }
  return lines;
}

function renderCondition(c: GenCondition, n: Names): string {
  if (c.type === 'contextValue') {
    return c.value === undefined ? `${n.when}.context(${str(c.key)}, ${str(c.operator)})` : `${n.when}.context(${str(c.key)}, ${str(c.operator)}, ${lit(c.value)})`;
  }
  return `${n.when}.${c.type}(${str(c.task)})`;
}

function renderTrigger(t: GenTrigger, n: Names): string {
  return t.type === 'always' ? `${n.when}.always()` : `${n.when}.${t.type}(${t.conditions.map((c) => renderCondition(c, n)).join(', ')})`;
}

function usesAttempt(ops: Op[]): boolean {
  return ops.some((o) => o.op === 'fail' || ((o.op === 'ifHas' || o.op === 'ifEquals') && (usesAttempt(o.then) || usesAttempt(o.else))));
}

function renderTask(task: GenTask, index: number, n: Names): string {
  const options = [
    `id: ${str(task.id)}`,
    `dependencies: ${JSON.stringify(task.deps)}`,
    `retry: { maxAttempts: ${task.retry.maxAttempts}, initialDelayMs: 0, jitter: false, conditions: [{ type: ${str(task.retry.condition)} }] }`,
    ...(task.trigger ? [`triggerRules: ${renderTrigger(task.trigger, n)}`] : []),
  ];
  const params = usesAttempt(task.program) ? '(ctx, { attempt })' : '(ctx)';
  return [
    `export const task${index}: ${n.taskType} = ${n.task}({ ${options.join(', ')} }, ${params} => {`,
    ...renderOps(task.program, n, '  '),
    '});',
  ].join('\n');
}

function usesWhen(workflow: GenWorkflow): boolean {
  return workflow.tasks.some((t) => t.trigger !== undefined);
}

function usesTaskError(ops: Op[]): boolean {
  return ops.some((o) => (o.op === 'fail' && o.kind !== 'plain') || ((o.op === 'ifHas' || o.op === 'ifEquals') && (usesTaskError(o.then) || usesTaskError(o.else))));
}

/** The v1 source tree of a generated workflow; the entry is `workflow.ts`. */
export function renderWorkflow(workflow: GenWorkflow, options: RenderOptions): SourceTree {
  const from = options.from ?? 'cloacina';
  const taskNames: Array<'task' | 'TaskError' | 'when'> = ['task'];
  if (workflow.tasks.some((t) => usesTaskError(t.program))) taskNames.push('TaskError');
  if (usesWhen(workflow)) taskNames.push('when');
  const taskBlock = workflow.tasks.map((t, i) => renderTask(t, i, names(options.style, from, taskNames))).join('\n\n');
  const list = workflow.tasks.map((_, i) => `task${i}`).join(', ');
  const meta = `name: ${str(workflow.name)}, package: ${str(options.packageName ?? workflow.name)}, version: ${str(options.version ?? '1.0.0')}`;
  const initial = `export const initialContext = JSON.parse(${str(JSON.stringify(workflow.initial))});`;
  if (!options.split) {
    const n = names(options.style, from, [...taskNames, 'packagedWorkflow']);
    return {
      'workflow.ts': `${n.header}\n\n${taskBlock}\n\n${initial}\n\nexport default ${n.packagedWorkflow}({ ${meta}, tasks: [${list}] });\n`,
    };
  }
  const nt = names(options.style, from, taskNames);
  const nw = names(options.style === 'typeOnly' ? 'named' : options.style, from, ['packagedWorkflow']);
  return {
    'tasks.ts': `${nt.header}\n\n${taskBlock}\n`,
    'workflow.ts': `${nw.header.replace(/\nimport type \{ Task \} from .*;/, '')}\nimport { ${list} } from './tasks.js';\n\n${initial}\n\nexport default ${nw.packagedWorkflow}({ ${meta}, tasks: [${list}] });\n`,
  };
}
