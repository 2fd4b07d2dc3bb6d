import { describe, expect, it, vi } from 'vitest';
import * as legacy from 'cloacina/legacy';
import { Context as V2Context, executeInMemory, isContext } from 'cloacina';

const { Context, DependencyLoader, packagedWorkflow, task } = legacy;

describe('cloacina/legacy Context', () => {
  const loader = new DependencyLoader([
    ['first', { k: 'from first', only: 1 }],
    ['second', new V2Context({ k: 'from second' })],
  ]);

  it('loads from dependencies in reverse declared order and caches', () => {
    const ctx = new Context();
    ctx.setDependencyLoader(loader);
    expect(ctx.getWithDependencies('k')).toBe('from second');
    expect(ctx.has('k')).toBe(false);
    expect(ctx.loadFromDependenciesAndCache('only')).toBe(1);
    expect(ctx.get('only')).toBe(1);
    expect(ctx.loadFromDependenciesAndCache('missing')).toBeUndefined();
    expect(ctx.has('missing')).toBe(false);
  });

  it('prefers the local value', () => {
    const ctx = new Context({ k: 'local' });
    ctx.setDependencyLoader(loader);
    expect(ctx.loadFromDependenciesAndCache('k')).toBe('local');
    expect(ctx.getWithDependencies('k')).toBe('local');
  });

  it('gives v1 Contexts from clone() and fromJSON(), with copies of the entries and no loader', () => {
    const ctx = new Context({ k: 'local', list: [1] });
    ctx.setDependencyLoader(loader);
    for (const copy of [ctx.clone(), Context.fromJSON(ctx.toJSON()), Context.fromJSON(ctx.encode())]) {
      expect(copy).toBeInstanceOf(Context);
      expect(copy.getWithDependencies('k')).toBe('local');
      expect(copy.getWithDependencies('only')).toBeUndefined();
      expect(copy.toJSON()).toEqual({ k: 'local', list: [1] });
    }
    const copy = ctx.clone();
    (copy.get('list') as number[]).push(2);
    expect(ctx.get('list')).toEqual([1]);
  });

  it('is a Context everywhere and has no scope outside a runner', () => {
    const ctx = new Context();
    expect(isContext(ctx) && ctx instanceof V2Context).toBe(true);
    expect(ctx.executionScope()).toBeUndefined();
    expect(ctx.getWithDependencies('k')).toBeUndefined();
  });
});

describe('legacy workflows on the v2 runner', () => {
  it('differ from get() only after a local remove, exactly as v1', async () => {
    const a = task({ id: 'a' }, (ctx) => { ctx.set('k', ['a']); ctx.set('n', 1); });
    const b = task({ id: 'b' }, (ctx) => { ctx.set('k', ['b']); ctx.set('n', 2); });
    const c = task({ id: 'c', dependencies: ['a', 'b'] }, (ctx) => {
      ctx.set('merged', ctx.get('k')!);
      ctx.set('viaLoader', ctx.loadFromDependenciesAndCache('k') ?? null);
      ctx.remove('k');
      ctx.set('afterRemoveGet', ctx.getWithDependencies('k') ?? null);
      ctx.set('hasAfterGet', ctx.has('k'));
      ctx.set('afterRemoveLoad', ctx.loadFromDependenciesAndCache('k') ?? null);
      ctx.set('scope', ctx.executionScope()!.taskName);
    });
    const result = await executeInMemory(packagedWorkflow({ name: 'legacy-flow', package: 'pkg', tasks: [a, b, c] }));
    expect(result.tasks.c!.output).toEqual({
      n: 2,
      merged: ['a', 'b'],
      viaLoader: ['a', 'b'],
      afterRemoveGet: ['b'],
      hasAfterGet: false,
      afterRemoveLoad: ['b'],
      k: ['b'],
      scope: 'public::pkg::legacy-flow::c',
    });
  });

  it('warns once per workflow', async () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    try {
      const t = task({ id: 't' }, () => {});
      packagedWorkflow({ name: 'once', tasks: [t] });
      packagedWorkflow({ name: 'once', tasks: [t] });
      packagedWorkflow({ name: 'twice', tasks: [t] });
      expect(warn).toHaveBeenCalledTimes(2);
      expect(String(warn.mock.calls[0]![0])).toContain('workflow "once" uses cloacina/legacy');
    } finally {
      warn.mockRestore();
    }
  });

  it('exports every v1 name: the authoring API and the runtime', () => {
    for (const name of ['Runner', 'executeInMemory', 'TaskError', 'ContextError', 'RetryPolicy', 'TaskNamespace', 'TaskState', 'when']) {
      expect(legacy, name).toHaveProperty(name);
    }
  });
});
