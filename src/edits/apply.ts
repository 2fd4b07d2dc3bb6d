// Applies a file's planned edits and the markers of its flags in one pass, and reports each
// flag with its line in the text written.
import type { ParsedFile } from '../analysis/parse.js';
import { flagMessage, type Flag, type PlannedFlag } from './flags.js';
import { planMarkers } from './markers.js';
import { applyTracked, mapOffset, type Splice } from './splice.js';

export interface EditResult {
  output: string;
  flags: Flag[];
  /** The flags that added a marker (the others found theirs already there). */
  marked: ReadonlySet<PlannedFlag>;
}

export function applyEdits(file: ParsedFile, edits: readonly Splice[], flags: readonly PlannedFlag[]): EditResult {
  const placed = planMarkers(file, edits, flags);
  const markers = placed.flatMap((p) => (p.marker ? [p.marker] : []));
  const all = [...edits, ...new Set(markers)];
  const { output, placedAt } = applyTracked(file.text, all);
  const lines = lineStarts(output);
  const reported = placed.map(({ flag, marker }): Flag => {
    // A site that an edit removed is reported at its marker.
    const removed = edits.some((e) => e.start <= flag.at && flag.at < e.end && e.text === '');
    const at = removed && marker ? placedAt.get(marker)! : mapOffset(flag.at, all);
    return { reason: flag.reason, message: flagMessage(flag), line: lineOf(lines, at) };
  });
  return { output, flags: reported, marked: new Set(placed.flatMap((p) => (p.marker ? [p.flag] : []))) };
}

/** Offsets where lines begin (after LF, CRLF or a lone CR). */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) starts.push(i + 1);
  }
  return starts;
}

function lineOf(starts: readonly number[], offset: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (starts[mid]! <= offset) low = mid;
    else high = mid - 1;
  }
  return low + 1;
}
