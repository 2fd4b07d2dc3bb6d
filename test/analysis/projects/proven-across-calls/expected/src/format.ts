// Formatting helpers: they read the context, never remove from it.
export function label(ctx: { get(key: string): unknown }, key: string): string {
  return `${key}=${JSON.stringify(ctx.get(key))}`;
}
