// The loader proof: `ctx.loadFromDependenciesAndCache(k)` and `ctx.getWithDependencies(k)`
// equal `ctx.get(k)` unless, before the call runs, the same Context object lost `k`. The
// runtime injects every dependency's output before a task runs (DESIGN §4), so the loaders
// read the local value exactly as get() does while `k` is there; only after a removal do they
// fall back to a dependency's raw output (and the first one caches it back). A Context made
// with `new Context()` has no dependency loader unless `setDependencyLoader()` gave it one.
//
// The proof follows the object from where it is made to every use (context-uses.ts) and
// asks, for each removal of `k` (or of a key it cannot read), each loader being set, and
// each hand-over to code it cannot follow, whether that can run before the call on some
// path. It gives up, with the reason, wherever it cannot follow.
import type * as t from '@babel/types';
import { contextUses, contains, loopAround, loopsAround, type ContextUse, type ContextUses, type Path } from './context-uses.js';
import { isCall, valuePosition } from './functions.js';
import type { FileAnalysis, ProjectIndex } from './project.js';
import { reasonOf, type Receivers, type Root } from './receivers.js';
import { contextPrototypeChange } from './prototype-patches.js';
import { isFunction } from './scope.js';
import { unwrap } from './symbols.js';
import { childrenOf } from './walk.js';

export type ProofResult =
  | { proven: true }
  | { proven: false; reason: 'loader-after-remove' | 'loader-context-escapes' | 'loader-set-by-hand'; detail: string };

export class LoaderProof {
  readonly #uses = new Map<t.Node, ContextUses>();

  constructor(
    private readonly project: ProjectIndex,
    private readonly receivers: Receivers,
  ) {}

  /** Whether `call` (a loader call on `receiver`, reading `key`; null = a key that cannot be read) equals get(). */
  prove(analysis: FileAnalysis, call: t.Node, receiver: t.Node, key: string | null): ProofResult {
    const patched = contextPrototypeChange(this.project);
    if (patched !== undefined) return { proven: false, reason: 'loader-context-escapes', detail: `${patched}: a Context method of the project's may remove keys or hand the context over` };
    const origin = this.receivers.expression(analysis, receiver);
    if (origin.unknowns.length > 0 || origin.others.length > 0 || origin.roots.length === 0) {
      return { proven: false, reason: 'loader-context-escapes', detail: `where this context comes from cannot be followed: ${reasonOf(origin.roots.length === 0 && origin.unknowns.length === 0 && origin.others.length === 0 ? { ...origin, unknowns: ['it is only known by its type'] } : origin)}` };
    }
    const read = unwrap(receiver);
    for (const root of origin.roots) {
      const uses = this.#usesOf(root);
      const here = uses.incomplete ? [] : uses.uses.filter((u) => u.analysis === analysis && u.effect === call && (u.read === read || u.read === receiver));
      if (here.length === 0) {
        // The call cannot be placed among the context's uses: a setter that stays (one whose
        // loader something may read later) may have run before it.
        const kept = uses.uses.find((u) => u.kind === 'loader-set' && keptFor(uses, u) !== undefined);
        if (kept) return failure(kept);
        return { proven: false, reason: 'loader-context-escapes', detail: uses.incomplete ?? 'the context reaches this call along a way that cannot be followed' };
      }
      const callPaths = here.flatMap((u) => u.paths);
      for (const use of uses.uses) {
        if (!counts(use, key, root)) continue;
        for (const before of use.paths) {
          for (const after of callPaths) {
            if (precedes(before, after)) return failure(use);
          }
        }
      }
    }
    return { proven: true };
  }

  /**
   * Why a `setDependencyLoader(...)` statement (`call`, on `receiver`) must stay: a loader
   * call, or code the context is handed to, may read from the loader it sets. Undefined when
   * nothing can (then the migration deletes it). The proof above counts every setter, so a
   * setter that stays keeps its loader calls flagged on every run, and one that is deleted
   * never made a difference to them.
   */
  setterRead(analysis: FileAnalysis, call: t.Node, receiver: t.Node): string | undefined {
    const patched = contextPrototypeChange(this.project);
    if (patched !== undefined) return `${patched}: a Context method of the project's may read the loader`;
    const origin = this.receivers.expression(analysis, receiver);
    for (const root of origin.roots) {
      const uses = this.#usesOf(root);
      const setter = uses.uses.find((u) => u.kind === 'loader-set' && u.analysis === analysis && u.effect === call);
      if (setter === undefined) return uses.incomplete ?? 'the context reaches this setter along a way that cannot be followed';
      const why = keptFor(uses, setter);
      if (why !== undefined) return why;
    }
    return undefined;
  }

