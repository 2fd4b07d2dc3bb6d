// Removing items from a comma-separated list (import and export specifiers, destructuring
// properties) as splices: each removed item takes one comma with it, the whitespace that
// would be left doubled, and its line when nothing else stands on it. Comments stay.
import type { ParsedFile } from '../analysis/parse.js';
import { lineEndOf, lineStartOf, terminatorLength } from './remove.js';
import type { Splice } from './splice.js';
import { hasComment, nextCode, previousCode } from './text.js';

interface Item {
  start?: number | null;
  end?: number | null;
}

const isBlank = (s: string) => /^[ \t]*$/.test(s);

/** Splices that remove `items[i]` for every i in `remove` (not all of them: a list stays). */
export function removeListItems(file: ParsedFile, items: readonly Item[], remove: ReadonlySet<number>): Splice[] {
  const { text } = file;
  const commaAfter = items.map((item) => {
    const at = nextCode(file, item.end!);
    return text[at] === ',' ? at : -1;
  });
  const taken = new Set<number>();
  const splices: Splice[] = [];
  // Right to left: a removed last item without a trailing comma takes the comma before it,
  // and so does a removed item whose own comma that one took.
  for (let i = items.length - 1; i >= 0; i--) {
    if (!remove.has(i)) continue;
    const item = items[i]!;
    const after = commaAfter[i]!;
    if (after >= 0 && !taken.has(after)) {
      taken.add(after);
      splices.push(...cut(file, item.start!, item.end!, after, 'after'));
      continue;
    }
    const before = i > 0 ? commaAfter[i - 1]! : -1;
    if (before >= 0 && !taken.has(before)) {
      taken.add(before);
      splices.push(...cut(file, item.start!, item.end!, before, 'before'));
      continue;
    }
    splices.push(wholeLine(text, { start: item.start!, end: item.end!, text: '' }));
  }
  return withoutTrailingSpace(text, splices);
}

/**
 * Adjacent deletions joined, and one that reaches its line's end takes the spaces before it
 * too, so none are left trailing (`import { task,⏎` must not become `import { ⏎`).
 */
function withoutTrailingSpace(text: string, splices: Splice[]): Splice[] {
  const sorted = [...splices].sort((a, b) => a.start - b.start);
  const joined: Splice[] = [];
  for (const s of sorted) {
    const last = joined[joined.length - 1];
    if (last && last.text === '' && s.text === '' && last.end === s.start) joined[joined.length - 1] = { start: last.start, end: s.end, text: '' };
    else joined.push(s);
  }
  return joined.map((s, i) => {
    if (s.text !== '' || (text[s.end] !== '\n' && text[s.end] !== '\r')) return s;
    const floor = i > 0 ? joined[i - 1]!.end : 0;
    let start = s.start;
    while (start > floor && (text[start - 1] === ' ' || text[start - 1] === '\t')) start--;
    return start === s.start ? s : wholeLine(text, { start, end: s.end, text: '' });
  });
}

/** The item and its comma, with the whitespace between them when no comment is there. */
function cut(file: ParsedFile, start: number, end: number, comma: number, side: 'before' | 'after'): Splice[] {
  const { text } = file;
  if (side === 'after') {
    if (hasComment(file, end, comma)) return [wholeLine(text, { start, end, text: '' }), { start: comma, end: comma + 1, text: '' }];
    let stop = comma + 1;
    while (text[stop] === ' ' || text[stop] === '\t') stop++;
    return [wholeLine(text, { start, end: stop, text: '' })];
  }
  if (hasComment(file, comma, start)) return [{ start: comma, end: comma + 1, text: '' }, wholeLine(text, { start, end, text: '' })];
  return [{ start: comma, end, text: '' }];
}

/** A deletion that would leave its line blank takes the line. */
function wholeLine(text: string, splice: Splice): Splice {
  const lineStart = lineStartOf(text, splice.start);
  const lineEnd = lineEndOf(text, splice.end);
  if (!isBlank(text.slice(lineStart, splice.start)) || !isBlank(text.slice(splice.end, lineEnd))) return splice;
  if (lineEnd >= text.length) return splice;
  return { start: lineStart, end: lineEnd + terminatorLength(text, lineEnd), text: '' };
}

/** Offset just after the closing token that follows the list's last item (`}` of `{ a, b, }`). */
export function listClose(file: ParsedFile, lastItem: Item): number {
  let at = nextCode(file, lastItem.end!);
  if (file.text[at] === ',') at = nextCode(file, at + 1);
  return at + 1;
}

/** Offset of the opening token before the list's first item. */
export function listOpen(file: ParsedFile, firstItem: Item): number {
  return previousCode(file, firstItem.start!);
}
