// Type tests (vitest typecheck): the v1 surface of cloacina/legacy keeps its v1 signatures,
// and the v2 runtime entry re-exports the v2 Context without the removed methods.
import { describe, expectTypeOf, it } from 'vitest';
import * as runtime from 'cloacina';
import * as authoring from 'cloacina-workflow';
import {
  Context,
  DependencyLoader,
  packagedWorkflow,
  task,
  type ExecutionScope,
  type JsonValue,
  type PackagedWorkflow,
  type Task,
} from 'cloacina/legacy';

describe('cloacina/legacy', () => {
  it('task bodies receive the v1 Context with the lazy loader', () => {
    const t = task({ id: 'v1' }, (ctx, info) => {
      expectTypeOf(ctx).toEqualTypeOf<Context>();
      expectTypeOf(info.attempt).toEqualTypeOf<number>();
      expectTypeOf(ctx.loadFromDependenciesAndCache('k')).toEqualTypeOf<JsonValue | undefined>();
      expectTypeOf(ctx.getWithDependencies('k')).toEqualTypeOf<JsonValue | undefined>();
      expectTypeOf(ctx.executionScope()).toEqualTypeOf<ExecutionScope | undefined>();
      ctx.setDependencyLoader(new DependencyLoader([['dep', { k: 1 }]]));
      ctx.setExecutionScope({ workflowExecutionId: 'e', taskExecutionId: 't', taskName: 'a::b::c::d' });
      // The v2 methods are all there too.
      ctx.set('k', ctx.get('k') ?? 0);
    });
    expectTypeOf(t).toEqualTypeOf<Task>();
    expectTypeOf(packagedWorkflow({ name: 'legacy', tasks: [t] })).toEqualTypeOf<PackagedWorkflow>();
  });

  it('the v1 Context is a v2 Context', () => {
    expectTypeOf<Context>().toExtend<authoring.Context>();
    const ctx = new Context({ count: 0 });
    ctx.set('count', 1);
    expectTypeOf(ctx.loadFromDependenciesAndCache('count')).toEqualTypeOf<JsonValue | undefined>();
  });

  it('legacy task() takes no provenance (it stamps its own)', () => {
    // @ts-expect-error provenance is set by cloacina/legacy
    task({ id: 'p', provenance: { api: 'x', version: '1.0.0' } }, () => {});
  });
});

describe('cloacina (v2 runtime entry)', () => {
  it('re-exports the very same authoring bindings', () => {
    expectTypeOf(runtime.Context).toEqualTypeOf(authoring.Context);
    expectTypeOf(runtime.task).toEqualTypeOf(authoring.task);
    expectTypeOf(runtime.packagedWorkflow).toEqualTypeOf(authoring.packagedWorkflow);
  });

  it('its Context has none of the removed methods', () => {
    const ctx = new runtime.Context();
    // @ts-expect-error removed in v2
    ctx.loadFromDependenciesAndCache('a');
    // @ts-expect-error removed in v2
    ctx.getWithDependencies('a');
    // @ts-expect-error removed in v2
    ctx.setDependencyLoader(new DependencyLoader([]));
    // @ts-expect-error removed in v2
    ctx.setExecutionScope({ workflowExecutionId: 'e', taskExecutionId: 't', taskName: 'n' });
    // @ts-expect-error removed in v2
    ctx.executionScope();
  });
});
