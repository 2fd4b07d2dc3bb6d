// Maps a line of the migrated file back to the line of the v1 file it came from, so a
// flag is judged on the site it marks whichever file its line number counts in (the one
// as written, with review markers and moved imports, or the original).
import { MARKER } from '../edits/flags.js';

/** For each 1-based line of `after`, the 1-based line of `before` it stands for. */
export function lineMap(before: string, after: string): Map<number, number> {
  const a = before.split('\n');
  const b = after.split('\n');
  // Longest common subsequence of lines; files here are a few hundred lines at most.
  const n = a.length;
  const m = b.length;
  const table = Array.from({ length: n + 1 }, () => new Uint16Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) table[i]![j] = a[i] === b[j] ? table[i + 1]![j + 1]! + 1 : Math.max(table[i + 1]![j]!, table[i]![j + 1]!);
  }
  const map = new Map<number, number>();
  let i = 0;
  let j = 0;
  while (j < m) {
    if (i < n && a[i] === b[j]) {
      map.set(j + 1, i + 1);
      i++;
      j++;
    } else if (i < n && table[i + 1]![j]! >= table[i]![j + 1]!) {
      i++;
    } else {
      // A line the migration wrote or changed: it stands where the next original line is.
      map.set(j + 1, Math.min(i + 1, n));
      j++;
    }
  }
  // A marker stands for the statement below it.
  for (let line = m; line >= 1; line--) if (b[line - 1]!.includes(MARKER) && map.has(line + 1)) map.set(line, map.get(line + 1)!);
  return map;
}
