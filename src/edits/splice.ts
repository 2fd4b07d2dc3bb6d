// The only way output is produced: text splices at offsets taken from the parse. Every byte
// outside a splice's range is copied as it was, so nothing the migration did not mean to
// change can change.

/** Replace text[start, end) by `text`. start === end inserts. */
export interface Splice {
  start: number;
  end: number;
  text: string;
}

export class SpliceOverlapError extends Error {
  constructor(a: Splice, b: Splice) {
    super(`overlapping edits at [${a.start}, ${a.end}) and [${b.start}, ${b.end})`);
    this.name = 'SpliceOverlapError';
  }
}

/**
 * Splices in application order: by start, and at one offset insertions before the
 * replacement that starts there; insertions at one offset keep the order they were given.
 */
export function orderSplices(splices: readonly Splice[]): Splice[] {
  return splices
    .map((splice, index) => ({ splice, index }))
    .sort((a, b) => a.splice.start - b.splice.start || width(a.splice) - width(b.splice) || a.index - b.index)
    .map(({ splice }) => splice);
}

const width = (s: Splice) => (s.end > s.start ? 1 : 0);

/** Throws SpliceOverlapError when two splices would rewrite the same text. */
export function checkSplices(text: string, splices: readonly Splice[]): Splice[] {
  const ordered = orderSplices(splices);
  // Insertions may sit at either end of a replacement, never inside one.
  let reached = 0;
  let last: Splice | undefined;
  for (const splice of ordered) {
    if (splice.start < 0 || splice.end < splice.start || splice.end > text.length) {
      throw new RangeError(`edit [${splice.start}, ${splice.end}) is outside the text (length ${text.length})`);
    }
    if (splice.start < reached) throw new SpliceOverlapError(last!, splice);
    if (splice.end > reached) {
      reached = splice.end;
      last = splice;
    }
  }
  return ordered;
}

/** Applies the splices to `text` at once (offsets all refer to the original text). */
export function applySplices(text: string, splices: readonly Splice[]): string {
  return applyTracked(text, splices).output;
}

/** Applies the splices and tells where each one's new text starts in the output. */
export function applyTracked(text: string, splices: readonly Splice[]): { output: string; placedAt: Map<Splice, number> } {
  const placedAt = new Map<Splice, number>();
  if (splices.length === 0) return { output: text, placedAt };
  const ordered = checkSplices(text, splices);
  const parts: string[] = [];
  let at = 0;
  let length = 0;
  for (const splice of ordered) {
    const kept = text.slice(at, splice.start);
    parts.push(kept, splice.text);
    placedAt.set(splice, length + kept.length);
    length += kept.length + splice.text.length;
    at = splice.end;
  }
  parts.push(text.slice(at));
  return { output: parts.join(''), placedAt };
}

/**
 * Where an offset of the original text lands in the output. An offset inside a replaced
 * range lands at the start of its replacement; one at an insertion point lands after it.
 */
export function mapOffset(offset: number, splices: readonly Splice[]): number {
  let delta = 0;
  for (const splice of orderSplices(splices)) {
    if (splice.start > offset) break;
    if (splice.end > offset && splice.end > splice.start) return splice.start + delta;
    delta += splice.text.length - (splice.end - splice.start);
  }
  return offset + delta;
}
