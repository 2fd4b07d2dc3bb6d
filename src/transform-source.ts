// Runs the ordered codemods over one file's text. Keeps the byte-order mark and the
// line endings; returns the same string when nothing changed.
import { createRequire } from 'node:module';
import type { JSCodeshift } from 'jscodeshift';
import type { CodemodEntry } from '../codemods/index.js';
import type { Flag } from '../codemods/lib/flags.js';
import { printFile } from '../codemods/lib/print.js';
import { parseFile } from './analysis/parse.js';
import type { ProjectIndex } from './analysis/project.js';
import { applyEdits } from './edits/apply.js';
import { parserFor } from './parsers.js';
import { quickTransform } from './quick-transform.js';

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
  const flags: Flag[] = [];
  const applied: string[] = [];
  // Transforms on the splice engine run first, each on the text the previous one left.
  for (const codemod of codemods) {
    if (codemod.plan === undefined || !codemod.relevant(text)) continue;
    const parsed = parseFile(path, text);
    const plan = codemod.plan(parsed, options.project);
    if (plan.edits.length === 0 && plan.flags.length === 0) continue;
    const result = applyEdits(parsed, plan.edits, plan.flags);
    flags.push(...result.flags);
    if (result.output !== text) applied.push(codemod.name);
    text = result.output;
  }
  const relevant = codemods.filter((c) => c.apply !== undefined && c.relevant(text));
  if (relevant.length === 0) return { ...finish(text, source, bom, crlf, applied), flags };
  const quick = options.fastPath === false ? undefined : quickTransform(path, text, relevant.map((c) => c.name));
  if (quick !== undefined) return { ...finish(quick.output, source, bom, crlf, [...applied, ...quick.applied]), flags };
  // One parse and one print for the remaining transforms.
  const j = withParser(parserFor(path));
  const root = j(text);
  const sink = { flags };
  const before = applied.length;
  for (const codemod of relevant) if (codemod.apply!(j, root, text, sink)) applied.push(codemod.name);
  if (applied.length === before) return { ...finish(text, source, bom, crlf, applied), flags };
  return { ...finish(printFile(root, text), source, bom, crlf, applied), flags };
}

function finish(current: string, source: string, bom: boolean, crlf: boolean, applied: string[]): TransformOutcome {
  let output = crlf ? current.replace(/\r?\n/g, '\r\n') : current;
  if (bom) output = BOM + output;
  return { output, changed: output !== source, flags: [], applied };
}
