// Reads a value the task's dependencies produced.
// TODO(cloacina-migrate): the key may have been removed from the context before this call; v1 then read the raw dependency value, v2 has no equivalent (ctx.remove('j') in workflow.ts can run first)
export const read = (ctx: any, key: string): unknown => ctx.getWithDependencies(key) ?? 'none';
