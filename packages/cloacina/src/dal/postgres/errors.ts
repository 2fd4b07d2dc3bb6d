// pg's errors turned into DatabaseErrors that name the database (never its password) and
// say what to do; a server that is down, restarting or unreachable is marked transient, so
// a batch of writes is tried again rather than failing its executions for good.
import { DatabaseError } from '../database-error.js';

/** `postgresql://user@host:port/database`, without password or query. */
export function describePostgres(url: string): string {
  try {
    const u = new URL(url);
    const host = decodeURIComponent(u.hostname || u.searchParams.get('host') || 'localhost');
    return `PostgreSQL database ${decodeURIComponent(u.pathname.slice(1)) || '(default)'} at ${u.username ? `${decodeURIComponent(u.username)}@` : ''}${host}${u.port ? `:${u.port}` : ''}`;
  } catch {
    return 'PostgreSQL database (unparsable URL)';
  }
}

/** Network errors of the socket, by Node's error code. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOENT']);
/** pg's own wording when a connection drops or a client-side timeout fires (it sets no code). */
const DROPPED = /Connection terminated|timeout exceeded when trying to connect|Query read timeout|Connection ended|connection error/i;

function advice(code: string | undefined, message: string, statementTimeoutMs: number): { text: string; transient: boolean } {
  if ((code !== undefined && UNREACHABLE.has(code)) || code?.startsWith('08') || (code === undefined && DROPPED.test(message))) {
    return { text: 'cannot be reached or dropped the connection; check that the server is up and reachable (writes are tried again meanwhile)', transient: true };
  }
  switch (code) {
    case '57P01': // admin_shutdown
    case '57P02': // crash_shutdown
    case '57P03': // cannot_connect_now (starting up, recovering)
      return { text: 'is shutting down or starting up; writes are tried again until it is back', transient: true };
    case '53300':
      return { text: 'has no free connection slot (max_connections); raise it or run fewer clients', transient: true };
    case '40001':
    case '40P01':
      return { text: 'aborted a transaction to resolve a conflict; it is tried again', transient: true };
    case '57014':
      return { text: `cancelled a statement that ran longer than ${statementTimeoutMs} ms (statementTimeoutMs; a lock held by another session, or an overloaded server)`, transient: true };
    case '28P01':
    case '28000':
      return { text: 'refused the credentials; check the user and password of the connection URL (or PGPASSWORD)', transient: false };
    case '3D000':
      return { text: 'does not exist; create it (createdb) or fix the URL', transient: false };
    case '42501':
      return { text: 'refused access (permissions); grant the role what the schema needs', transient: false };
    case '53100':
      return { text: 'cannot grow: the server disk is full; free space (what failed was not stored)', transient: false };
    default:
      // pg's own refusal to answer a password request (no password given): no SQLSTATE.
      if (code === undefined && /password/i.test(message)) return { text: 'asks for a password the connection URL does not give (nor PGPASSWORD); add it', transient: false };
      return { text: 'failed', transient: false };
  }
}

/** A DatabaseError for a pg error, or the error itself when it already is one. */
export function postgresError(database: string, error: unknown, statementTimeoutMs: number): Error {
  if (error instanceof DatabaseError) return error;
  if (!(error instanceof Error)) return new DatabaseError(`${database} failed: ${String(error)}`, { cause: error });
  const raw = (error as { code?: unknown }).code;
  const code = typeof raw === 'string' ? raw : undefined;
  const { text, transient } = advice(code, error.message, statementTimeoutMs);
  return new DatabaseError(`${database} ${text} (${code ? `${code}: ` : ''}${error.message})`, { cause: error, transient, ...(code ? { code } : {}) });
}
