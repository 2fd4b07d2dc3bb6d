// cloacina-workflow: everything a workflow author needs, and nothing that runs workflows.
import { registerLoadedCopy } from './provenance.js';

export { API_NAME, API_VERSION } from './version.js';
export { Context, isContext } from './context.js';
export { ContextError, TaskError } from './errors.js';
export type { ContextErrorKind, TaskErrorKind, TaskErrorOptions } from './errors.js';
export {
  assertJsonValue,
  copyJson,
  decodeJson,
  encodeJson,
  findJsonFault,
  jsonEqual,
} from './json.js';
export type { JsonArray, JsonFault, JsonObject, JsonPrimitive, JsonValue } from './json.js';
export { TaskState } from './state.js';
export type { TaskStateKind } from './state.js';
export { TaskNamespace } from './namespace.js';
export { RetryPolicy } from './retry.js';
export type { BackoffStrategy, RetryCondition, RetryPolicyOptions } from './retry.js';
export { evaluateTriggerRule, when } from './trigger.js';
export type { ConditionOperator, TriggerCondition, TriggerFacts, TriggerRule } from './trigger.js';
export { buildTaskInput, mergeContexts, mergeJson } from './merge.js';
export { isTask, task } from './task.js';
export type { ApiProvenance, Task, TaskFn, TaskOptions, TaskRunInfo } from './task.js';
export { validateGraph, WorkflowGraphError } from './graph.js';
export type { GraphNode } from './graph.js';
export { AUTHORING_PROVENANCE, isPackagedWorkflow, packagedWorkflow, taskNamespace } from './workflow.js';
export type { PackagedWorkflow, WorkflowOptions } from './workflow.js';
export { isCompatibleApiVersion, loadedApiVersions } from './provenance.js';

registerLoadedCopy();
