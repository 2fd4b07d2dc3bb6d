// Reading the text around nodes: the next or previous character that is code (not
// whitespace, not a comment), the indentation and line ending of a statement's line.
import type { ParsedFile } from '../analysis/parse.js';
import { lineEndOf, lineStartOf, terminatorLength } from './remove.js';

const SPACE = /[\s\uFEFF]/;

/** The comment holding `offset`, if any (comments are sorted and disjoint). */
export function commentAt(file: ParsedFile, offset: number): { start: number; end: number } | undefined {
  const comments = file.comments;
  let low = 0;
  let high = comments.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const c = comments[mid]!;
    if (offset < c.start!) high = mid - 1;
    else if (offset >= c.end!) low = mid + 1;
    else return { start: c.start!, end: c.end! };
  }
  return undefined;
}

/** Offset of the first code character at or after `from` (text.length when none). */
export function nextCode(file: ParsedFile, from: number): number {
  let i = from;
  while (i < file.text.length) {
    const comment = commentAt(file, i);
    if (comment) i = comment.end;
    else if (SPACE.test(file.text[i]!)) i++;
    else return i;
  }
  return i;
}

/** Offset of the last code character before `from` (-1 when none). */
export function previousCode(file: ParsedFile, from: number): number {
  let i = from - 1;
  while (i >= 0) {
    const comment = commentAt(file, i);
    if (comment) i = comment.start - 1;
    else if (SPACE.test(file.text[i]!)) i--;
    else return i;
  }
  return i;
}

/** Whether text[start, end) holds a comment. */
export function hasComment(file: ParsedFile, start: number, end: number): boolean {
  return file.comments.some((c) => c.start! < end && c.end! > start);
}

/** The whitespace before `offset` on its line when only whitespace precedes it, else ''. */
export function indentOf(text: string, offset: number): string {
  const before = text.slice(lineStartOf(text, offset), offset);
  return /^[ \t]*$/.test(before) ? before : (/^[ \t]*/.exec(before)?.[0] ?? '');
}

/** The line ending of the line holding `offset`; the one before on a last line; else LF. */
export function lineEndingAt(text: string, offset: number): string {
  const end = lineEndOf(text, offset);
  if (end < text.length) return text.slice(end, end + terminatorLength(text, end));
  const start = lineStartOf(text, offset);
  if (start >= 2 && text[start - 2] === '\r' && text[start - 1] === '\n') return '\r\n';
  if (start >= 1) return text[start - 1]!;
  return '\n';
}
