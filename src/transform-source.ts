// Runs the ordered codemods over one file's text. Keeps the byte-order mark and the
// line endings; returns the same string when nothing changed.
import { createRequire } from 'node:module';
import type { JSCodeshift } from 'jscodeshift';
import type { CodemodEntry } from '../codemods/index.js';
import type { Flag } from '../codemods/lib/flags.js';
import { printFile } from '../codemods/lib/print.js';
import { parseFile, type ParsedFile } from './analysis/parse.js';
import type { ProjectIndex } from './analysis/project.js';
import { applyEdits } from './edits/apply.js';
import type { PlannedFlag } from './edits/flags.js';
import { applySplices, type Splice } from './edits/splice.js';
import { parserFor } from './parsers.js';
import { quickSplices } from './quick-transform.js';

export interface TransformOutcome {
  output: string;
  changed: boolean;
  flags: Flag[];
  /** Names of the transforms that changed the file. */
  applied: string[];
}

const BOM = '\uFEFF';

// Loaded with require: importing this CommonJS tree through the ESM loader makes Node lex
// every module of it for named exports, which costs more than the migration of many files.
// It is loaded on first use: files the fast path handles never need it.
let jscodeshift: JSCodeshift | undefined;

/** One jscodeshift instance per parser: building one is not free. */
const instances = new Map<object, JSCodeshift>();
function withParser(parser: object): JSCodeshift {
  let j = instances.get(parser);
  if (j === undefined) {
    jscodeshift ??= createRequire(import.meta.url)('jscodeshift/src/core.js') as JSCodeshift;
    j = jscodeshift.withParser(parser as never);
    instances.set(parser, j);
  }
  return j;
}

export interface TransformOptions {
  /** Try the Babel-only fast path first (default true); tests turn it off to compare. */
  fastPath?: boolean;
  /** The project the file belongs to (helpers, callers, barrels); without it the file is analysed alone. */
  project?: ProjectIndex;
}

export function transformSource(path: string, source: string, codemods: readonly CodemodEntry[], options: TransformOptions = {}): TransformOutcome {
  const bom = source.startsWith(BOM);
  let text = bom ? source.slice(1) : source;
  const crlf = text.includes('\r\n');
  if (crlf) text = text.replace(/\r\n/g, '\n');
  const applied = new Set<string>();
  const inOrder = () => codemods.map((c) => c.name).filter((name) => applied.has(name));
  const planning = codemods.filter((c) => c.plan !== undefined && c.relevant(text));
  const recasting = codemods.filter((c) => c.apply !== undefined && c.relevant(text));
  // Transforms on the splice engine plan on one parse of the text.
  const parsed = planning.length > 0 ? parseFile(path, text) : undefined;
  const planned = parsed ? plan(planning, parsed, options, applied) : { edits: [], flags: [] };

  // The fast path's splices join the planned ones: one parse, one application.
  const quick = recasting.length === 0 ? { splices: [], applied: [] } : options.fastPath === false ? undefined : quickSplices(path, text, recasting.map((c) => c.name), parsed?.program);
  if (quick !== undefined) {
    for (const name of quick.applied) applied.add(name);
    if (planned.edits.length === 0 && planned.flags.length === 0 && quick.splices.length === 0) return { output: source, changed: false, flags: [], applied: inOrder() };
    const all = [...planned.edits, ...quick.splices];
    // Markers need the parse; plain edits do not (an import-only file was parsed by the fast path alone).
    const result = parsed !== undefined ? applyEdits(parsed, all, planned.flags) : { output: applySplices(text, all), flags: [] };
    return { ...finish(result.output, source, bom, crlf, inOrder()), flags: result.flags };
  }

  // The full path: the jscodeshift transforms print first; the planned edits are made on what
  // they printed (planned again there), so every flag's line is a line of the text written.
  const flags: Flag[] = [];
  const j = withParser(parserFor(path));
  const root = j(text);
  let printed = false;
  for (const codemod of recasting) {
    if (codemod.apply!(j, root, text, { flags })) {
      applied.add(codemod.name);
      printed = true;
    }
  }
  let output = printed ? printFile(root, text) : text;
  if (parsed !== undefined) {
    const again = output === text ? { parsed, planned } : (() => {
      const reparsed = parseFile(path, output);
      return { parsed: reparsed, planned: plan(planning, reparsed, options, applied) };
    })();
    const result = applyEdits(again.parsed, again.planned.edits, again.planned.flags);
    flags.push(...result.flags);
    output = result.output;
  }
  if (output === text) return { output: source, changed: false, flags, applied: inOrder() };
  return { ...finish(output, source, bom, crlf, inOrder()), flags };
}

/** The edits and flags of the splice-engine transforms on one parse; records which would change the file. */
function plan(codemods: readonly CodemodEntry[], parsed: ParsedFile, options: TransformOptions, applied: Set<string>): { edits: Splice[]; flags: PlannedFlag[] } {
  const edits: Splice[] = [];
  const flags: PlannedFlag[] = [];
  for (const codemod of codemods) {
    const result = codemod.plan!(parsed, options.project);
    if (result.edits.length === 0 && result.flags.length === 0) continue;
    // Flags whose markers are there already (a second run) change nothing.
    if (result.edits.length > 0 || applyEdits(parsed, [], result.flags).output !== parsed.text) applied.add(codemod.name);
    edits.push(...result.edits);
    flags.push(...result.flags);
  }
  return { edits, flags };
}

function finish(current: string, source: string, bom: boolean, crlf: boolean, applied: string[]): TransformOutcome {
  let output = crlf ? current.replace(/\r?\n/g, '\r\n') : current;
  if (bom) output = BOM + output;
  return { output, changed: output !== source, flags: [], applied };
}
