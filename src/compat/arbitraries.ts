// fast-check arbitraries for v1 workflows: a random DAG of 1-15 tasks (index-ordered, so
// acyclic by construction and shrinking keeps it valid), each running a small program over
// the v1 context API, with retry policies, trigger rules and initial contexts built to
// stress the merge rule (shared keys, arrays with duplicates, nested objects, type clashes).
import fc from 'fast-check';
import type { JsonValue } from 'cloacina-workflow';
import { mapPrograms, type GenCondition, type GenRetry, type GenTask, type GenTrigger, type GenWorkflow, type Op } from './program.js';

/** Few keys, so tasks collide on them; two are hostile to naive objects. */
export const KEYS = ['a', 'b', 'list', 'obj', '__proto__', 'constructor'] as const;
const keyArb = fc.constantFrom(...KEYS);

const scalarArb = fc.oneof(fc.constantFrom<JsonValue>(0, 1, 2, 'x', 'y', true, false, null), fc.integer({ min: -5, max: 5 }));

/** Values that clash on merge: arrays with repeats, nested objects on shared keys, mixed types. */
export const mergeValueArb: fc.Arbitrary<JsonValue> = fc.letrec<{ value: JsonValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalarArb,
    fc.array(fc.oneof(scalarArb, fc.constantFrom<JsonValue>([1], { k: 1 })), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom('k', 'm', 'n'), tie('value'), { maxKeys: 3 }),
  ),
})).value;

const opLeaf: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constantFrom('insert' as const, 'update' as const, 'set' as const), key: keyArb, value: mergeValueArb }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('remove' as const), key: keyArb }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('copy' as const), key: keyArb, into: keyArb }) },
  {
    weight: 3,
    arbitrary: fc.record({ op: fc.constantFrom('loadFromDependenciesAndCache' as const, 'getWithDependencies' as const), key: keyArb, into: keyArb }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('executionScope' as const), into: keyArb }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('fail' as const),
      onAttempts: fc.uniqueArray(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 2 }),
      kind: fc.constantFrom('retryable' as const, 'fatal' as const, 'plain' as const),
    }),
  },
);

const opsArb: fc.Arbitrary<Op[]> = fc.letrec<{ ops: Op[]; op: Op }>((tie) => ({
  op: fc.oneof(
    { depthSize: 'small', withCrossShrink: true, maxDepth: 2, depthIdentifier: 'program' },
    opLeaf,
    fc.record({ op: fc.constant('ifHas' as const), key: keyArb, then: tie('ops'), else: tie('ops') }),
    fc.record({ op: fc.constant('ifEquals' as const), key: keyArb, value: scalarArb, then: tie('ops'), else: tie('ops') }),
  ),
  ops: fc.array(tie('op'), { maxLength: 5, depthIdentifier: 'program' }),
})).ops;

const retryArb: fc.Arbitrary<GenRetry> = fc.record({
  maxAttempts: fc.integer({ min: 1, max: 3 }),
  condition: fc.constantFrom('allErrors' as const, 'transientOnly' as const, 'never' as const),
});

function triggerArb(deps: string[]): fc.Arbitrary<GenTrigger | undefined> {
  const conditions: fc.Arbitrary<GenCondition>[] = [
    fc.record({ type: fc.constant('contextValue' as const), key: keyArb, operator: fc.constantFrom('exists' as const, 'notExists' as const) }),
    fc.record({ type: fc.constant('contextValue' as const), key: keyArb, operator: fc.constantFrom('equals' as const, 'greaterThan' as const), value: scalarArb }),
  ];
  if (deps.length > 0) {
    conditions.push(fc.record({ type: fc.constantFrom('taskSuccess' as const, 'taskFailed' as const, 'taskSkipped' as const), task: fc.constantFrom(...deps) }));
  }
  return fc.option(
    fc.record({ type: fc.constantFrom('always' as const, 'all' as const, 'any' as const, 'none' as const), conditions: fc.array(fc.oneof(...conditions), { maxLength: 3 }) }),
    { freq: 3, nil: undefined },
  );
}

/** Task ids: valid names, some of them hostile to naive object maps. */
const ID_POOL = ['extract', 'load', 'constructor', '__proto__', 'toString', 'step-1', 'step_2', 'Ünïcode', 'a.b', 'report'];

export const workflowArb: fc.Arbitrary<GenWorkflow> = fc
  .integer({ min: 1, max: 15 })
  .chain((n) =>
    fc.record({
      ids: fc.uniqueArray(fc.oneof(fc.constantFrom(...ID_POOL), fc.stringMatching(/^t[a-z0-9]{1,4}$/)), { minLength: n, maxLength: n }),
      edges: fc.tuple(...Array.from({ length: n }, (_, i) => (i === 0 ? fc.constant<number[]>([]) : fc.uniqueArray(fc.integer({ min: 0, max: i - 1 }), { maxLength: Math.min(i, 3) })))),
      order: fc.shuffledSubarray(Array.from({ length: n }, (_, i) => i), { minLength: n, maxLength: n }),
      initial: fc.dictionary(keyArb, mergeValueArb, { maxKeys: 4 }),
    }),
  )
  .chain(({ ids, edges, order, initial }) => {
    const tasks = ids.map((id, i) =>
      fc.record({
        id: fc.constant(id),
        deps: fc.constant(edges[i]!.map((d) => ids[d]!)),
        program: opsArb,
        retry: retryArb,
        trigger: triggerArb(edges[i]!.map((d) => ids[d]!)),
      }),
    );
    return fc.tuple(...tasks).map((built) => ({
      name: 'compat',
      tasks: order.map((i) => stripUndefined(built[i]!)),
      initial,
    }));
  });

function stripUndefined(task: GenTask & { trigger: GenTrigger | undefined }): GenTask {
  const { trigger, ...rest } = task;
  return trigger === undefined ? rest : { ...rest, trigger };
}

/** How the v1 source imports the API. */
export type ImportStyle = 'named' | 'aliased' | 'namespace' | 'typeOnly';
export const importStyleArb = fc.constantFrom<ImportStyle>('named', 'aliased', 'namespace', 'typeOnly');

/**
 * Turns the constructs the migration must flag into plain reads, so a good share of samples
 * run end to end: executionScope() reads, and loaders reading a key after its removal.
 */
export function withoutFlaggedConstructs(workflow: GenWorkflow, keep: { scope: boolean; loaderAfterRemove: boolean }): GenWorkflow {
  return mapPrograms(workflow, () => {
    // Removals in either branch count for everything after it in the text.
    const removed = new Set<string>();
    return (op) => {
      switch (op.op) {
        case 'remove':
          removed.add(op.key);
          return op;
        case 'executionScope':
          return keep.scope ? op : { op: 'copy', key: op.into, into: op.into };
        case 'loadFromDependenciesAndCache':
        case 'getWithDependencies':
          return keep.loaderAfterRemove || !removed.has(op.key) ? op : { op: 'copy', key: op.key, into: op.into };
        default:
          return op;
      }
    };
  });
}