  #usesOf(root: Root): ContextUses {
    const node = root.kind === 'task' ? root.binding.id : root.node;
    let uses = this.#uses.get(node);
    if (uses === undefined) {
      uses = contextUses(this.project, this.receivers, root);
      this.#uses.set(node, uses);
    }
    return uses;
  }
}

/**
 * Why the loader a setter sets may be read: a loader call, or a hand-over to code that is not
 * followed, can run after it (or the context's uses cannot all be known). Undefined if none.
 */
function keptFor(uses: ContextUses, setter: ContextUse): string | undefined {
  if (uses.incomplete) return uses.incomplete;
  for (const use of uses.uses) {
    if (use === setter || (use.kind !== 'escape' && !use.loads)) continue;
    // Code the context was handed to keeps it: it may read the loader whenever it likes, after
    // the setter too, even when the hand-over came first (a registry, an array, a field).
    if (use.kind !== 'escape' && !setter.paths.some((before) => use.paths.some((after) => precedes(before, after)))) continue;
    const file = use.analysis.file.split('/').pop();
    // Only what happens, not why it cannot be followed: that depends on which files the run sees.
    if (use.kind === 'escape') return `${use.what.replace(/, which cannot be followed.*$/s, '')} in ${file}, after this`;
    return `${snippet(use.analysis.parsed.text, use.effect)} in ${file} may read from it`;
  }
  return undefined;
}

/** Whether a use can make a loader call read something else than get(). */
function counts(use: ContextUse, key: string | null, root: Root): boolean {
  // Every setter counts: one the migration deletes precedes no loader call (keptFor), so it
  // makes no difference here, and one that stays is still in the code on the next run.
  if (use.kind === 'loader-set') return true;
  if (use.kind === 'escape') return true;
  // A Context made by hand has no dependencies to fall back to: a removal changes nothing.
  if (use.kind !== 'remove' || root.kind === 'made') return false;
  return use.key === null || key === null || use.key === key;
}

function failure(use: ContextUse): ProofResult {
  // Details are part of the review marker: they name code, never line numbers, so a second run
  // (after markers moved the lines) writes the very same marker.
  const file = use.analysis.file.split('/').pop();
  const code = snippet(use.analysis.parsed.text, use.effect);
  if (use.kind === 'remove') return { proven: false, reason: 'loader-after-remove', detail: `${code} in ${file} can run first` };
  if (use.kind === 'loader-set') return { proven: false, reason: 'loader-set-by-hand', detail: `${code} in ${file}` };
  return { proven: false, reason: 'loader-context-escapes', detail: `${use.what} in ${file}, before this call` };
}

/** The code of a node on one line; a long call shortened to its callee. */
function snippet(text: string, node: t.Node): string {
  const code = text.slice(node.start!, node.end!).replace(/\s+/g, ' ');
  if (code.length <= 60) return code;
  const callee = (node as { callee?: t.Node }).callee;
  return callee ? `${text.slice(callee.start!, callee.end!).replace(/\s+/g, ' ').slice(0, 56)}(...)` : `${code.slice(0, 57)}...`;
}

/**
 * Whether what happens at the end of `before` can run before the end of `after` (the loader
 * call). Both start in the same root frame; they are compared frame by frame: where they
 * stand at different points of one function, by position and by the loops around them;
 * where they go through the same point, in the function entered there, unless that point
 * runs several times (a loop, a callback) or at unknown times.
 */
export function precedes(before: Path, after: Path): boolean {
  // The call sits in an async function that pauses before it, and its caller goes on: from
  // then on anything can run first.
  for (let k = 1; k < after.length; k++) if (detached(after, k)) return true;
  // Code in a class body outside its methods (fields, static blocks) runs when the class or an
  // instance is made, not where it is written: its order with anything is not followed.
  if (before.some(inClassInitializer) || after.some(inClassInitializer)) return true;
  for (let k = 0; ; k++) {
    const u = before[k];
    const l = after[k];
    if (u === undefined || l === undefined || u.fn !== l.fn) return true;
    const lastL = k === after.length - 1;
    const lastU = k === before.length - 1;
    // The call sits in a callback handed to other code: it may run at any time.
    if (l.mode === 'anytime' && !lastL) return true;
    if (u.at !== l.at) {
      if (runsBefore(u.at, l.at)) return true;
      // The call sits in a closure that leaves this point (returned, stored, handed over): it
      // may run at any time after the point is reached, after `before` too.
      if (after.slice(k, -1).some((frame) => frame.mode === 'anytime')) return true;
      // `before` sits in a closure made where the call's code starts or before (a method of a
      // class whose static block or field holds the call): it may run first.
      if (u.mode === 'anytime' && !lastU && u.at.start! <= l.at.start!) return true;
      if (outOfTextOrder(l.analysis, l.fn, u.at, l.at)) return true;
      return sharedLoop(l.analysis, l.fn, u.at, l.at);
    }
    if (lastU || lastL) return false;
    // Both pass the same point: if it runs more than once, an earlier run precedes a later one.
    if (u.mode !== 'once' || l.mode !== 'once' || loopAround(l.analysis, l.fn, l.at) !== undefined) return true;
  }
}

