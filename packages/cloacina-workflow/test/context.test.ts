import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { Context, ContextError, decodeJson, jsonEqual, type JsonValue } from 'cloacina-workflow';
import { contextKey, storableJson } from './arbitraries.js';
import { refusal } from './refusal.js';

describe('Context errors', () => {
  it('insert refuses an existing key with KeyExists naming it', () => {
    const ctx = new Context({ a: 1 });
    const error = refusal(() => ctx.insert('a', 2));
    expect(error.kind).toBe('KeyExists');
    expect(error.key).toBe('a');
    expect(ctx.get('a')).toBe(1);
  });

  it('update refuses a missing key with KeyNotFound', () => {
    const error = refusal(() => new Context().update('missing', 1));
    expect(error.kind).toBe('KeyNotFound');
    expect(error.message).toContain('"missing"');
  });

  it('getRequired refuses a missing key', () => {
    expect(refusal(() => new Context().getRequired('x')).kind).toBe('KeyNotFound');
  });

  it.each([
    ['empty', ''],
    ['NUL', 'a\u0000b'],
    ['lone high surrogate', 'a\ud800'],
    ['lone low surrogate', '\udc00z'],
  ])('refuses a %s key', (_name, key) => {
    expect(refusal(() => new Context().set(key, 1)).kind).toBe('InvalidKey');
  });

  const cycle: Record<string, unknown> = { a: 1 };
  cycle.self = cycle;
  class Point {
    x = 1;
  }
  it.each<[string, unknown, string]>([
    ['undefined', undefined, '$'],
    ['NaN', NaN, '$'],
    ['Infinity', { n: [Infinity] }, '$.n[0]'],
    ['-0', { deep: { z: -0 } }, '$.deep.z'],
    ['BigInt', [1n], '$[0]'],
    ['Date', { when: new Date(0) }, '$.when'],
    ['Map', new Map(), '$'],
    ['Set', { s: new Set([1]) }, '$.s'],
    ['function', { f: () => 1 }, '$.f'],
    ['symbol', Symbol('s'), '$'],
    ['cycle', cycle, '$.self'],
    ['class instance', { p: new Point() }, '$.p'],
    ['sparse array', [1, , 3], '$[1]'],
    ['NUL in string', { s: 'a\u0000' }, '$.s'],
    ['lone surrogate in string', ['\ud83d'], '$[0]'],
    ['lone surrogate in property name', { ['k\udfff']: 1 }, '$["k\\udfff"]'],
    ['undefined property', { a: { b: undefined } }, '$.a.b'],
  ])('refuses %s, naming the key and the path', (_name, value, path) => {
    const ctx = new Context();
    const error = refusal(() => ctx.insert('payload', value as JsonValue));
    expect(error.kind).toBe('InvalidValue');
    expect(error.key).toBe('payload');
    expect(error.path).toBe(path);
    expect(error.message).toContain('"payload"');
    expect(error.message).toContain(path);
    expect(ctx.has('payload')).toBe(false);
  });

  it('refuses accessor properties and symbol keys', () => {
    const getter = Object.defineProperty({}, 'x', { get: () => 1, enumerable: true });
    expect(refusal(() => new Context().set('g', getter as JsonValue)).path).toBe('$.x');
    expect(refusal(() => new Context().set('s', { [Symbol('k')]: 1 } as unknown as JsonValue)).path).toBe('$');
  });

  it('refuses encoded text that is not a context', () => {
    expect(refusal(() => Context.fromJSON('{"a":')).kind).toBe('Decode');
    expect(refusal(() => Context.fromJSON('[1]')).kind).toBe('Decode');
    expect(refusal(() => Context.fromJSON('{"a":"\\u0000"}')).kind).toBe('Decode');
    expect(refusal(() => decodeJson('-0')).kind).toBe('Decode');
  });
});

describe('Context isolation', () => {
  it('copies values in and out, so callers cannot change stored data', () => {
    const value = { list: [1, 2] };
    const ctx = new Context();
    ctx.set('v', value);
    value.list.push(3);
    const read = ctx.get('v') as { list: number[] };
    read.list.push(4);
    expect(ctx.get('v')).toEqual({ list: [1, 2] });
  });

  it('data() is a frozen snapshot', () => {
    const ctx = new Context({ a: { b: 1 } });
    const data = ctx.data();
    expect(Object.isFrozen(data.a)).toBe(true);
    ctx.set('c', 2);
    expect(Object.keys(data)).toEqual(['a']);
  });

  it('keeps a key named __proto__ as data', () => {
    const ctx = new Context();
    ctx.set('__proto__', { polluted: true });
    expect(ctx.keys()).toEqual(['__proto__']);
    const json = ctx.toJSON();
    expect(Object.getPrototypeOf(json)).toBe(Object.prototype);
    expect(Object.hasOwn(json, '__proto__')).toBe(true);
    expect(Context.fromJSON(ctx.encode()).get('__proto__')).toEqual({ polluted: true });
  });
});

