// Reads what the task's dependencies produced.
export function readAll(source: any, keys: string[]): unknown[] {
  // TODO(cloacina-migrate): cannot tell whether this is a cloacina Context; if it is, apply the v2 change by hand; if not, give it a type that says what it is (readAll() may be called from code that cannot be followed (plugins.ts imports its module at run time))
  return keys.map((k) => source.getWithDependencies(k));
}
