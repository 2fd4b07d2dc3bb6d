// Runs the ordered codemods over one file's text. Keeps the byte-order mark and the
// line endings; returns the same string when nothing changed.
import jscodeshift from 'jscodeshift';
import type { CodemodEntry } from '../codemods/index.js';
import type { Flag } from '../codemods/lib/flags.js';
import { parserFor } from './parsers.js';

export interface TransformOutcome {
  output: string;
  changed: boolean;
  flags: Flag[];
  /** Names of the transforms that changed the file. */
  applied: string[];
}

const BOM = '\uFEFF';

export function transformSource(path: string, source: string, codemods: readonly CodemodEntry[]): TransformOutcome {
  const bom = source.startsWith(BOM);
  let text = bom ? source.slice(1) : source;
  const crlf = text.includes('\r\n');
  if (crlf) text = text.replace(/\r\n/g, '\n');
  const j = jscodeshift.withParser(parserFor(path));
  const api = { jscodeshift: j, j, stats: () => {}, report: () => {} };
  const flags: Flag[] = [];
  const applied: string[] = [];
  let current = text;
  for (const codemod of codemods) {
    const result = codemod.transform({ path, source: current }, api as never, { flags } as never);
    if (typeof result === 'string' && result !== current) {
      current = result;
      applied.push(codemod.name);
    }
  }
  if (applied.length === 0) return { output: source, changed: false, flags, applied };
  let output = crlf ? current.replace(/\r?\n/g, '\r\n') : current;
  if (bom) output = BOM + output;
  return { output, changed: output !== source, flags, applied };
}