/** `a` completes before `b` does: it ends first and does not hold `b`. */
function runsBefore(a: t.Node, b: t.Node): boolean {
  if (contains(a, b)) return false;
  return a.end! <= b.end!;
}

function sharedLoop(analysis: FileAnalysis, fn: t.Node, a: t.Node, b: t.Node): boolean {
  return loopsAround(analysis, fn, a).some((loop) => contains(loop, b));
}

/**
 * Frame k runs an async function that can stop before its point, and the call that started
 * it (frame k-1) does not wait for it: the caller goes on meanwhile.
 */
function detached(path: Path, k: number): boolean {
  if (!pauses(path, k)) return false;
  const caller = path[k - 1]!;
  return caller.mode !== 'once' || !awaited(caller);
}

/**
 * Frame k's function stops before control reaches its point: it is async and awaits before
 * the point, or awaits the call at its point while the function called stops (the pause
 * passes up through every caller that awaits).
 */
function pauses(path: Path, k: number): boolean {
  const frame = path[k]!;
  const fn = frame.fn;
  if (!isFunction(fn) || !(fn as t.Function).async) return false;
  if (awaitsBefore(frame.analysis, fn, frame.at)) return true;
  return k + 1 < path.length && frame.mode === 'once' && awaited(frame) && pauses(path, k + 1);
}

/** The frame's point is a call whose result is awaited at once. */
function awaited(frame: Path[number]): boolean {
  if (!isCall(frame.at)) return false;
  const position = valuePosition(frame.analysis, frame.at);
  return frame.analysis.scopes.parentOf(position)?.type === 'AwaitExpression';
}

/** The frame's point lies in a class body outside the class's methods (a field, a static block, a key). */
function inClassInitializer(frame: Path[number]): boolean {
  for (let p = frame.analysis.scopes.parentOf(frame.at); p && p !== frame.fn; p = frame.analysis.scopes.parentOf(p)) {
    if (p.type === 'ClassBody') return true;
    if (isFunction(p)) return false;
  }
  return false;
}

const PATTERNS = new Set(['ObjectPattern', 'ArrayPattern', 'ObjectProperty', 'AssignmentPattern', 'RestElement']);

/**
 * Where the text does not give the order in which `a` and `b` (of one function) run: a
 * default inside a destructuring pattern runs after the value destructured, written after it
 * (`const { v = f() } = g()`, a `for...of` head, a parameter `{ v = f() } = g()`); a
 * switch's `default` body runs after every case test, wherever it is written.
 */
function outOfTextOrder(analysis: FileAnalysis, fn: t.Node, a: t.Node, b: t.Node): boolean {
  const scopes = analysis.scopes;
  for (let child: t.Node = b, p = scopes.parentOf(b); p && p !== fn; child = p, p = scopes.parentOf(p)) {
    if (isFunction(p)) return false;
    if (p.type === 'AssignmentPattern' && p.right === child && PATTERNS.has(scopes.parentOf(p)?.type ?? '')) {
      // The whole destructuring: the declarator, assignment, loop head or parameter it is part of.
      let top: t.Node = p;
      while (PATTERNS.has(scopes.parentOf(top)?.type ?? '')) top = scopes.parentOf(top)!;
      let holder = scopes.parentOf(top);
      // `for (const { v = f() } of g())`: g() runs before every default of the head.
      const declaration = holder?.type === 'VariableDeclarator' ? scopes.parentOf(holder) : undefined;
      const loop = declaration && scopes.parentOf(declaration);
      if ((loop?.type === 'ForOfStatement' || loop?.type === 'ForInStatement') && loop.left === declaration) holder = loop;
      const whole = holder === undefined || isFunction(holder) ? top : holder;
      if (contains(whole, a)) return true;
    }
    if (p.type === 'SwitchCase' && p.test !== child) {
      const switched = scopes.parentOf(p) as t.SwitchStatement;
      if (switched.cases.some((c) => c.test === null) && switched.cases.some((c) => c.test && contains(c.test, a))) return true;
    }
  }
  return false;
}

function awaitsBefore(analysis: FileAnalysis, fn: t.Node, at: t.Node): boolean {
  const stack: t.Node[] = [(fn as t.Function).body];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (isFunction(node)) continue;
    const suspends = node.type === 'AwaitExpression' || node.type === 'YieldExpression' || (node.type === 'ForOfStatement' && node.await);
    if (suspends && (runsBefore(node, at) || sharedLoop(analysis, fn, node, at))) return true;
    stack.push(...childrenOf(node));
  }
  return false;
}
