// Named prepared statements for the queries the runtime sends again and again.
import type pg from 'pg';

const statementNames = new Map<string, string>();

/**
 * A query run as a named prepared statement: each connection parses and plans it once,
 * then only binds values. For the statements every task and claim goes through.
 */
export function prepared(text: string, values: unknown[]): pg.QueryConfig {
  let name = statementNames.get(text);
  if (name === undefined) statementNames.set(text, (name = `cloacina_${statementNames.size}`));
  return { name, text, values };
}
