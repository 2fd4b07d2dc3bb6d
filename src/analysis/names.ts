// The names the analysis knows: the context methods v2 removed, and every member a cloacina
// Context has (a type that asks for any other member cannot hold a Context).

export const LOADERS: ReadonlySet<string> = new Set(['loadFromDependenciesAndCache', 'getWithDependencies']);
export const SETTERS: ReadonlySet<string> = new Set(['setDependencyLoader', 'setExecutionScope']);
export const SCOPE_READ = 'executionScope';
export const REMOVED_METHODS: ReadonlySet<string> = new Set([...LOADERS, ...SETTERS, SCOPE_READ]);

/** Public members of the v1 Context (the v2 ones and the removed ones) and of every object. */
export const CONTEXT_MEMBERS: ReadonlySet<string> = new Set([
  'insert', 'update', 'set', 'get', 'getRequired', 'has', 'remove', 'keys', 'data', 'clone', 'toJSON', 'encode',
  ...REMOVED_METHODS,
  'constructor', 'toString', 'toLocaleString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', 'propertyIsEnumerable',
]);

/** Context methods that never remove a key (reading, writing, copying). */
export const NON_REMOVING: ReadonlySet<string> = new Set([...CONTEXT_MEMBERS].filter((m) => m !== 'remove' && m !== 'setDependencyLoader'));

/** A cheap text check: only files that name a removed method can hold one of its uses. */
export function mentionsRemovedMethod(text: string): boolean {
  for (const name of REMOVED_METHODS) if (text.includes(name)) return true;
  return false;
}

/** A computed member (`x[expr]`): its name may be a removed method spelt in pieces. */
const COMPUTED_MEMBER = /[\p{ID_Continue}$)\]]\s*(?:\?\.\s*)?\[/u;

/** `Reflect.get(obj, name)` and the like: a member read by a name that may be computed. */
const REFLECTIVE_READ = /\bReflect\s*\.|\bObject\s*\.\s*(?:hasOwn|getOwnPropertyDescriptor)\b/;

/** A cheap text check: the file may read a member reflectively (`Reflect.get(obj, name)`). */
export function mentionsReflectiveRead(text: string): boolean {
  return REFLECTIVE_READ.test(text);
}

/** A cheap text check: the file names a removed method, or computes member names. */
export function mayNameRemovedMethod(text: string): boolean {
  return mentionsRemovedMethod(text) || COMPUTED_MEMBER.test(text) || mentionsReflectiveRead(text);
}
