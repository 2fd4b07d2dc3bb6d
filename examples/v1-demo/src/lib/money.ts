// Money is kept in whole cents so sums are exact.

/** "12.30" -> 1230; throws on anything that is not a price. */
export function toCents(price: string): number {
  const match = /^(\d+)\.(\d{2})$/.exec(price);
  if (!match) throw new Error(`not a price: ${JSON.stringify(price)}`);
  return Number(match[1]) * 100 + Number(match[2]);
}

/** 1230 -> "12.30" */
export function formatCents(cents: number): string {
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}
