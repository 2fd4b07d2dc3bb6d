// Review markers as splices: `// TODO(cloacina-migrate): <reason>` on a line of its own above
// the statement that holds the site, indented like that statement's line and ended like it.
// A marker already there (from an earlier run) is not added again, so a second run adds
// nothing, even where several sites share one line.
import type * as t from '@babel/types';
import type { ParsedFile } from '../analysis/parse.js';
import { pathTo } from '../analysis/walk.js';
import { flagMessage, MARKER, type PlannedFlag } from './flags.js';
import { lineEndOf, lineStartOf, terminatorLength } from './remove.js';
import type { Splice } from './splice.js';

/** Nodes whose direct children are statements (or class members) a comment line can precede. */
const STATEMENT_LISTS = new Set(['Program', 'BlockStatement', 'TSModuleBlock', 'StaticBlock', 'SwitchCase', 'ClassBody', 'TSInterfaceBody']);
/** Nodes inside which a line start is not between tokens. */
const TEXT_NODES = new Set(['StringLiteral', 'TemplateLiteral', 'TemplateElement', 'DirectiveLiteral', 'RegExpLiteral', 'JSXText', 'JSXElement', 'JSXFragment', 'JSXOpeningElement', 'JSXClosingElement', 'JSXAttribute']);

const BLANK = /^[ \t\f\v]*$/;

export interface PlacedFlag {
  flag: PlannedFlag;
  /** The marker splice added for it; undefined when an equal marker was already there. */
  marker: Splice | undefined;
}

/** Where a marker goes: the offset, the indentation, the line ending, and whether it is inline. */
interface Anchor {
  at: number;
  indent: string;
  eol: string;
  /** The marker follows code on its line (no line of its own was safe): `code // marker EOL indent`. */
  inline: boolean;
}

/**
 * The marker splices for `flags`, placed around `edits` (which they must not overlap): one
 * marker per message per anchor, none where the same marker already stands above.
 */
export function planMarkers(file: ParsedFile, edits: readonly Splice[], flags: readonly PlannedFlag[]): PlacedFlag[] {
  const placed: PlacedFlag[] = [];
  const byAnchor = new Map<string, Splice>();
  for (const flag of flags) {
    const anchor = anchorFor(file, flag.at, edits);
    const text = `${MARKER}: ${flagMessage(flag)}`;
    const key = `${anchor.at}\0${text}`;
    if (byAnchor.has(key) || markedAbove(file.text, anchor.at, text)) {
      placed.push({ flag, marker: byAnchor.get(key) });
      continue;
    }
    const marker: Splice = anchor.inline
      ? { start: anchor.at, end: anchor.at, text: `// ${text}${anchor.eol}${anchor.indent}` }
      : { start: anchor.at, end: anchor.at, text: `${anchor.indent}// ${text}${anchor.eol}` };
    byAnchor.set(key, marker);
    placed.push({ flag, marker });
  }
  return placed;
}

function anchorFor(file: ParsedFile, at: number, edits: readonly Splice[]): Anchor {
  const { text } = file;
  const path = pathTo(file.program, at);
  // Statements holding the site, innermost first.
  const statements: t.Node[] = [];
  for (let i = path.length - 1; i > 0; i--) if (STATEMENT_LISTS.has(path[i - 1]!.type)) statements.push(path[i]!);
  for (const statement of statements) {
    const lineStart = contentStart(text, lineStartOf(text, statement.start!));
    if (BLANK.test(text.slice(lineStart, statement.start!)) && !insideEdit(lineStart, edits)) {
      return { at: lineStart, indent: text.slice(lineStart, statement.start!), eol: eolAt(text, lineStart), inline: false };
    }
  }
  // Every statement shares its first line with code before it: above that line if its start
  // is between tokens, else right before the statement, after the code.
  const statement = statements[0] ?? path[path.length - 1]!;
  const lineStart = contentStart(text, lineStartOf(text, statement.start!));
  const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
  if (betweenTokens(file, lineStart) && !insideEdit(lineStart, edits)) return { at: lineStart, indent, eol: eolAt(text, lineStart), inline: false };
  return { at: statement.start!, indent, eol: eolAt(text, lineStart), inline: true };
}

/** A byte-order mark stays first: nothing is inserted before it. */
function contentStart(text: string, lineStart: number): number {
  return lineStart === 0 && text.startsWith('\uFEFF') ? 1 : lineStart;
}

const insideEdit = (offset: number, edits: readonly Splice[]) => edits.some((e) => e.start < offset && offset < e.end);

/** Whether the line start `offset` is between tokens (not inside a comment, string, template or JSX text). */
function betweenTokens(file: ParsedFile, offset: number): boolean {
  if (offset === 0) return true;
  if (file.comments.some((c) => c.start! < offset && offset < c.end!)) return false;
  const path = pathTo(file.program, offset - 1);
  return !path.some((node) => TEXT_NODES.has(node.type));
}

/** The line ending a new line at `offset` gets: that of the line there, else the one before, else LF. */
function eolAt(text: string, offset: number): string {
  const end = lineEndOf(text, offset);
  if (end < text.length) return text.slice(end, end + terminatorLength(text, end));
  const before = lineStartOf(text, offset);
  if (before > 0) return text[before - 2] === '\r' && text[before - 1] === '\n' ? '\r\n' : text[before - 1]!;
  return '\n';
}

/** Whether `marker` already stands in the run of marker lines just above `offset` (or on its line, before it). */
function markedAbove(text: string, offset: number, marker: string): boolean {
  const needle = `// ${marker}`;
  const ownLine = text.slice(lineStartOf(text, offset), offset);
  if (ownLine.trimEnd().endsWith(needle)) return true;
  let end = lineStartOf(text, offset);
  while (end > 0) {
    const terminator = text[end - 1] === '\n' && text[end - 2] === '\r' ? end - 2 : end - 1;
    const start = lineStartOf(text, terminator);
    const line = text.slice(start, terminator).trimEnd();
    if (!line.includes(`// ${MARKER}:`)) return false;
    if (line.endsWith(needle)) return true;
    end = start;
  }
  return false;
}
