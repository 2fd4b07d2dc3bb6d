// Normalisation steps shared by several tasks.
export function normalizedRows(ctx: any): number[] {
  const rows = (ctx.loadFromDependenciesAndCache('rows') as number[] | undefined) ?? [];
  return rows.map((r) => r / ((ctx.getWithDependencies('factor') as number | undefined) ?? 1));
}
