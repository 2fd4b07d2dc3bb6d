// Which exported names belong to the authoring package. A test keeps these lists equal
// to what cloacina-workflow really exports, so they cannot drift.

/** Value exports of cloacina-workflow. */
export const AUTHORING_VALUES: ReadonlySet<string> = new Set([
  'API_NAME', 'API_VERSION', 'AUTHORING_PROVENANCE', 'Context', 'ContextError', 'RetryPolicy', 'TaskError',
  'TaskNamespace', 'TaskState', 'WorkflowGraphError', 'assertJsonValue', 'buildTaskInput', 'copyJson', 'decodeJson',
  'encodeJson', 'evaluateTriggerRule', 'findJsonFault', 'isCompatibleApiVersion', 'isContext', 'isPackagedWorkflow',
  'isTask', 'jsonEqual', 'loadedApiVersions', 'mergeContexts', 'mergeJson', 'packagedWorkflow', 'task', 'taskNamespace',
  'validateGraph', 'when',
]);

/** Type-only exports of cloacina-workflow. */
export const AUTHORING_TYPES: ReadonlySet<string> = new Set([
  'ApiProvenance', 'BackoffStrategy', 'ConditionOperator', 'ContextErrorKind', 'GraphNode', 'JsonArray', 'JsonFault',
  'JsonObject', 'JsonPrimitive', 'JsonValue', 'PackagedWorkflow', 'RetryCondition', 'RetryPolicyOptions', 'Task',
  'TaskErrorKind', 'TaskErrorOptions', 'TaskFn', 'TaskOptions', 'TaskRunInfo', 'TaskStateKind', 'TriggerCondition',
  'TriggerFacts', 'TriggerRule', 'WorkflowOptions',
]);

/** cloacina/legacy names whose v2 authoring counterpart has another name. */
export const LEGACY_RENAMES: ReadonlyMap<string, string> = new Map([['LegacyTaskFn', 'TaskFn']]);

/** cloacina/legacy names with no v2 home at all. */
export const LEGACY_ONLY: ReadonlySet<string> = new Set(['LEGACY_PROVENANCE', 'LegacyContext']);

export const RUNTIME_PACKAGE = 'cloacina';
export const LEGACY_PACKAGE = 'cloacina/legacy';
export const AUTHORING_PACKAGE = 'cloacina-workflow';

/** The v2 authoring name for `name` imported from `source`, or undefined when it stays in the runtime. */
export function authoringName(name: string, source: string): string | undefined {
  if (source === LEGACY_PACKAGE && LEGACY_RENAMES.has(name)) return LEGACY_RENAMES.get(name);
  return AUTHORING_VALUES.has(name) || AUTHORING_TYPES.has(name) ? name : undefined;
}

/** Module specifiers the import transform rewrites. */
export function isCloacinaSource(source: unknown): source is string {
  return source === RUNTIME_PACKAGE || source === LEGACY_PACKAGE;
}
