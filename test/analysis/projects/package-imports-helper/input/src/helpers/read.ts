// Reads a value the task's dependencies produced.
export const read = (ctx: any, key: string): unknown => ctx.getWithDependencies(key) ?? 'none';
