// fast-check arbitraries for v1 workflows: a random DAG of 1-15 tasks (index-ordered, so
// acyclic by construction and shrinking keeps it valid), each running a small program over
// the v1 context API, with retry policies, trigger rules and initial contexts built to
// stress the merge rule (shared keys, arrays with duplicates, nested objects, type clashes).
// Shape classes add the ways real code is written: closures, callbacks, helpers in other
// files, methods, aliases, optional chaining, `.call`/`.apply`/`Reflect.apply`, computed
// names, destructuring, loops, foreign objects with same-named methods, barrels, mocks and
// more import forms. Each class can be switched on alone, to find what it breaks.
import fc from 'fast-check';
import type { JsonValue } from 'cloacina-workflow';
import { loaderNeeds } from './loader-needs.js';
import {
  flatten as flattenOps,
  type Access,
  type ForeignCall,
  type FunctionForm,
  type GenCondition,
  type GenRetry,
  type GenTask,
  type GenTrigger,
  type GenWorkflow,
  type Loop,
  type Op,
  type Via,
} from './program.js';
import type { BarrelKind, ImportStyle, MockForm, OperatorForm } from './render.js';

/** Few keys, so tasks collide on them; two are hostile to naive objects. */
export const KEYS = ['a', 'b', 'list', 'obj', '__proto__', 'constructor'] as const;
const keyArb = fc.constantFrom(...KEYS);

export const SHAPE_CLASSES = [
  'closure',
  'callback',
  'helper',
  'helperFile',
  'method',
  'alias',
  'callApply',
  'optional',
  'computed',
  'destructure',
  'loop',
  'foreign',
  'barrel',
  'legacyBarrel',
  'mock',
  'importForms',
  'asyncForms',
  'params',
  'control',
  'members',
  'casts',
] as const;
export type ShapeClass = (typeof SHAPE_CLASSES)[number];

const VIAS: Partial<Record<ShapeClass, Via[]>> = {
  closure: ['closure'],
  callback: ['forEach', 'map', 'then'],
  helper: ['helper'],
  helperFile: ['helperFile', 'methodFile'],
  method: ['method'],
  alias: ['alias'],
  callApply: ['call', 'apply', 'reflect'],
  params: ['helperDefault', 'helperOptional', 'helperDestructured', 'helperSpread'],
  members: ['getter', 'fieldArrow'],
};

const ACCESSES: Partial<Record<ShapeClass, Access[]>> = {
  optional: ['optionalReceiver', 'optionalCall'],
  computed: ['computed', 'template'],
  callApply: ['call', 'apply', 'reflect'],
  destructure: ['destructured'],
  casts: ['asCast', 'satisfies'],
};

/** Parses a comma-separated list of class names (`all` for every class). */
export function parseShapeClasses(text: string): ShapeClass[] {
  const names = text.split(',').map((s) => s.trim()).filter(Boolean);
  if (names.includes('all')) return [...SHAPE_CLASSES];
  for (const n of names) if (!(SHAPE_CLASSES as readonly string[]).includes(n)) throw new Error(`unknown shape class ${JSON.stringify(n)} (known: ${SHAPE_CLASSES.join(', ')}, all)`);
  return names as ShapeClass[];
}

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

/** An access form: mostly plain, else one of the enabled classes' forms. */
function accessArb(classes: ReadonlySet<ShapeClass>): fc.Arbitrary<Access | undefined> {
  const forms = [...classes].flatMap((c) => ACCESSES[c] ?? []);
  return forms.length === 0 ? fc.constant(undefined) : fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom(...forms) });
}

const withAccess = <T extends { access?: Access | undefined }>(op: T): T => {
  if (op.access === undefined) delete op.access;
  return op;
};

