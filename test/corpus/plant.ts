// Plants v1 cloacina code into a real file, in regions marked by comments, and cuts the
// regions out again: a migration changed nothing else when the cut output equals the real
// text. Used by the corpus test (and for measuring on large repositories).
import { parseFile } from '../../src/analysis/parse.js';


export const START = 'cloacina-planted:start';
export const END = 'cloacina-planted:end';

export interface Region {
  /** Its number, in its sentinel comments. */
  n: number;
  /** Offset in the real text where the region goes. */
  at: number;
  text: string;
  /** The region starts with a line ending of its own (the real text did not end with one). */
  leadingEol: boolean;
  eol: string;
}

/** The line ending at `offset` (that of its line, else the previous one, else LF). */
function eolAt(text: string, offset: number): string {
  const match = /\r\n|\n|\r/.exec(text.slice(offset));
  if (match) return match[0];
  const before = /(\r\n|\n|\r)[^\r\n]*$/.exec(text.slice(0, offset));
  return before ? before[1]! : '\n';
}

const lineStart = (text: string, offset: number) => Math.max(text.lastIndexOf('\n', offset - 1), text.lastIndexOf('\r', offset - 1)) + 1;

function block(lines: string[], indent: string, eol: string, n: number): string {
  return [`// ${START} ${n}`, ...lines, `// ${END} ${n}`].map((l) => `${indent}${l}${eol}`).join('');
}

/** v1 code for the file's module system and semicolon style, in up to three regions. */
export function plant(path: string, text: string): { planted: string; regions: Region[] } {
  const file = parseFile(path, text);
  const body = file.program.body;
  const esm = body.some((s) => /^(Import|Export)/.test(s.type)) || /\.[mc]?tsx?$/.test(path);
  const semi = body.some((s) => text[s.end! - 1] === ';') ? ';' : '';
  const regions: Region[] = [];

  // Imports where the first statement starts (after shebang, directives, header comments).
  const first = body[0]!;
  const importsAt = lineStart(text, first.start!);
  const imports = esm
    ? [`import { task as plantedTask, Runner as PlantedRunner } from 'cloacina'${semi}`, `import * as plantedApi from "cloacina"${semi}`]
    : [`const { task: plantedTask, Runner: PlantedRunner } = require('cloacina')${semi}`, `const plantedApi = require(\`cloacina\`)${semi}`];
  const eol0 = eolAt(text, importsAt);
  regions.push({ n: 0, at: importsAt, text: block(imports, '', eol0, 0), leadingEol: false, eol: eol0 });

  // A method at the start of the largest class.
  let largest: { start: number; size: number } | undefined;
  for (const statement of body) {
    const declaration = statement.type === 'ExportNamedDeclaration' || statement.type === 'ExportDefaultDeclaration' ? statement.declaration : statement;
    if (declaration?.type !== 'ClassDeclaration' || declaration.declare || declaration.body.body.length === 0) continue;
    const member = declaration.body.body[0]!;
    const at = lineStart(text, member.start!);
    if (!/^[ \t]*$/.test(text.slice(at, member.start!))) continue;
    const size = declaration.end! - declaration.start!;
    if (!largest || size > largest.size) largest = { start: at, size };
  }
  if (largest) {
    const indent = /^[ \t]*/.exec(text.slice(largest.start))![0];
    const eol = eolAt(text, largest.start);
    const method = [
      `plantedStep(ctx${/\.[mc]?tsx?$/.test(path) ? ': any' : ''}) {`,
      `  const v = ctx.getWithDependencies('k')${semi}`,
      `  ctx.setExecutionScope(null)${semi}`,
      `  return [v, plantedApi.packagedWorkflow]${semi}`,
      `}`,
    ];
    regions.push({ n: 1, at: largest.start, text: block(method, indent, eol, 1), leadingEol: false, eol });
  }

  // Tasks at the end of the file.
  const tasks = [
    `export const plantedA = plantedTask({ id: 'planted-a' }, async (ctx) => {`,
    `  const rows = ctx.loadFromDependenciesAndCache('rows')${semi}`,
    // After the read: nothing reads the loader it sets, so the statement is deleted.
    `  ctx.setDependencyLoader(null)${semi}`,
    `  ctx.set('rows', rows)${semi}`,
    `})${semi}`,
    `export const plantedB = plantedTask({ id: 'planted-b' }, async (ctx) => { ctx.set('s', ctx.executionScope())${semi} })${semi}`,
    `export const plantedC = [PlantedRunner, plantedApi.packagedWorkflow]${semi}`,
  ].map((l) => (esm ? l : l.replace(/^export const (\w+)/, 'exports.$1')));
  const endEol = eolAt(text, text.length);
  const endsWithEol = /[\r\n]$/.test(text);
  regions.push({ n: 2, at: text.length, text: (endsWithEol ? '' : endEol) + block(tasks, '', endEol, 2), leadingEol: !endsWithEol, eol: endEol });

  let planted = text;
  for (const region of [...regions].sort((a, b) => b.at - a.at)) planted = planted.slice(0, region.at) + region.text + planted.slice(region.at);
  return { planted, regions };
}

/** The text with every planted region cut out (from the migrated text as well). */
export function cutRegions(text: string, regions: readonly Region[]): string {
  let out = text;
  for (const region of [...regions].reverse()) {
    const start = out.indexOf(`// ${START} ${region.n}`);
    const endMark = out.indexOf(`// ${END} ${region.n}`);
    if (start < 0 || endMark < 0) throw new Error(`region ${region.n} is gone`);
    const from = lineStart(out, start) - (region.leadingEol ? region.eol.length : 0);
    const lineEnd = endMark + `// ${END} ${region.n}`.length;
    const to = lineEnd + (out.startsWith(region.eol, lineEnd) ? region.eol.length : 0);
    out = out.slice(0, from) + out.slice(to);
  }
  return out;
}

export function regionText(text: string, n: number): string {
  return text.slice(text.indexOf(`// ${START} ${n}`), text.indexOf(`// ${END} ${n}`));
}

