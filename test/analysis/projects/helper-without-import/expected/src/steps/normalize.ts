// Normalisation steps shared by several tasks.
export function normalizedRows(ctx: any): number[] {
  const rows = (ctx.get('rows') as number[] | undefined) ?? [];
  return rows.map((r) => r / ((ctx.get('factor') as number | undefined) ?? 1));
}
