// Shared token handling for the workflow's tasks.
interface TokenSource {
  getWithDependencies(key: string): unknown;
}

export function tokenOf(source: TokenSource): string {
  return (source.getWithDependencies('token') as string | undefined) ?? 'none';
}
