import { describe, expect, it } from 'vitest';
import { Context, evaluateTriggerRule, when, type TaskStateKind, type TriggerRule } from 'cloacina-workflow';

const facts = (states: Record<string, TaskStateKind>, data: Record<string, never> | object = {}) => ({
  stateOf: (id: string) => states[id],
  context: new Context(data as never),
});

describe('trigger rules', () => {
  const states = { load: 'Completed', check: 'Failed', notify: 'Skipped' } as const;

  it.each<[string, TriggerRule, boolean]>([
    ['always', when.always(), true],
    ['all success', when.all(when.taskSuccess('load')), true],
    ['all with one false', when.all(when.taskSuccess('load'), when.taskSuccess('check')), false],
    ['any failed', when.any(when.taskSuccess('check'), when.taskFailed('check')), true],
    ['none skipped', when.none(when.taskSkipped('notify')), false],
    ['none of nothing', when.none(), true],
    ['all of nothing', when.all(), true],
    ['any of nothing', when.any(), false],
  ])('%s', (_name, rule, expected) => {
    expect(evaluateTriggerRule(rule, facts(states))).toBe(expected);
  });

  const data = { n: 5, s: 'hello world', list: [1, { a: 2 }], obj: { k: null }, nil: null };
  it.each<[string, TriggerRule, boolean]>([
    ['equals number', when.all(when.context('n', 'equals', 5)), true],
    ['equals deep object regardless of key order', when.all(when.context('list', 'equals', [1, { a: 2 }])), true],
    ['equals on a missing key', when.all(when.context('missing', 'equals', null)), false],
    ['equals null', when.all(when.context('nil', 'equals', null)), true],
    ['notEquals', when.all(when.context('n', 'notEquals', 6)), true],
    ['notEquals on a missing key', when.all(when.context('missing', 'notEquals', 1)), true],
    ['greaterThan', when.all(when.context('n', 'greaterThan', 4)), true],
    ['greaterThan equal', when.all(when.context('n', 'greaterThan', 5)), false],
    ['greaterThan on a string', when.all(when.context('s', 'greaterThan', 1)), false],
    ['lessThan', when.all(when.context('n', 'lessThan', 6)), true],
    ['contains substring', when.all(when.context('s', 'contains', 'lo wo')), true],
    ['contains array element (deep)', when.all(when.context('list', 'contains', { a: 2 })), true],
    ['contains object key', when.all(when.context('obj', 'contains', 'k')), true],
    ['contains on a number', when.all(when.context('n', 'contains', 5)), false],
    ['notContains', when.all(when.context('list', 'notContains', 3)), true],
    ['notContains on a missing key', when.all(when.context('missing', 'notContains', 3)), false],
    ['exists', when.all(when.context('nil', 'exists')), true],
    ['notExists', when.all(when.context('nil', 'notExists')), false],
    ['notExists missing', when.all(when.context('missing', 'notExists')), true],
  ])('context %s', (_name, rule, expected) => {
    expect(evaluateTriggerRule(rule, facts({}, data))).toBe(expected);
  });
});
