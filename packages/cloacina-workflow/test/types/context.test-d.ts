// Type tests (vitest typecheck): what a strict TypeScript project sees of Context.
import { describe, expectTypeOf, it } from 'vitest';
import { Context, ContextError, type JsonValue } from 'cloacina-workflow';

describe('Context type parameter', () => {
  it('is not inferred as a literal from the initial values', () => {
    const ctx = new Context({ count: 0 });
    expectTypeOf(ctx).toEqualTypeOf<Context<JsonValue>>();
    ctx.set('count', 1);
    ctx.update('count', 2);
    ctx.insert('label', 'any JSON value fits');
  });

  it('does not infer a literal from nested values either', () => {
    const ctx = new Context({ a: { b: 1 }, list: [1, 2], flag: true });
    ctx.set('a', 2);
    ctx.set('list', 'no longer a list');
    expectTypeOf(ctx.get('a')).toEqualTypeOf<JsonValue | undefined>();
  });

  it('Context.fromJSON infers no literal', () => {
    const ctx = Context.fromJSON({ count: 0 });
    expectTypeOf(ctx).toEqualTypeOf<Context<JsonValue>>();
    ctx.set('count', 1);
    expectTypeOf(Context.fromJSON('{"a":1}')).toEqualTypeOf<Context<JsonValue>>();
  });

  it('narrows when the type argument is written', () => {
    const counts = new Context<number>({ a: 1 });
    counts.set('b', 2);
    // @ts-expect-error a Context<number> holds numbers only
    counts.set('c', 'three');
    expectTypeOf(counts.getRequired('a')).toEqualTypeOf<number>();
    expectTypeOf(counts.get('a')).toEqualTypeOf<number | undefined>();
    expectTypeOf(counts.remove('a')).toEqualTypeOf<number | undefined>();
    expectTypeOf(counts.data()).toEqualTypeOf<Readonly<Record<string, number>>>();
    expectTypeOf(Context.fromJSON<number>({ a: 1 })).toEqualTypeOf<Context<number>>();
  });

  it('a copy keeps the type of the context it copies', () => {
    const counts = new Context<number>({ a: 1 });
    expectTypeOf(new Context(counts)).toEqualTypeOf<Context<number>>();
    expectTypeOf(counts.clone()).toEqualTypeOf<Context<number>>();
  });

  it('refuses values that are not JSON at compile time where the type says so', () => {
    const ctx = new Context();
    // @ts-expect-error undefined is not a JSON value
    ctx.set('a', undefined);
    // @ts-expect-error a Date is not a JSON value
    ctx.set('a', new Date());
    // @ts-expect-error a function is not a JSON value
    ctx.set('a', () => 1);
    // @ts-expect-error initial values are JSON values too
    new Context({ a: new Map() });
  });

  it('keys, size, has, encode and toJSON have their documented types', () => {
    const ctx = new Context({ a: 1 });
    expectTypeOf(ctx.keys()).toEqualTypeOf<string[]>();
    expectTypeOf(ctx.size).toEqualTypeOf<number>();
    expectTypeOf(ctx.has('a')).toEqualTypeOf<boolean>();
    expectTypeOf(ctx.encode()).toEqualTypeOf<string>();
    expectTypeOf(ctx.toJSON()).toEqualTypeOf<Record<string, JsonValue>>();
  });

  it('ContextError carries its kind, key and path', () => {
    expectTypeOf<'KeyExists' | 'KeyNotFound' | 'InvalidValue'>().toExtend<ContextError['kind']>();
    expectTypeOf<ContextError['key']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<ContextError['path']>().toEqualTypeOf<string | undefined>();
  });
});

describe('methods removed from the v2 Context', () => {
  it('are not on cloacina-workflow Context', () => {
    const ctx = new Context({ a: 1 });
    // @ts-expect-error removed in v2: dependencies are pre-injected, use ctx.get
    ctx.loadFromDependenciesAndCache('a');
    // @ts-expect-error removed in v2: use ctx.get
    ctx.getWithDependencies('a');
    // @ts-expect-error removed in v2: a runtime internal
    ctx.setDependencyLoader({ find: () => undefined });
    // @ts-expect-error removed in v2: a runtime internal
    ctx.setExecutionScope({ executionId: 'e', taskId: 't' });
    // @ts-expect-error removed in v2: no counterpart for tasks
    ctx.executionScope();
  });
});