function opLeaf(classes: ReadonlySet<ShapeClass>): fc.Arbitrary<Op> {
  const access = accessArb(classes);
  const leaves: Array<fc.WeightedArbitrary<Op>> = [
    { weight: 3, arbitrary: fc.record({ op: fc.constantFrom('insert' as const, 'update' as const, 'set' as const), key: keyArb, value: mergeValueArb }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('remove' as const), key: keyArb, access }).map(withAccess) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('copy' as const), key: keyArb, into: keyArb }) },
    {
      weight: 3,
      arbitrary: fc
        .record({ op: fc.constantFrom('loadFromDependenciesAndCache' as const, 'getWithDependencies' as const), key: keyArb, into: keyArb, access })
        .map(withAccess),
    },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('executionScope' as const), into: keyArb }) },
    ...(classes.has('asyncForms')
      ? [{ weight: 2, arbitrary: fc.uniqueArray(fc.tuple(keyArb, keyArb), { minLength: 1, maxLength: 3 }).map((pairs): Op => ({ op: 'loadAll', keys: pairs.map((p) => p[0]), into: pairs.map((p) => p[1]) })) }]
      : []),
    ...(classes.has('control') ? [{ weight: 1, arbitrary: fc.record({ op: fc.constant('returnIf' as const), key: keyArb }) }] : []),
    {
      weight: 1,
      arbitrary: fc.record({
        op: fc.constant('fail' as const),
        onAttempts: fc.uniqueArray(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 2 }),
        kind: fc.constantFrom('retryable' as const, 'fatal' as const, 'plain' as const),
      }),
    },
  ];
  if (classes.has('foreign')) {
    leaves.push({
      weight: 2,
      arbitrary: fc.record({ op: fc.constant('foreign' as const), call: fc.constantFrom<ForeignCall>('get', 'load', 'setLoader', 'scope'), key: keyArb, into: keyArb }),
    });
  }
  return fc.oneof(...leaves);
}

function opsArb(classes: ReadonlySet<ShapeClass>): fc.Arbitrary<Op[]> {
  const vias = [...classes].flatMap((c) => VIAS[c] ?? []);
  // Async forms are closures written as function expressions or awaited async arrows, and awaited callbacks.
  if (classes.has('asyncForms')) vias.push('closure', 'then');
  const closureForms = classes.has('asyncForms') ? (['function', 'asyncArrow'] as const) : [];
  const loops: Loop[] = [
    ...(classes.has('loop') ? (['for', 'forOf', 'while', 'forEach'] as const) : []),
    ...(classes.has('control') ? (['labelled'] as const) : []),
    ...(classes.has('asyncForms') ? (['forAwait'] as const) : []),
  ];
  const leaf = opLeaf(classes);
  return fc.letrec<{ ops: Op[]; op: Op }>((tie) => {
    const compound: Array<fc.Arbitrary<Op>> = [
      fc.record({ op: fc.constant('ifHas' as const), key: keyArb, then: tie('ops'), else: tie('ops') }),
      classes.has('control')
        ? fc
            .record({ op: fc.constant('ifEquals' as const), key: keyArb, value: scalarArb, then: tie('ops'), else: tie('ops'), form: fc.constantFrom(undefined, 'switch' as const) })
            .map(({ form, ...op }): Op => (form ? { ...op, form } : op))
        : fc.record({ op: fc.constant('ifEquals' as const), key: keyArb, value: scalarArb, then: tie('ops'), else: tie('ops') }),
    ];
    if (loops.length > 0) {
      compound.push(fc.record({ op: fc.constant('repeat' as const), times: fc.integer({ min: 1, max: 3 }), loop: fc.constantFrom(...loops), body: tie('ops') }));
    }
    if (classes.has('control')) compound.push(fc.record({ op: fc.constant('tryFinally' as const), body: tie('ops'), finally: tie('ops') }));
    // Shapes come with weight: most of what they find needs a loader inside and a removal outside.
    const viaArb = fc
      .record({ op: fc.constant('via' as const), via: fc.constantFrom(...(vias.length > 0 ? vias : ['closure' as const])), body: tie('ops'), form: fc.constantFrom(undefined, ...closureForms) })
      .map(({ form, ...op }): Op => (form && op.via === 'closure' ? { ...op, form } : op));
    if (vias.length > 0) for (let i = 0; i < 2; i++) compound.push(viaArb);
    return {
      op: fc.oneof({ depthSize: 'small', withCrossShrink: true, maxDepth: 2, depthIdentifier: 'program' }, leaf, ...compound),
      ops: fc.array(tie('op'), { maxLength: 5, depthIdentifier: 'program' }),
    };
  }).ops;
}

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