type Op =
  | { op: 'insert' | 'update' | 'set'; key: string; value: JsonValue }
  | { op: 'remove'; key: string };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constantFrom('insert' as const, 'update' as const, 'set' as const), key: contextKey, value: storableJson }),
  fc.record({ op: fc.constant('remove' as const), key: contextKey }),
);

describe('Context properties', () => {
  test.prop([fc.array(opArb, { maxLength: 40 })])('behaves like a Map model', (ops) => {
    const ctx = new Context();
    const model = new Map<string, JsonValue>();
    for (const step of ops) {
      const existed = model.has(step.key);
      if (step.op === 'remove') {
        expect(ctx.remove(step.key)).toEqual(model.get(step.key));
        model.delete(step.key);
      } else if (step.op === 'insert' && existed) {
        expect(() => ctx.insert(step.key, step.value)).toThrow(ContextError);
      } else if (step.op === 'update' && !existed) {
        expect(() => ctx.update(step.key, step.value)).toThrow(ContextError);
      } else {
        ctx[step.op](step.key, step.value);
        model.set(step.key, step.value);
      }
      expect(ctx.keys()).toEqual([...model.keys()]);
      expect(ctx.has(step.key)).toBe(model.has(step.key));
      expect(ctx.get(step.key)).toEqual(model.get(step.key));
    }
  });

  test.prop([fc.dictionary(contextKey, storableJson, { maxKeys: 8 })])('survives the JSON round trip', (data) => {
    const ctx = new Context();
    for (const [key, value] of Object.entries(data)) ctx.set(key, value);
    const back = Context.fromJSON(ctx.encode());
    expect(back.keys()).toEqual(ctx.keys());
    for (const key of ctx.keys()) expect(jsonEqual(back.get(key)!, ctx.get(key)!)).toBe(true);
    expect(JSON.parse(JSON.stringify(ctx))).toEqual(JSON.parse(back.encode()));
  });

  const nonJson = fc
    .anything({
      withBigInt: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withTypedArray: true,
      withSparseArray: true,
      withBoxedValues: true,
      withNullPrototype: true,
      withUnicodeString: true,
    })
    .filter((v) => {
      // Keep only values that a JSON round trip would change: those must be refused.
      try {
        const text = JSON.stringify(v);
        return text === undefined || !deepSame(JSON.parse(text), v);
      } catch {
        return true;
      }
    });

  test.prop([nonJson])('refuses every value a JSON round trip would change', (value) => {
    expect(() => new Context().set('k', value as JsonValue)).toThrow(ContextError);
  });

  test.prop([fc.anything({ withNullPrototype: true, withUnicodeString: true })])(
    'accepts a value exactly when it survives a JSON round trip unchanged',
    (value) => {
      let accepted = true;
      try {
        new Context().set('k', value as JsonValue);
      } catch {
        accepted = false;
      }
      const text = JSON.stringify(value);
      const survives = text !== undefined && deepSame(JSON.parse(text), value) && !/\\u0000|\\ud[89ab]|\\ud[cdef]/i.test(text);
      expect(accepted).toBe(survives);
    },
  );
});

/** Structural equality that sees -0, prototypes, holes and property kinds. */
function deepSame(a: unknown, b: unknown): boolean {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return Object.is(a, b);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const protoB = Object.getPrototypeOf(b);
  if (protoB !== Object.prototype && protoB !== Array.prototype && protoB !== null) return false;
  if (Object.getOwnPropertySymbols(b).length > 0) return false;
  const keysA = Reflect.ownKeys(a);
  const keysB = Reflect.ownKeys(b).filter((k) => !(Array.isArray(b) && k === 'length'));
  const keysA2 = keysA.filter((k) => !(Array.isArray(a) && k === 'length'));
  if (keysA2.length !== keysB.length) return false;
  return keysB.every((k) => {
    const d = Object.getOwnPropertyDescriptor(b, k)!;
    return 'value' in d && deepSame((a as Record<PropertyKey, unknown>)[k], d.value);
  });
}
