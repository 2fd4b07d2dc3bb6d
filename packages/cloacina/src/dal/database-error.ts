// The one error type of the storage layer. Its message names the database and says what
// to do; the driver's own error stays reachable as `cause`.

export interface DatabaseErrorOptions extends ErrorOptions {
  /** The driver's code: `SQLITE_BUSY`, a PostgreSQL SQLSTATE such as `57P01`, `ECONNREFUSED`. */
  code?: string;
  /** Trying the same thing again later may succeed (busy, unreachable); nothing of it was stored. */
  transient?: boolean;
}

export class DatabaseError extends Error {
  override name = 'DatabaseError';
  readonly code: string | undefined;
  readonly transient: boolean;

  constructor(message: string, options: DatabaseErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code;
    this.transient = options.transient ?? false;
  }
}

/** Whether a failed storage call may succeed if tried again as it is. */
export function isTransient(error: unknown): boolean {
  return error instanceof DatabaseError && error.transient;
}
