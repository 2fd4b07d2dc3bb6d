// The merge rule of the runtime (DESIGN section 4), shared by the executor, the legacy
// engine and the testing helper so that all three build a task's input identically.
import { Context } from './context.js';
import { copyJson, defineMember, jsonEqual, type JsonObject, type JsonValue } from './json.js';

function isObject(value: JsonValue): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Merges `incoming` into `existing` (a later dependency into an earlier one): arrays
 * append the incoming items not already present (deep equality), objects merge key by
 * key, anything else (including a type clash) takes the incoming value.
 */
export function mergeJson(existing: JsonValue, incoming: JsonValue): JsonValue {
  if (Array.isArray(existing) && Array.isArray(incoming)) {
    const merged = existing.map((item) => copyJson(item));
    for (const item of incoming) {
      if (!merged.some((kept) => jsonEqual(kept, item))) merged.push(copyJson(item));
    }
    return merged;
  }
  if (isObject(existing) && isObject(incoming)) {
    const merged = copyJson(existing);
    for (const key of Object.keys(incoming)) {
      const value = incoming[key]!;
      defineMember(merged, key, Object.hasOwn(merged, key) ? mergeJson(merged[key]!, value) : copyJson(value));
    }
    return merged;
  }
  return copyJson(incoming);
}

/** Merges dependency outputs in the order given (the task's declared dependency order). */
export function mergeContexts(outputs: readonly Context[]): Context {
  const merged = new Context();
  for (const output of outputs) {
    for (const key of output.keys()) {
      const value = output.get(key)!;
      merged.set(key, merged.has(key) ? mergeJson(merged.get(key)!, value) : value);
    }
  }
  return merged;
}

/**
 * A task's input context: the initial context when it has no dependencies, otherwise
 * the merge of its completed dependencies' outputs in declared order. A fresh context
 * every call, so a retry never sees a failed attempt's writes.
 */
export function buildTaskInput(
  dependencies: readonly string[],
  initialContext: Context,
  completedOutputs: (taskId: string) => Context | undefined,
): Context {
  if (dependencies.length === 0) return new Context(initialContext);
  const outputs: Context[] = [];
  for (const id of dependencies) {
    const output = completedOutputs(id);
    if (output !== undefined) outputs.push(output);
  }
  return mergeContexts(outputs);
}