/** Helpers get no Registry; helpers in the helper module throw plain errors only (they import nothing they need not). */
function fitToShapes(ops: Op[], inHelper: boolean, inHelperFile: boolean): Op[] {
  return ops.map((op) => {
    if (op.op === 'foreign' && inHelper) return op.call === 'setLoader' ? { op: 'copy', key: op.key, into: op.key } : { op: 'copy', key: op.key, into: op.into };
    if (op.op === 'fail' && inHelperFile && op.kind !== 'plain') return { ...op, kind: 'plain' };
    switch (op.op) {
      case 'ifHas':
      case 'ifEquals':
        return { ...op, then: fitToShapes(op.then, inHelper, inHelperFile), else: fitToShapes(op.else, inHelper, inHelperFile) };
      case 'repeat':
        return { ...op, body: fitToShapes(op.body, inHelper, inHelperFile) };
      case 'tryFinally':
        return { ...op, body: fitToShapes(op.body, inHelper, inHelperFile), finally: fitToShapes(op.finally, inHelper, inHelperFile) };
      case 'via': {
        const helper = inHelper || !['closure', 'forEach', 'map', 'then', 'alias'].includes(op.via);
        return { ...op, body: fitToShapes(op.body, helper, inHelperFile || op.via === 'helperFile' || op.via === 'methodFile') };
      }
      default:
        return op;
    }
  });
}

export function workflowArb(classes: ReadonlySet<ShapeClass> = new Set()): fc.Arbitrary<GenWorkflow> {
  const programArb = opsArb(classes).map((ops) => fitToShapes(ops, false, false));
  return fc
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
          program: programArb,
          retry: retryArb,
          trigger: triggerArb(edges[i]!.map((d) => ids[d]!)),
          form: classes.has('asyncForms') ? fc.constantFrom<FunctionForm | undefined>(undefined, 'arrow', 'asyncArrow', 'function', 'asyncFunction') : fc.constant(undefined),
        }),
      );
      return fc.tuple(...tasks).map((built) => ({
        name: 'compat',
        tasks: order.map((i) => stripUndefined(built[i]!)),
        initial,
      }));
    });
}

function stripUndefined(task: GenTask & { trigger: GenTrigger | undefined; form: FunctionForm | undefined }): GenTask {
  const { trigger, form, ...rest } = task;
  return { ...rest, ...(trigger === undefined ? {} : { trigger }), ...(form === undefined ? {} : { form }) };
}

/** How a sample's project is laid out and imports the API. */
export interface ProjectShape {
  style: ImportStyle;
  split: boolean;
  barrel?: BarrelKind;
  helperTyping?: 'barrel' | 'any';
  mock?: MockForm;
  operator?: OperatorForm;
}

export function projectShapeArb(classes: ReadonlySet<ShapeClass>): fc.Arbitrary<ProjectShape> {
  const styles: ImportStyle[] = ['named', 'aliased', 'namespace', 'typeOnly'];
  if (classes.has('barrel') || classes.has('legacyBarrel')) styles.push('barrel', 'barrel');
  const barrels: BarrelKind[] = classes.has('legacyBarrel') ? ['star', 'legacyStar', ...(classes.has('barrel') ? (['named'] as const) : [])] : ['named'];
  return fc
    .record({
      style: fc.constantFrom(...styles),
      split: fc.boolean(),
      barrel: fc.constantFrom(...barrels),
      helperTyping: fc.constantFrom<'barrel' | 'any'>('barrel', 'any'),
      // Each in about half the samples of its class: a flag on them blocks the whole sample's run.
      mock: classes.has('mock') ? fc.option(fc.constantFrom<MockForm>('imported', 'hoisted'), { nil: undefined, freq: 2 }) : fc.constant(undefined),
      operator: classes.has('importForms') ? fc.option(fc.constantFrom<OperatorForm>('defaultNamed', 'importEquals', 'requireTemplate'), { nil: undefined, freq: 2 }) : fc.constant(undefined),
    })
    .map((shape) => {
      const out: ProjectShape = { style: shape.style, split: shape.split };
      if (shape.barrel !== 'named') out.barrel = shape.barrel;
      if (classes.has('helperFile')) out.helperTyping = shape.helperTyping;
      if (shape.mock) out.mock = shape.mock;
      if (shape.operator) out.operator = shape.operator;
      return out;
    });
}

/**
 * Turns the constructs the migration may flag into plain reads, so a good share of samples
 * run end to end: executionScope() reads, and loaders a sound proof may refuse to rewrite.
 */
