// Ids, names and namespace parts share one rule so they survive `a::b::c::d` round
// trips, file names and database keys: no colon, no whitespace or control characters.
const NAME = /^[^\s:\u0000-\u001f\u007f]+$/u;

/** Throws a TypeError naming `what` when `value` cannot be used as a name. */
export function assertName(what: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || value === '') {
    throw new TypeError(`${what} must be a non-empty string, got ${JSON.stringify(value) ?? String(value)}`);
  }
  if (!NAME.test(value)) {
    throw new TypeError(
      `${what} ${JSON.stringify(value)} is invalid: it must not contain ':', whitespace or control characters`,
    );
  }
}
