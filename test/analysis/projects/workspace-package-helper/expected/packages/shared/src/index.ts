// Steps shared by the workspace's flows; this package does not depend on cloacina.
export function prune(ctx: any, key: string): void {
  ctx.remove(key);
}

export function readAll(ctx: any, keys: string[]): unknown[] {
  // TODO(cloacina-migrate): the key may have been removed from the context before this call; v1 then read the raw dependency value, v2 has no equivalent (ctx.remove(key) in index.ts can run first)
  return keys.map((k) => ctx.getWithDependencies(k) ?? null);
}
