// Removing a statement as a splice: its whole line when it stands alone on it (so no blank
// line is left behind), else just its text and the spaces after it.
import type { Splice } from './splice.js';

const isBlank = (s: string) => /^[ \t\f\v\uFEFF]*$/.test(s);

/** Start of the line holding `offset` (after the previous line terminator). */
export function lineStartOf(text: string, offset: number): number {
  for (let i = offset - 1; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) return i + 1;
  }
  return 0;
}

/** Offset of the line terminator ending the line holding `offset` (text.length on the last line). */
export function lineEndOf(text: string, offset: number): number {
  for (let i = offset; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) return i;
  }
  return text.length;
}

/** Length of the line terminator at `offset` (2 for CRLF, 1 for LF or CR, 0 at the end). */
export function terminatorLength(text: string, offset: number): number {
  if (text.startsWith('\r\n', offset)) return 2;
  return offset < text.length ? 1 : 0;
}

/** The splice that deletes text[start, end), a whole statement. */
export function removeStatement(text: string, start: number, end: number): Splice {
  const lineStart = lineStartOf(text, start);
  const lineEnd = lineEndOf(text, end);
  if (isBlank(text.slice(lineStart, start)) && isBlank(text.slice(end, lineEnd))) {
    // Alone on its lines: the lines go, terminator included; the last line of a file keeps
    // the previous terminator.
    const after = lineEnd + terminatorLength(text, lineEnd);
    return { start: lineStart, end: after, text: '' };
  }
  // Shares its line: the spaces after it go too, or, at the end of the line, those before it.
  let stop = end;
  while (stop < lineEnd && (text[stop] === ' ' || text[stop] === '\t')) stop++;
  let from = start;
  if (stop === lineEnd) while (from > lineStart && (text[from - 1] === ' ' || text[from - 1] === '\t')) from--;
  return { start: from, end: stop, text: '' };
}

/** How a statement can start that continues an expression left open before it. */
const CONTINUES = /^[([`+\-/<]/;

/**
 * The splice that deletes text[start, end), a statement of a list, `next` the statement after
 * it there. Code before it that automatic semicolon insertion ended there (`a = b` with no
 * `;`, a directive) would join `next` once it is gone if `next` starts like a continuation
 * (`(`, `[`, a template, a sign, a regular expression): then a `;` stays in its place.
 */
export function removeListedStatement(text: string, start: number, end: number, next: { start?: number | null } | undefined): Splice {
  if (next?.start != null && CONTINUES.test(text.slice(next.start, next.start + 1))) return { start, end, text: ';' };
  return removeStatement(text, start, end);
}
