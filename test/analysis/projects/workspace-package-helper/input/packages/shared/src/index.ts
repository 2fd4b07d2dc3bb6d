// Steps shared by the workspace's flows; this package does not depend on cloacina.
export function prune(ctx: any, key: string): void {
  ctx.remove(key);
}

export function readAll(ctx: any, keys: string[]): unknown[] {
  return keys.map((k) => ctx.getWithDependencies(k) ?? null);
}
