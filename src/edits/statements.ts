// New statements written next to an existing one, as the author would have: on a line of
// their own, indented like it, ended like its line, with a semicolon only when it has one.
import type { ParsedFile } from '../analysis/parse.js';
import { lineEndOf, lineStartOf } from './remove.js';
import type { Splice } from './splice.js';
import { commentAt, indentOf, lineEndingAt, nextCode } from './text.js';

interface Statement {
  start?: number | null;
  end?: number | null;
}

/** ';' when the statement ends with one (the file's style), else ''. */
export function semicolonOf(file: ParsedFile, statement: Statement): string {
  return file.text[statement.end! - 1] === ';' ? ';' : '';
}

/**
 * Inserts `code` (one statement, without line ending) on a new line after `statement`: after
 * the comments that end its line, or right after it when code follows on the same line.
 */
export function insertAfter(file: ParsedFile, statement: Statement, code: string): Splice {
  const { text } = file;
  const end = statement.end!;
  const indent = indentOf(text, statement.start!);
  const eol = lineEndingAt(text, end);
  const lineEnd = lineEndOf(text, end);
  const next = nextCode(file, end);
  // Only comments (each closed on this line) between the statement and the line's end.
  let onlyComments = next >= lineEnd;
  for (let i = end; onlyComments && i < lineEnd; i++) {
    const comment = commentAt(file, i);
    if (comment && comment.end > lineEnd) onlyComments = false;
    if (comment) i = comment.end - 1;
  }
  if (onlyComments && lineEnd < text.length) return { start: lineEnd, end: lineEnd, text: `${eol}${indent}${code}` };
  if (onlyComments) return { start: text.length, end: text.length, text: `${eol}${indent}${code}` };
  return { start: end, end, text: `${eol}${indent}${code}` };
}

/** Inserts `code` on a new line before `statement` (at its line's start when only indentation precedes it). */
export function insertBefore(file: ParsedFile, statement: Statement, code: string): Splice {
  const { text } = file;
  const start = statement.start!;
  const lineStart = lineStartOf(text, start);
  const eol = lineEndingAt(text, start);
  const before = text.slice(lineStart, start);
  if (/^[ \t]*$/.test(before) && !(lineStart === 0 && text.startsWith('\uFEFF'))) {
    return { start: lineStart, end: lineStart, text: `${before}${code}${eol}` };
  }
  return { start, end: start, text: `${code}${eol}${indentOf(text, start)}` };
}
