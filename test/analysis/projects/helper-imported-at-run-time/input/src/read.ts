// Reads what the task's dependencies produced.
export function readAll(source: any, keys: string[]): unknown[] {
  return keys.map((k) => source.getWithDependencies(k));
}
