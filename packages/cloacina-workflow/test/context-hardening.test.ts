// The context reads a user's value exactly once, in the same pass that validates and
// copies it; every refusal at any depth is a ContextError with the path; nothing stored
// is shared between contexts.
import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { Context, decodeJson, findJsonFault, jsonEqual, type JsonValue } from 'cloacina-workflow';
import { storableJson } from './arbitraries.js';
import { refusal } from './refusal.js';

interface Deceiver {
  value: unknown;
  /** Descriptor reads per property, over every proxy in the value. */
  reads: Map<string, number>;
  /** Reads that went through a get trap (a validated copy never needs one). */
  gets: number;
}

/**
 * Wraps every object and array of `value` in a Proxy whose descriptor trap answers
 * honestly the first time and with `later` after that, and whose get trap always lies.
 */
function deceive(value: JsonValue, later: unknown): Deceiver {
  const out: Deceiver = { value: undefined, reads: new Map(), gets: 0 };
  let proxies = 0;
  const wrap = (v: JsonValue): unknown => {
    if (v === null || typeof v !== 'object') return v;
    const id = proxies++;
    const target: Record<string, unknown> | unknown[] = Array.isArray(v) ? v.map(wrap) : {};
    if (!Array.isArray(v)) for (const key of Object.keys(v)) Object.defineProperty(target, key, { value: wrap(v[key]!), enumerable: true, writable: true, configurable: true });
    return new Proxy(target, {
      get: () => {
        out.gets++;
        return later;
      },
      getOwnPropertyDescriptor: (t, key) => {
        const descriptor = Reflect.getOwnPropertyDescriptor(t, key);
        const name = `${id}:${String(key)}`;
        const n = (out.reads.get(name) ?? 0) + 1;
        out.reads.set(name, n);
        if (n > 1 && descriptor !== undefined && key !== 'length') descriptor.value = later;
        return descriptor;
      },
    });
  };
  out.value = wrap(value);
  return out;
}

describe('one pass: a value is read once', () => {
  test.prop([storableJson, fc.constantFrom<unknown>(NaN, () => 1, 10n, undefined, Symbol('s'))])(
    'a Proxy that changes after the first read stores exactly what it first said',
    (value, later) => {
      const d = deceive(value, later);
      const ctx = new Context();
      ctx.set('k', d.value as JsonValue);
      expect(jsonEqual(ctx.get('k')!, value)).toBe(true);
      expect(JSON.parse(ctx.encode())).toEqual({ k: value });
      expect(d.gets).toBe(0);
      for (const [name, n] of d.reads) expect(n, name).toBe(1);
    },
  );

  it('builds a context from an initial object by reading each entry once', () => {
    let reads = 0;
    const initial = new Proxy({ a: 1 } as Record<string, JsonValue>, {
      get: () => NaN,
      getOwnPropertyDescriptor: (t, key) => {
        const descriptor = Reflect.getOwnPropertyDescriptor(t, key);
        if (descriptor !== undefined && reads++ > 0) descriptor.value = NaN;
        return descriptor;
      },
    });
    expect(new Context(initial).toJSON()).toEqual({ a: 1 });
  });
});

describe('copies out', () => {
  it('clone() shares no stored object with its source', () => {
    const ctx = new Context({ a: { list: [1] } });
    const copy = ctx.clone();
    (ctx.remove('a') as { list: number[] }).list.push(2);
    expect(copy.get('a')).toEqual({ list: [1] });
    (copy.remove('a') as { list: number[] }).list.push(3);
    expect(copy.has('a')).toBe(false);
  });

  it('remove() hands out a copy', () => {
    const ctx = new Context({ a: { n: 1 } });
    const removed = ctx.clone().remove('a') as { n: number };
    removed.n = 2;
    expect(ctx.get('a')).toEqual({ n: 1 });
  });
});

describe('every refusal is a ContextError with the path', () => {
  const nest = (depth: number): JsonValue => {
    let value: JsonValue = 0;
    for (let i = 0; i < depth; i++) value = [value];
    return value;
  };

  it('refuses nesting deeper than 1000 levels, at any depth, without a RangeError', () => {
    expect(new Context({ ok: nest(1000) }).has('ok')).toBe(true);
    const error = refusal(() => new Context().set('deep', nest(1001)));
    expect(error.path).toBe(`$${'[0]'.repeat(1000)}`);
    expect(error.message).toContain('deeper than 1000 levels');
    expect(refusal(() => new Context().set('deeper', nest(200_000))).kind).toBe('InvalidValue');
    expect(refusal(() => decodeJson(`${'['.repeat(200_000)}${']'.repeat(200_000)}`)).kind).toBe('Decode');
  });

  it('refuses array index getters', () => {
    const list = [1, 2];
    Object.defineProperty(list, 1, { get: () => 2, enumerable: true });
    const error = refusal(() => new Context().set('list', { inner: list } as unknown as JsonValue));
    expect([error.kind, error.key, error.path]).toEqual(['InvalidValue', 'list', '$.inner[1]']);
  });

  const thrower = () => {
    throw new Error('trap went off');
  };
  function revoked(): object {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    return proxy;
  }
  it.each<[string, () => unknown, string]>([
    ['an ownKeys trap that throws', () => ({ a: [new Proxy({}, { ownKeys: thrower })] }), '$.a[0]'],
    ['a descriptor trap that throws', () => ({ a: { b: new Proxy({ c: 1 }, { getOwnPropertyDescriptor: thrower }) } }), '$.a.b.c'],
    ['a prototype trap that throws', () => [[new Proxy({}, { getPrototypeOf: thrower })]], '$[0][0]'],
    ['a revoked Proxy', () => ({ x: [1, revoked()] }), '$.x[1]'],
    ['an array Proxy claiming a huge length', () => ({ big: new Proxy([], { getOwnPropertyDescriptor: (t, k) => (k === 'length' ? { value: 2 ** 40, writable: true, enumerable: false, configurable: false } : Reflect.getOwnPropertyDescriptor(t, k)) }) }), '$.big'],
  ])('refuses %s', (_name, make, path) => {
    const error = refusal(() => new Context().set('v', make() as JsonValue));
    expect([error.kind, error.key]).toEqual(['InvalidValue', 'v']);
    expect(error.path?.startsWith(path)).toBe(true);
  });

  it.each<[string, () => unknown]>([
    ['a revoked Proxy', revoked],
    ['a number', () => 5],
    ['an array', () => [1]],
    ['a Map', () => new Map()],
    ['an object with an accessor', () => Object.defineProperty({}, 'a', { get: () => 1, enumerable: true })],
    ['a Proxy whose ownKeys throws', () => new Proxy({}, { ownKeys: thrower })],
  ])('refuses %s as initial data', (_name, make) => {
    expect(refusal(() => new Context(make() as Record<string, JsonValue>)).kind).toBe('InvalidValue');
  });
});

describe('findJsonFault', () => {
  it('names the path from the given root and sees cycles back to the given ancestors', () => {
    expect(findJsonFault({ a: [1, NaN] }, '$.order')?.path).toBe('$.order.a[1]');
    const parent: Record<string, unknown> = {};
    const child = { back: parent };
    expect(findJsonFault(child, '$.child', [parent])).toEqual({ path: '$.child.back', reason: 'the value contains a cycle' });
    expect(findJsonFault(child)).toBeUndefined();
  });
});
