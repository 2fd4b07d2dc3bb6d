// Finds the TypeScript project (tsconfig) that owns each source file and reads it the way
// tsc does (extends, paths, jsx, lib, decorators), so `check` sees the compiler options
// the project builds with.
import ts from 'typescript';
import { dirname, join, resolve } from 'node:path';
import { existsSync } from 'node:fs';

export interface Project {
  /** The tsconfig file, or undefined for files no tsconfig covers. */
  configFile: string | undefined;
  options: ts.CompilerOptions;
  /** Files the project lists (include/files), normalised. */
  fileNames: ReadonlySet<string>;
  /** Problems reading the tsconfig itself. */
  configErrors: string[];
}

/**
 * Options for files that no tsconfig covers: ES modules for Node (a workflow runs there),
 * so the standard library without the DOM; installed @types packages still apply.
 */
export const DEFAULT_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ['lib.es2023.d.ts'],
  esModuleInterop: true,
  skipLibCheck: true,
  allowJs: false,
};

const normalise = (file: string) => resolve(file).split('\\').join('/');

function nearestConfig(dir: string): string | undefined {
  for (let current = dir; ; current = dirname(current)) {
    const candidate = join(current, 'tsconfig.json');
    if (existsSync(candidate)) return candidate;
    if (existsSync(join(current, '.git')) || dirname(current) === current) return undefined;
  }
}

function message(d: ts.Diagnostic): string {
  const where = d.file && d.start !== undefined ? `${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}: ` : '';
  return `${where}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
}

function parse(configFile: string): Project {
  const configErrors: string[] = [];
  const host: ts.ParseConfigFileHost = {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => configErrors.push(message(d)),
  };
  const parsed = ts.getParsedCommandLineOfConfigFile(configFile, {}, host);
  if (parsed === undefined) return { configFile, options: DEFAULT_OPTIONS, fileNames: new Set(), configErrors };
  // "No inputs were found" is not a problem for check: it brings its own roots.
  configErrors.push(...parsed.errors.filter((e) => e.code !== 18003).map(message));
  const project: Project = { configFile, options: parsed.options, fileNames: new Set(parsed.fileNames.map(normalise)), configErrors };
  // A solution-style tsconfig (files: [], references) owns nothing itself: its references do.
  (project as Project & { references?: readonly ts.ProjectReference[] }).references = parsed.projectReferences;
  return project;
}

/** Groups files by the project that owns them; a file no project lists gets its nearest tsconfig's options. */
export function projectsFor(files: readonly string[]): Map<Project, string[]> {
  const cache = new Map<string, Project>();
  const load = (configFile: string) => {
    let project = cache.get(configFile);
    if (project === undefined) cache.set(configFile, (project = parse(configFile)));
    return project;
  };
  const none: Project = { configFile: undefined, options: DEFAULT_OPTIONS, fileNames: new Set(), configErrors: [] };
  const groups = new Map<Project, string[]>();
  for (const file of files) {
    const configFile = nearestConfig(dirname(resolve(file)));
    let owner = configFile === undefined ? none : load(configFile);
    if (!owner.fileNames.has(normalise(file))) {
      // Follow references (a solution tsconfig) to the project that lists the file.
      const references = (owner as Project & { references?: readonly ts.ProjectReference[] }).references ?? [];
      for (const ref of references) {
        const refConfig = ts.resolveProjectReferencePath(ref);
        if (!existsSync(refConfig)) continue;
        const candidate = load(refConfig);
        if (candidate.fileNames.has(normalise(file))) {
          owner = candidate;
          break;
        }
      }
    }
    groups.set(owner, [...(groups.get(owner) ?? []), file]);
  }
  return groups;
}
