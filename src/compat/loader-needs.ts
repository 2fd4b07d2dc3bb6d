// Which loader calls of a generated program must be flagged, and which may be: the
// reference the migration's flags are judged against. Statements run in program order
// (a closure, callback or helper where it is called, not where it is written).
//   must: on some path the task removed the key (and did not set it again) before the
//         call runs, so v1 reads the dependency's raw value where get() reads nothing;
//   may:  a removal of the key runs before the call in program order (both branches of
//         an if in turn, kills ignored, a loop body once more), or the method is reached
//         in a way a proof may refuse to follow (`.call`, `Reflect.apply`, computed
//         names, destructuring), or a removal before it was reached so (a proof that
//         cannot see which key that removes may assume any).
// Everything else must be rewritten: a flag there is a false alarm.
import { children, type Access, type Op } from './program.js';

export interface LoaderNeed {
  must: boolean;
  may: boolean;
}

type LoaderOp = Extract<Op, { op: 'loadFromDependenciesAndCache' | 'getWithDependencies' }>;

const RELUCTANT: ReadonlySet<Access> = new Set(['computed', 'template', 'call', 'apply', 'reflect', 'destructured']);
/** Removals whose method is taken as a value: a proof may not see which key they remove. */
const OPAQUE: ReadonlySet<Access> = new Set(['call', 'apply', 'reflect', 'destructured']);
const ANY_KEY = '\0any';

export function loaderNeeds(program: Op[]): Map<Op, LoaderNeed> {
  const needs = new Map<Op, LoaderNeed>();
  const need = (op: LoaderOp) => {
    let n = needs.get(op);
    if (n === undefined) needs.set(op, (n = { must: false, may: RELUCTANT.has(op.access ?? 'plain') }));
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
  const loose = (ops: Op[], removed: Set<string>): Set<string> => {
    let state = new Set(removed);
    for (const op of ops) {
      if (op.op === 'remove') state.add(OPAQUE.has(op.access ?? 'plain') ? ANY_KEY : op.key);
      else if (op.op === 'loadFromDependenciesAndCache' || op.op === 'getWithDependencies') {
        const n = need(op);
        if (state.has(op.key) || state.has(ANY_KEY)) n.may = true;
      } else if (op.op === 'repeat') {
        for (let size = -1; size !== state.size; ) {
          size = state.size;
          state = new Set([...state, ...loose(op.body, state)]);
        }
      } else {
        // Branches in text order: a removal in `then` counts for a loader in `else`, as it
        // does for a proof that goes by position.
        for (const branch of children(op)) state = loose(branch, state);
      }
    }
    return state;
  };

  exact(program, new Set());
  loose(program, new Set());
  for (const n of needs.values()) n.may ||= n.must;
  return needs;
}
