/** Epoch milliseconds from a number or a Date, naming the field when it is neither. */
export function millis(field: string, value: number | Date): number {
  const ms = value instanceof Date ? value.getTime() : value;
  if (typeof ms !== 'number' || !Number.isFinite(ms)) throw new TypeError(`${field} must be a Date or epoch milliseconds, got ${String(value)}`);
  return ms;
}
