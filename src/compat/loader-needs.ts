// Which loader calls of a generated program must be flagged, and which may be: the
// reference the migration's flags are judged against. Statements run in program order
// (a closure, callback or helper where it is called, not where it is written).
//   must: on some path the task removed the key (and did not set it again) before the
//         call runs, so v1 reads the dependency's raw value where get() reads nothing;
//   may:  a removal of the key runs before the call in program order (both branches of
//         an if in turn, kills ignored, a loop or array callback body once more), or the method is reached
//         in a way a proof may refuse to follow (`.call`, `Reflect.apply`, computed
//         names, destructuring), or a removal before it was reached so (a proof that
//         cannot see which key that removes may assume any), or the context was handed
//         to code a proof may not follow (an object, a spread, a constructor, a class
//         field), or the loader's key is a variable (`keys.map(k => ...)`) and any key
//         was removed, or it is in a `.then` callback of a task that removes or hands
//         over the context anywhere (a proof may take the callback to run later).
// Everything else must be rewritten: a flag there is a false alarm.
import { children, flatten, type Access, type Op, type Via } from './program.js';

export interface LoaderNeed {
  must: boolean;
  may: boolean;
}

type LoaderOp = Extract<Op, { op: 'loadFromDependenciesAndCache' | 'getWithDependencies' | 'loadAll' }>;

const RELUCTANT: ReadonlySet<Access> = new Set(['computed', 'template', 'call', 'apply', 'reflect', 'destructured']);
/** Removals whose method is taken as a value: a proof may not see which key they remove. */
const OPAQUE: ReadonlySet<Access> = new Set(['call', 'apply', 'reflect', 'destructured']);
const ANY_KEY = '\0any';
/**
 * Vias that hand the context to code a proof may not follow (into an object, a spread, a
 * constructor, a class field): after them any key may have been removed, and a loader in
 * them may be refused.
 */
const OPAQUE_VIAS: ReadonlySet<Via> = new Set(['helperDestructured', 'helperSpread', 'getter', 'fieldArrow']);

export function loaderNeeds(program: Op[]): Map<Op, LoaderNeed> {
  const needs = new Map<Op, LoaderNeed>();
  const need = (op: LoaderOp) => {
    let n = needs.get(op);
    if (n === undefined) needs.set(op, (n = { must: false, may: op.op !== 'loadAll' && RELUCTANT.has(op.access ?? 'plain') }));
    return n;
  };

  // Removed and not set again, loops run as often as they really do.
  const exact = (ops: Op[], removed: Set<string>): Set<string> => {
    let state = new Set(removed);
    for (const op of ops) {
      switch (op.op) {
        case 'remove':
          state.add(op.key);
          break;
        case 'insert':
        case 'update':
        case 'set':
          state.delete(op.key);
          break;
        case 'copy':
        case 'executionScope':
          state.delete(op.into);
          break;
        case 'foreign':
          if (op.call !== 'setLoader') state.delete(op.into);
          break;
        case 'loadFromDependenciesAndCache':
        case 'getWithDependencies':
          if (state.has(op.key)) need(op).must = true;
          state.delete(op.into);
          break;
        case 'loadAll':
          if (op.keys.some((k) => state.has(k))) need(op).must = true;
          for (const into of op.into) state.delete(into);
          break;
        case 'tryFinally':
          state = exact(op.finally, exact(op.body, state));
          break;
        case 'returnIf':
          break;
        case 'ifHas':
        case 'ifEquals':
          state = new Set([...exact(op.then, state), ...exact(op.else, state)]);
          break;
        case 'repeat':
          for (let i = 0; i < op.times; i++) state = exact(op.body, state);
          break;
        case 'via':
          state = exact(op.body, state);
          break;
        case 'fail':
          break;
      }
    }
    return state;
  };

  // Ever removed before, on any path; a loop body may always run once more.
  // A proof may take a `.then` callback to run at any later time (it does unless awaited at
  // once): a loader in one may be refused when the task removes or hands over the context anywhere.
  const risky = flatten(program).some(
    (op) => op.op === 'remove' || (op.op === 'via' && OPAQUE_VIAS.has(op.via)) || ((op.op === 'getWithDependencies' || op.op === 'loadFromDependenciesAndCache') && OPAQUE.has(op.access ?? 'plain')),
  );
  // Inside an opaque via, every loader may be refused.
  const loose = (ops: Op[], removed: Set<string>, opaque = false): Set<string> => {
    let state = new Set(removed);
    for (const op of ops) {
      if (op.op === 'remove') state.add(OPAQUE.has(op.access ?? 'plain') ? ANY_KEY : op.key);
      else if (op.op === 'loadFromDependenciesAndCache' || op.op === 'getWithDependencies') {
        const n = need(op);
        if (opaque || state.has(op.key) || state.has(ANY_KEY)) n.may = true;
        // A loader taken as a value is called with the context: a proof may not see past it.
        if (OPAQUE.has(op.access ?? 'plain')) state.add(ANY_KEY);
      } else if (op.op === 'loadAll') {
        // Its key is a variable: a proof that cannot resolve it may count any removal.
        const n = need(op);
        if (opaque || state.size > 0) n.may = true;
      } else if (op.op === 'repeat' || (op.op === 'via' && (op.via === 'forEach' || op.via === 'map'))) {
        // An array callback is a loop to a proof that does not count the array's elements.
        for (let size = -1; size !== state.size; ) {
          size = state.size;
          state = new Set([...state, ...loose(op.body, state, opaque)]);
        }
      } else if (op.op === 'via' && OPAQUE_VIAS.has(op.via)) {
        state = loose(op.body, state, true);
        state.add(ANY_KEY);
      } else if (op.op === 'via' && op.via === 'then') {
        state = loose(op.body, state, opaque || risky);
      } else {
        // Branches in text order: a removal in `then` counts for a loader in `else`, as it
        // does for a proof that goes by position.
        for (const branch of children(op)) state = loose(branch, state, opaque);
      }
    }
    return state;
  };

  exact(program, new Set());
  loose(program, new Set());
  for (const n of needs.values()) n.may ||= n.must;
  return needs;
}
