// Plans the removed-method edits for files of a project held in memory.
import { parseFile } from '../../src/analysis/parse.js';
import { ProjectIndex } from '../../src/analysis/project.js';
import { planRemovedMethods } from '../../src/analysis/removed-methods.js';
import { applySplices } from '../../src/edits/splice.js';

export const ROOT = '/project';

export interface Planned {
  /** The file after the edits (flags not rendered). */
  output: string;
  /** `line reason` for every flag, in order. */
  flags: string[];
  details: string[];
}

/** Plans `file` of the project `files` (paths relative to the project root). */
export function plan(files: Record<string, string>, file = 'src/workflow.ts'): Planned {
  const absolute = Object.fromEntries(Object.entries(files).map(([path, text]) => [`${ROOT}/${path}`, text]));
  const project = new ProjectIndex({ files: Object.keys(absolute), read: (path) => absolute[path] });
  const text = absolute[`${ROOT}/${file}`]!;
  const result = planRemovedMethods(parseFile(`${ROOT}/${file}`, text), project);
  const lineOf = (at: number) => text.slice(0, at).split('\n').length;
  const flags = [...result.flags].sort((a, b) => a.at - b.at);
  return {
    output: applySplices(text, result.edits),
    flags: flags.map((f) => `${lineOf(f.at)} ${f.reason}`),
    details: flags.map((f) => f.detail ?? ''),
  };
}

/** A v1 task file around task bodies: `up` produces the keys, the given bodies depend on it. */
export function workflow(body: string, imports = "import { task, packagedWorkflow, Context } from 'cloacina';"): string {
  return `${imports}\n${body}\n`;
}
