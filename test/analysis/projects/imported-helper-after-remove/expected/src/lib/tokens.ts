// Shared token handling for the workflow's tasks.
interface TokenSource {
  getWithDependencies(key: string): unknown;
}

export function tokenOf(source: TokenSource): string {
  // TODO(cloacina-migrate): the key may have been removed from the context before this call; v1 then read the raw dependency value, v2 has no equivalent (ctx.remove('token') in workflow.ts can run first)
  return (source.getWithDependencies('token') as string | undefined) ?? 'none';
}
