import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { buildTaskInput, Context, jsonEqual, mergeContexts, mergeJson, type JsonValue } from 'cloacina-workflow';

/** Values built to collide: few keys, arrays with shared items, type clashes. */
const clashing: fc.Arbitrary<JsonValue> = fc.letrec<{ value: JsonValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom<JsonValue>(0, 1, 'x', true, null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom('a', 'b', 'c'), tie('value'), { maxKeys: 3 }),
  ),
})).value;

/** Values where every key always holds the same kind, so no merge meets a type clash. */
const clashFree: fc.Arbitrary<JsonValue> = fc.letrec<{ object: Record<string, JsonValue> }>((tie) => ({
  object: fc.record(
    {
      list: fc.array(fc.constantFrom<JsonValue>(0, 1, 'x', true, null, [1], { k: 1 }), { maxLength: 4 }),
      nested: tie('object'),
      scalar: fc.constantFrom<JsonValue>(0, 1, 'x', null),
    },
    { requiredKeys: [] },
  ),
})).object;

/** The rule of DESIGN section 4, written independently and plainly as the model. */
function modelMerge(existing: JsonValue, incoming: JsonValue): JsonValue {
  if (Array.isArray(existing) && Array.isArray(incoming)) {
    const out = [...existing];
    for (const item of incoming) if (!out.some((o) => JSON.stringify(canon(o)) === JSON.stringify(canon(item)))) out.push(item);
    return out;
  }
  const isObj = (v: JsonValue) => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (isObj(existing) && isObj(incoming)) {
    const out: Record<string, JsonValue> = { ...(existing as Record<string, JsonValue>) };
    for (const [k, v] of Object.entries(incoming as Record<string, JsonValue>)) out[k] = k in out ? modelMerge(out[k]!, v) : v;
    return out;
  }
  return incoming;
}

function canon(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(canon);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canon(value[k]!)]));
  }
  return value;
}

describe('mergeJson', () => {
  it('concatenates arrays keeping the first occurrence of equal items', () => {
    expect(mergeJson([1, 2, { a: 1 }], [2, 3, { a: 1 }, 3])).toEqual([1, 2, { a: 1 }, 3]);
  });

  it('merges objects recursively and lets the later scalar win', () => {
    expect(mergeJson({ a: { x: 1, y: [1] }, b: 1 }, { a: { y: [2], z: 3 }, b: 2 })).toEqual({
      a: { x: 1, y: [1, 2], z: 3 },
      b: 2,
    });
  });

  it('lets the later value win on a type clash', () => {
    expect(mergeJson([1], { a: 1 })).toEqual({ a: 1 });
    expect(mergeJson({ a: 1 }, 'text')).toBe('text');
    expect(mergeJson(null, [1])).toEqual([1]);
  });

  test.prop([clashing, clashing])('agrees with the model', (a, b) => {
    expect(jsonEqual(mergeJson(a, b), modelMerge(a, b))).toBe(true);
  });

  test.prop([clashing, clashing])('does not alias its inputs', (a, b) => {
    const before = JSON.stringify([a, b]);
    const merged = mergeJson(a, b);
    if (merged !== null && typeof merged === 'object') JSON.stringify(merged);
    expect(JSON.stringify([a, b])).toBe(before);
  });

  test.prop([clashFree, clashFree, clashFree])('is associative when no key changes kind (duplicates included)', (a, b, c) => {
    expect(jsonEqual(mergeJson(mergeJson(a, b), c), mergeJson(a, mergeJson(b, c)))).toBe(true);
  });

  it('is not associative across a type clash (why dependency order is fixed)', () => {
    expect(mergeJson(mergeJson({ a: 0 }, 0), {})).toEqual({});
    expect(mergeJson({ a: 0 }, mergeJson(0, {}))).toEqual({ a: 0 });
  });

  test.prop([clashFree])('merging a value into itself keeps it', (a) => {
    expect(jsonEqual(mergeJson(a, a), a)).toBe(true);
  });
});

describe('task input', () => {
  const outputs = new Map([
    ['first', new Context({ shared: [1, 2], who: 'first', only1: true })],
    ['second', new Context({ shared: [2, 3], who: 'second' })],
  ]);

  it('starts from the initial context only without dependencies', () => {
    const initial = new Context({ seed: 1 });
    const input = buildTaskInput([], initial, (id) => outputs.get(id));
    expect(input.toJSON()).toEqual({ seed: 1 });
    input.set('seed', 2);
    expect(initial.get('seed')).toBe(1);
    expect(buildTaskInput(['first'], initial, (id) => outputs.get(id)).has('seed')).toBe(false);
  });

  it('merges outputs in declared dependency order', () => {
    expect(buildTaskInput(['first', 'second'], new Context(), (id) => outputs.get(id)).toJSON()).toEqual({
      shared: [1, 2, 3],
      who: 'second',
      only1: true,
    });
    expect(buildTaskInput(['second', 'first'], new Context(), (id) => outputs.get(id)).toJSON()).toEqual({
      shared: [2, 3, 1],
      who: 'first',
      only1: true,
    });
  });

  it('leaves out dependencies without an output (not completed)', () => {
    expect(buildTaskInput(['first', 'missing'], new Context(), (id) => outputs.get(id)).get('who')).toBe('first');
  });

  test.prop([fc.array(fc.dictionary(fc.constantFrom('a', 'b', 'c'), clashing, { maxKeys: 3 }), { maxLength: 5 })])(
    'mergeContexts folds mergeJson left to right per key',
    (datas) => {
      const merged = mergeContexts(datas.map((d) => new Context(d))).toJSON();
      const model: Record<string, JsonValue> = {};
      for (const d of datas) for (const [k, v] of Object.entries(d)) model[k] = k in model ? modelMerge(model[k]!, v) : v;
      expect(jsonEqual(merged, model)).toBe(true);
    },
  );
});
