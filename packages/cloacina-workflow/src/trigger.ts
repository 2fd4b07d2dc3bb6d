import { jsonEqual, type JsonValue } from './json.js';
import type { Context } from './context.js';
import type { TaskStateKind } from './state.js';

export type ConditionOperator =
  | 'equals'
  | 'notEquals'
  | 'greaterThan'
  | 'lessThan'
  | 'contains'
  | 'notContains'
  | 'exists'
  | 'notExists';

export type TriggerCondition =
  | { readonly type: 'taskSuccess'; readonly task: string }
  | { readonly type: 'taskFailed'; readonly task: string }
  | { readonly type: 'taskSkipped'; readonly task: string }
  | {
      readonly type: 'contextValue';
      readonly key: string;
      readonly operator: ConditionOperator;
      /** Not used by exists / notExists. */
      readonly value?: JsonValue;
    };

/** Whether a task runs once its dependencies are done; false means Skipped. */
export type TriggerRule =
  | { readonly type: 'always' }
  | { readonly type: 'all'; readonly conditions: readonly TriggerCondition[] }
  | { readonly type: 'any'; readonly conditions: readonly TriggerCondition[] }
  | { readonly type: 'none'; readonly conditions: readonly TriggerCondition[] };

/** Builders, so rules read as sentences: `when.all(when.taskFailed('load'))`. */
export const when = {
  always: (): TriggerRule => ({ type: 'always' }),
  all: (...conditions: TriggerCondition[]): TriggerRule => ({ type: 'all', conditions }),
  any: (...conditions: TriggerCondition[]): TriggerRule => ({ type: 'any', conditions }),
  none: (...conditions: TriggerCondition[]): TriggerRule => ({ type: 'none', conditions }),
  taskSuccess: (task: string): TriggerCondition => ({ type: 'taskSuccess', task }),
  taskFailed: (task: string): TriggerCondition => ({ type: 'taskFailed', task }),
  taskSkipped: (task: string): TriggerCondition => ({ type: 'taskSkipped', task }),
  context: (key: string, operator: ConditionOperator, value?: JsonValue): TriggerCondition =>
    value === undefined ? { type: 'contextValue', key, operator } : { type: 'contextValue', key, operator, value },
} as const;

const OPERATORS: ReadonlySet<string> = new Set([
  'equals', 'notEquals', 'greaterThan', 'lessThan', 'contains', 'notContains', 'exists', 'notExists',
]);

/** The task ids a rule looks at, so a workflow can check they are dependencies. */
export function referencedTasks(rule: TriggerRule): string[] {
  if (rule.type === 'always') return [];
  return rule.conditions.flatMap((c) => (c.type === 'contextValue' ? [] : [c.task]));
}

/** Throws a TypeError naming the field at fault when `rule` is malformed. */
export function validateTriggerRule(rule: TriggerRule, where: string): void {
  const type = (rule as { type?: unknown })?.type;
  if (type === 'always') return;
  if (type !== 'all' && type !== 'any' && type !== 'none') {
    throw new TypeError(`${where}.type must be always, all, any or none, got ${JSON.stringify(type)}`);
  }
  const conditions = (rule as { conditions?: unknown }).conditions;
  if (!Array.isArray(conditions)) throw new TypeError(`${where}.conditions must be an array`);
  (conditions as TriggerCondition[]).forEach((condition, i) => {
    const at = `${where}.conditions[${i}]`;
    switch (condition?.type) {
      case 'taskSuccess':
      case 'taskFailed':
      case 'taskSkipped':
        if (typeof condition.task !== 'string' || condition.task === '') throw new TypeError(`${at}.task must be a task id`);
        return;
      case 'contextValue':
        if (typeof condition.key !== 'string' || condition.key === '') throw new TypeError(`${at}.key must be a context key`);
        if (!OPERATORS.has(condition.operator)) {
          throw new TypeError(`${at}.operator ${JSON.stringify(condition.operator)} is not one of ${[...OPERATORS].join(', ')}`);
        }
        return;
      default:
        throw new TypeError(`${at}.type must be taskSuccess, taskFailed, taskSkipped or contextValue`);
    }
  });
}

/** What a rule is evaluated against: the dependencies' final states and the merged input. */
export interface TriggerFacts {
  stateOf(taskId: string): TaskStateKind | undefined;
  context: Context;
}

export function evaluateTriggerRule(rule: TriggerRule, facts: TriggerFacts): boolean {
  switch (rule.type) {
    case 'always':
      return true;
    case 'all':
      return rule.conditions.every((c) => evaluateCondition(c, facts));
    case 'any':
      return rule.conditions.some((c) => evaluateCondition(c, facts));
    case 'none':
      return !rule.conditions.some((c) => evaluateCondition(c, facts));
  }
}

export function evaluateCondition(condition: TriggerCondition, facts: TriggerFacts): boolean {
  switch (condition.type) {
    case 'taskSuccess':
      return facts.stateOf(condition.task) === 'Completed';
    case 'taskFailed':
      return facts.stateOf(condition.task) === 'Failed';
    case 'taskSkipped':
      return facts.stateOf(condition.task) === 'Skipped';
    case 'contextValue':
      return compare(condition, facts.context);
  }
}

function compare(condition: Extract<TriggerCondition, { type: 'contextValue' }>, context: Context): boolean {
  const present = context.has(condition.key);
  const actual = context.get(condition.key);
  const expected = condition.value ?? null;
  switch (condition.operator) {
    case 'exists':
      return present;
    case 'notExists':
      return !present;
    case 'equals':
      return present && jsonEqual(actual!, expected);
    case 'notEquals':
      return !present || !jsonEqual(actual!, expected);
    case 'greaterThan':
      return typeof actual === 'number' && typeof expected === 'number' && actual > expected;
    case 'lessThan':
      return typeof actual === 'number' && typeof expected === 'number' && actual < expected;
    case 'contains':
      return contains(actual, expected);
    case 'notContains':
      return present && !contains(actual, expected);
  }
}

/** Substring for strings, element (deep equality) for arrays, key for objects. */
function contains(actual: JsonValue | undefined, expected: JsonValue): boolean {
  if (typeof actual === 'string') return typeof expected === 'string' && actual.includes(expected);
  if (Array.isArray(actual)) return actual.some((item) => jsonEqual(item, expected));
  if (actual !== null && typeof actual === 'object') {
    return typeof expected === 'string' && Object.hasOwn(actual, expected);
  }
  return false;
}
