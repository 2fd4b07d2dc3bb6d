// cloacina/legacy: the v1 public surface, runnable on the v2 runtime while a project
// migrates. Deprecated: run `npx cloacina-migrate` and import from cloacina-workflow.
import {
  packagedWorkflow as packagedWorkflowV2,
  task as taskV2,
  type ApiProvenance,
  type PackagedWorkflow,
  type Task,
  type TaskFn,
  type TaskOptions,
  type TaskRunInfo,
  type WorkflowOptions,
} from 'cloacina-workflow';
import { LEGACY_API } from '../engine/driver.js';
import { LegacyContext } from './context.js';

export * from '../index.js';
export { LegacyContext as Context, DependencyLoader } from './context.js';
export type { ExecutionScope } from './context.js';

/** The provenance of every task defined through cloacina/legacy. */
export const LEGACY_PROVENANCE: ApiProvenance = Object.freeze({ api: LEGACY_API, version: '1.0.0' });

/** A v1 task body: receives the v1 Context with the lazy loader. */
export type LegacyTaskFn = (context: LegacyContext, info: TaskRunInfo) => void | Promise<void>;

/** @deprecated import `task` from cloacina-workflow. */
export function task(options: Omit<TaskOptions, 'provenance'>, fn: LegacyTaskFn): Task {
  return taskV2({ ...options, provenance: LEGACY_PROVENANCE }, fn as TaskFn);
}

const warned = new Set<string>();

/** @deprecated import `packagedWorkflow` from cloacina-workflow. Warns once per workflow. */
export function packagedWorkflow(options: WorkflowOptions): PackagedWorkflow {
  const workflow = packagedWorkflowV2(options);
  const key = `${workflow.tenant}::${workflow.package}::${workflow.name}`;
  if (!warned.has(key)) {
    warned.add(key);
    process.emitWarning(
      `workflow ${JSON.stringify(workflow.name)} uses cloacina/legacy (the v1 API); run \`npx cloacina-migrate\` to move it to cloacina-workflow`,
      { type: 'DeprecationWarning', code: 'CLOACINA_LEGACY' },
    );
  }
  return workflow;
}
