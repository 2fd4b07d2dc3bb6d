// Reads the parts of a pnpm-workspace.yaml that a migration needs, with their positions:
// the `packages` globs and the `catalog` / `catalogs` entries. Only the plain block style
// pnpm's own docs use is read (flow collections, anchors, tags, block scalars and escapes
// are refused with their line), and only the keys asked for: other settings are not read.

export interface YamlEntry {
  key: string;
  value: string;
  /** Where the value's text (quotes included) starts and ends. */
  valueStart: number;
  valueEnd: number;
  quote: '' | "'" | '"';
  /** The end of the entry's line, before its line break. */
  lineEnd: number;
  indent: string;
}

export class YamlShapeError extends Error {
  override name = 'YamlShapeError';
  constructor(
    readonly line: number,
    what: string,
  ) {
    super(`line ${line}: ${what}`);
  }
}

interface Line {
  number: number;
  start: number;
  /** End of the content, before the line break. */
  end: number;
  text: string;
  indent: number;
  /** Blank or a comment only. */
  empty: boolean;
}

function linesOf(text: string): Line[] {
  const lines: Line[] = [];
  let start = text.startsWith('\uFEFF') ? 1 : 0;
  for (let number = 1; start <= text.length; number++) {
    let end = text.indexOf('\n', start);
    const next = end === -1 ? text.length + 1 : end + 1;
    if (end === -1) end = text.length;
    if (end > start && text[end - 1] === '\r') end--;
    const content = text.slice(start, end);
    const indent = /^ */.exec(content)![0].length;
    const rest = content.slice(indent);
    lines.push({ number, start, end, text: content, indent, empty: rest === '' || rest.startsWith('#') });
    start = next;
  }
  return lines;
}

const KEY = /^( *)('(?:[^']|'')*'|"[^"\\]*"|[^\s'"#:][^:#]*?)\s*:(?:\s+|$)(.*)$/;

function unquote(key: string): string {
  if (key.startsWith("'")) return key.slice(1, -1).replace(/''/g, "'");
  if (key.startsWith('"')) return key.slice(1, -1);
  return key;
}

/** A key line: its key and where its value (if any, on the same line) starts. */
function keyLine(line: Line): { key: string; valueOffset: number; rest: string } | undefined {
  const match = KEY.exec(line.text);
  if (match === null) return undefined;
  const rest = match[3]!;
  return { key: unquote(match[2]!), valueOffset: line.text.length - rest.length, rest };
}

/** The lines of the block under `lines[at]` (more indented than `indent`). */
function blockAfter(lines: readonly Line[], at: number, indent: number): Line[] {
  const block: Line[] = [];
  for (let i = at + 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line.empty && line.indent <= indent) break;
    if (!line.empty && line.text.trim() === '---') break;
    block.push(line);
  }
  return block;
}

function refuse(line: Line, what: string): never {
  throw new YamlShapeError(line.number, what);
}

/** A scalar on `line` starting at column `offset`: plain, '...' or "..." (no escapes). */
function scalar(line: Line, offset: number, key: string): YamlEntry {
  const rest = line.text.slice(offset);
  let value: string;
  let quote: YamlEntry['quote'] = '';
  let length: number;
  if (rest.startsWith("'")) {
    const match = /^'((?:[^']|'')*)'/.exec(rest) ?? refuse(line, 'a quoted value that does not end on its line');
    value = match[1]!.replace(/''/g, "'");
    length = match[0].length;
    quote = "'";
  } else if (rest.startsWith('"')) {
    const match = /^"([^"\\]*)"/.exec(rest) ?? refuse(line, 'a double-quoted value with escapes or that does not end on its line');
    value = match[1]!;
    length = match[0].length;
    quote = '"';
  } else {
    if (/^[[{&*!|>%@`]/.test(rest)) refuse(line, `a value in a YAML form this tool does not edit (${rest[0]})`);
    const match = /^(.*?)\s*(?:\s#.*)?$/.exec(rest)!;
    value = match[1]!;
    length = value.length;
  }
  const valueStart = line.start + offset;
  return { key, value, valueStart, valueEnd: valueStart + length, quote, lineEnd: line.end, indent: ' '.repeat(line.indent) };
}

/** The entries of a block mapping of scalars. */
function mapping(block: readonly Line[]): YamlEntry[] {
  const entries: YamlEntry[] = [];
  const indent = block.find((l) => !l.empty)?.indent;
  for (const line of block) {
    if (line.empty) continue;
    if (line.indent !== indent) refuse(line, 'a nested value where a version was expected');
    const key = keyLine(line) ?? refuse(line, 'not a "name: version" line');
    if (key.rest === '' || key.rest.startsWith('#')) refuse(line, 'a nested value where a version was expected');
    entries.push(scalar(line, key.valueOffset, key.key));
  }
  return entries;
}

function topLevel(lines: readonly Line[], name: string): { line: Line; at: number; rest: string } | undefined {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.empty || line.indent !== 0) continue;
    const key = keyLine(line);
    if (key?.key === name) return { line, at: i, rest: key.rest };
  }
  return undefined;
}

function blockOf(lines: readonly Line[], found: { line: Line; at: number; rest: string }): Line[] {
  if (found.rest !== '' && !found.rest.startsWith('#')) refuse(found.line, `a value in a YAML form this tool does not edit (${found.rest[0]})`);
  return blockAfter(lines, found.at, found.line.indent);
}

/**
 * The entries of the catalog `name` ('default' is the top-level `catalog`, or
 * `catalogs.default`) and where it sits; undefined when the file has no such catalog.
 */
export function catalogEntries(text: string, name: string): { path: string; entries: YamlEntry[] } | undefined {
  const lines = linesOf(text);
  if (name === 'default') {
    const top = topLevel(lines, 'catalog');
    if (top !== undefined) return { path: 'catalog', entries: mapping(blockOf(lines, top)) };
  }
  const catalogs = topLevel(lines, 'catalogs');
  if (catalogs === undefined) return undefined;
  const block = blockOf(lines, catalogs);
  for (let i = 0; i < block.length; i++) {
    const line = block[i]!;
    if (line.empty) continue;
    const key = keyLine(line);
    if (key?.key !== name) continue;
    const index = lines.indexOf(line);
    return { path: `catalogs.${name}`, entries: mapping(blockOf(lines, { line, at: index, rest: key.rest })) };
  }
  return undefined;
}

/** The `packages` globs, or undefined when there is no such list. */
export function workspacePackages(text: string): string[] | undefined {
  const lines = linesOf(text);
  const top = topLevel(lines, 'packages');
  if (top === undefined) return undefined;
  const globs: string[] = [];
  for (const line of blockOf(lines, top)) {
    if (line.empty) continue;
    const item = /^( *- +)/.exec(line.text) ?? refuse(line, 'not a "- glob" line');
    globs.push(scalar(line, item[1]!.length, '').value);
  }
  return globs;
}

/** `value` written as a YAML scalar in the given quoting. */
export function yamlScalar(value: string, quote: YamlEntry['quote']): string {
  if (quote === "'") return `'${value.replace(/'/g, "''")}'`;
  if (quote === '"') return `"${value}"`;
  return value;
}

/** A key as YAML needs it: plain when it can be, else single-quoted. */
export function yamlKey(key: string): string {
  return /^[\w-]+$/.test(key) ? key : `'${key.replace(/'/g, "''")}'`;
}