export function withoutFlaggedConstructs(workflow: GenWorkflow, keep: { scope: boolean; loaderAfterRemove: boolean }): GenWorkflow {
  const tasks = workflow.tasks.map((task) => {
    const needs = loaderNeeds(task.program);
    const map = (ops: Op[]): Op[] =>
      ops.map((op): Op => {
        switch (op.op) {
          case 'executionScope':
            return keep.scope ? op : { op: 'copy', key: op.into, into: op.into };
          case 'loadFromDependenciesAndCache':
          case 'getWithDependencies':
            return keep.loaderAfterRemove || !needs.get(op)?.may ? op : { op: 'copy', key: op.key, into: op.into };
          case 'loadAll':
            return keep.loaderAfterRemove || !needs.get(op)?.may ? op : { op: 'copy', key: op.keys[0]!, into: op.into[0]! };
          case 'ifHas':
          case 'ifEquals':
            return { ...op, then: map(op.then), else: map(op.else) };
          case 'repeat':
          case 'via':
            return { ...op, body: map(op.body) };
          case 'tryFinally':
            return { ...op, body: map(op.body), finally: map(op.finally) };
          default:
            return op;
        }
      });
    return { ...task, program: map(task.program) };
  });
  return { ...workflow, tasks };
}

/** The shape classes a sample draws (what its program and project use), for per-class counts. */
export function classesOf(sample: { workflow: GenWorkflow } & ProjectShape): ShapeClass[] {
  const drawn = new Set<ShapeClass>();
  const ops = sample.workflow.tasks.flatMap((t) => flattenOps(t.program));
  for (const op of ops) {
    if (op.op === 'via') for (const [c, vias] of Object.entries(VIAS)) if (vias!.includes(op.via)) drawn.add(c as ShapeClass);
    if ('access' in op && op.access) for (const [c, forms] of Object.entries(ACCESSES)) if (forms!.includes(op.access)) drawn.add(c as ShapeClass);
    if (op.op === 'foreign') drawn.add('foreign');
    if (op.op === 'repeat') drawn.add(op.loop === 'labelled' ? 'control' : op.loop === 'forAwait' ? 'asyncForms' : 'loop');
    if (op.op === 'tryFinally' || op.op === 'returnIf' || (op.op === 'ifEquals' && op.form)) drawn.add('control');
    if (op.op === 'loadAll' || (op.op === 'via' && op.form)) drawn.add('asyncForms');
  }
  if (sample.workflow.tasks.some((t) => t.form)) drawn.add('asyncForms');
  if (sample.style === 'barrel') drawn.add(sample.barrel === 'legacyStar' || sample.barrel === 'star' ? 'legacyBarrel' : 'barrel');
  if (sample.mock) drawn.add('mock');
  if (sample.operator) drawn.add('importForms');
  return SHAPE_CLASSES.filter((c) => drawn.has(c));
}

/**
 * The fine-grained shapes a sample draws (`via:getter`, `access:asCast`, `loop:forAwait`,
 * `task:asyncFunction`...), so a test can show that a budget draws every one of them.
 */
export function shapesOf(sample: { workflow: GenWorkflow } & ProjectShape): Set<string> {
  const shapes = new Set<string>();
  for (const task of sample.workflow.tasks) {
    if (task.form) shapes.add(`task:${task.form}`);
    for (const op of flattenOps(task.program)) {
      shapes.add(`op:${op.op}`);
      if (op.op === 'via') shapes.add(`via:${op.via}`);
      if (op.op === 'via' && op.form) shapes.add(`closure:${op.form}`);
      if ('access' in op && op.access) shapes.add(`access:${op.access}`);
      if (op.op === 'repeat') shapes.add(`loop:${op.loop}`);
      if (op.op === 'ifEquals' && op.form) shapes.add(`ifEquals:${op.form}`);
      if (op.op === 'foreign') shapes.add(`foreign:${op.call}`);
    }
  }
  shapes.add(`style:${sample.style}`);
  if (sample.barrel) shapes.add(`barrel:${sample.barrel}`);
  if (sample.mock) shapes.add(`mock:${sample.mock}`);
  if (sample.operator) shapes.add(`operator:${sample.operator}`);
  return shapes;
}
