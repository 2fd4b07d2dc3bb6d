// Text checks on the files of a package that a run did not migrate (outside the given
// paths, or left as they were): do they still need cloacina v1, or the runtime at all?
// They err on the side of keeping: a false alarm holds a dependency back, never breaks code.

/** The Context methods v2 removed: code that calls them needs cloacina v1. */
const REMOVED_METHODS = ['loadFromDependenciesAndCache', 'getWithDependencies', 'setDependencyLoader', 'setExecutionScope', 'executionScope'];
/** Names v1's cloacina exported that v2's does not. */
const V1_ONLY_NAMES = ['DependencyLoader', 'ExecutionScope'];

const REMOVED = new RegExp(`\\b(${REMOVED_METHODS.join('|')})\\b`, 'g');
const V1_ONLY = new RegExp(`\\b(${V1_ONLY_NAMES.join('|')})\\b`, 'g');
/** A review marker quotes the method it is about; it is not a use. */
const MARKER_LINE = /\/\/\s*TODO\(cloacina-migrate\).*$/gm;
const RUNTIME_SPECIFIER = /(['"`])cloacina(?:\/[\w./-]*)?\1/;

/** What in `text` needs cloacina v1 (the removed methods, the v1-only names), deduplicated. */
export function v1Uses(text: string): string[] {
  const code = text.replace(MARKER_LINE, '');
  const found = new Set<string>();
  for (const match of code.matchAll(REMOVED)) found.add(`${match[1]}()`);
  if (RUNTIME_SPECIFIER.test(code)) for (const match of code.matchAll(V1_ONLY)) found.add(match[1]!);
  return [...found];
}

/** True when `text` names the cloacina package (or one of its subpaths) as a module. */
export function namesRuntime(text: string): boolean {
  return RUNTIME_SPECIFIER.test(text);
}

/** A word `cloacina` used as a command (not cloacina-migrate or cloacina-workflow, not a key). */
const COMMAND = /(?:^|[\s;&|()`'"/=])cloacina(?![\w-])(?!['"]?\s*:)/;

/** The names of the npm scripts that run the `cloacina` command. */
export function scriptsCallingCloacina(scripts: unknown): string[] {
  if (scripts === null || typeof scripts !== 'object') return [];
  return Object.entries(scripts as Record<string, unknown>)
    .filter(([, command]) => typeof command === 'string' && COMMAND.test(command))
    .map(([name]) => name);
}
