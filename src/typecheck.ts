// Type-checking for `cloacina-migrate check` and the compatibility harness.
//
// `checkTypes` runs each project with its own tsconfig twice: once as migrated
// (workflow modules and what they import cannot resolve `cloacina`: they must build
// against cloacina-workflow alone), and once as a baseline in which the names resolve to
// what they had in v1 (`cloacina` resolves, and cloacina-workflow's Context has the v1
// loader methods back). Only errors the baseline does not have are the migration's: a
// project that type-checked before migrating and was migrated cleanly passes, whatever
// its decorators, JSX, paths or globals. Errors are collected from the files the
// migration looked at and the local modules that pull `cloacina` into a workflow module.
import ts from 'typescript';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { projectsFor, type Project } from './check/tsconfig.js';
import { isForeignUse } from './check/foreign-receivers.js';
import { isAuthoringSpecifier, isRuntimeSpecifier, workflowClosure } from './check/workflow-modules.js';

export interface TypeError {
  file: string;
  line: number;
  message: string;
}

const require = createRequire(import.meta.url);

/** This tool's own copy of the authoring types, for projects that have not installed cloacina-workflow yet. */
function authoringTypes(): Record<string, string> {
  const root = dirname(require.resolve('cloacina-workflow'));
  return {
    'cloacina-workflow': join(root, 'index.d.ts'),
    'cloacina-workflow/testing': join(root, 'testing', 'index.d.ts'),
  };
}

function toError(d: ts.Diagnostic): TypeError {
  const file = d.file?.fileName ?? '(program)';
  const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0;
  return { file, line, message: ts.flattenDiagnosticMessageText(d.messageText, '\n') };
}

export interface TypecheckOptions {
  /** Strict mode (the compatibility suite); off for users' own code, so only migration problems show. */
  strict?: boolean;
}

/**
 * Type-checks workflow modules against cloacina-workflow alone with fixed options: the
 * runtime package is made unresolvable, so a module that still needs it (or a removed
 * Context method) fails. Used by the compatibility harness on generated code.
 */
export function typecheckAgainstAuthoringApi(files: readonly string[], options_: TypecheckOptions = {}): TypeError[] {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    strict: options_.strict ?? true,
    noEmit: true,
    skipLibCheck: true,
    allowJs: false,
    lib: ['lib.es2023.d.ts'],
  };
  const authoring = authoringTypes();
  const host = ts.createCompilerHost(options);
  host.resolveModuleNames = (names, containingFile) =>
    names.map((name) => {
      if (isRuntimeSpecifier(name)) return undefined;
      const found = ts.resolveModuleName(name, containingFile, options, host).resolvedModule;
      if (found === undefined && authoring[name]) return { resolvedFileName: authoring[name], extension: ts.Extension.Dts, isExternalLibraryImport: true };
      return found;
    });
  const program = ts.createProgram({ rootNames: [...files], options, host });
  return ts.getPreEmitDiagnostics(program).map(toError);
}

export interface ProjectCheck {
  /** The tsconfig used, or undefined for default options. */
  config: string | undefined;
  files: number;
  workflowModules: number;
  /** Errors as migrated, in the baseline, and those only the migrated program has. */
  errors: number;
  baselineErrors: number;
  reported: number;
}

export interface CheckTypesResult<U extends { file: string; line: number } = { file: string; line: number }> {
  /** Errors the migration is responsible for. */
  errors: TypeError[];
  /** The given removed-method uses that are not on the project's own objects (see foreign-receivers.ts). */
  uses: U[];
  projects: ProjectCheck[];
  /** Problems reading a tsconfig (reported, never fatal). */
  configErrors: string[];
}

const TS_SOURCE = /\.(ts|tsx|mts|cts)$/;
const JS_SOURCE = /\.(js|jsx|mjs|cjs)$/;

/** A module beside the authoring types (built here: this tool loads no such file itself). */
function sibling(name: string): string {
  return JSON.stringify(`./${name}.js`);
}

/**
 * The v1 Context methods, put back on cloacina-workflow's Context for the baseline. The file
 * sits (virtually) beside context.d.ts so it augments the class where it is declared.
 */
const V1_CONTEXT = `import type { JsonValue } from ${sibling('json')};
declare module ${sibling('context')} {
  interface Context<T extends JsonValue = JsonValue> {
    loadFromDependenciesAndCache(key: string): T | undefined;
    getWithDependencies(key: string): T | undefined;
    setDependencyLoader(loader: any): void;
    setExecutionScope(scope: any): void;
    executionScope(): any;
  }
}
export {};
`;

interface Variant {
  /** Files whose `cloacina` imports do not resolve. */
  noRuntime: ReadonlySet<string>;
  /** Where `cloacina` resolves elsewhere when the project has no copy of it. */
  runtimeFallback: string;
  extraRoots: Record<string, string>;
}

function createProgram(project: Project, roots: readonly string[], variant: Variant, parsed: Map<string, ts.SourceFile | undefined>): ts.Program {
  const options: ts.CompilerOptions = { ...project.options, noEmit: true };
  // Build-mode settings that make no sense for a check with its own roots.
  for (const key of ['composite', 'incremental', 'tsBuildInfoFile', 'emitDeclarationOnly', 'declaration', 'declarationMap', 'outFile', 'out'] as const) delete options[key];
  const authoring = authoringTypes();
  const host = ts.createCompilerHost(options, true);
  const read = host.getSourceFile.bind(host);
  const extra = new Map(Object.entries(variant.extraRoots));
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    const virtual = extra.get(fileName);
    if (virtual !== undefined) return ts.createSourceFile(fileName, virtual, languageVersion, true);
    const key = `${fileName}\0${typeof languageVersion === 'object' ? languageVersion.languageVersion : languageVersion}`;
    if (!parsed.has(key)) parsed.set(key, read(fileName, languageVersion, onError, shouldCreate));
    return parsed.get(key);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (fileName) => extra.has(fileName) || fileExists(fileName);
  const cache = ts.createModuleResolutionCache(host.getCurrentDirectory(), (s) => s, options);
  host.resolveModuleNameLiterals = (literals, containingFile, redirected, opts) =>
    literals.map((literal) => {
      const name = literal.text;
      if (isRuntimeSpecifier(name) && variant.noRuntime.has(containingFile)) return { resolvedModule: undefined };
      const mode = ts.getModeForUsageLocation(literal.getSourceFile(), literal, opts);
      const found = ts.resolveModuleName(name, containingFile, opts, host, cache, redirected, mode);
      if (found.resolvedModule !== undefined) return found;
      const fallback = isAuthoringSpecifier(name) ? authoring[name] : isRuntimeSpecifier(name) ? variant.runtimeFallback : undefined;
      return fallback ? { resolvedModule: { resolvedFileName: fallback, extension: ts.Extension.Dts, isExternalLibraryImport: true } } : found;
    });
  return ts.createProgram({ rootNames: [...roots, ...extra.keys()], options, host });
}

/** Errors of the program as a whole (options, globals) and of the given files. */
function errorsIn(program: ts.Program, files: readonly string[]): ts.Diagnostic[] {
  const diagnostics = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
  for (const file of files) {
    const source = program.getSourceFile(file);
    if (source === undefined) continue;
    diagnostics.push(...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source));
  }
  return diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error);
}

const keyOf = (d: ts.Diagnostic) => `${d.file?.fileName ?? ''}\0${d.start ?? -1}\0${d.code}`;

/**
 * Type-checks the migrated `files` project by project (see the module comment), and keeps
 * the removed-method `uses` whose receiver could be a Context.
 */
export function checkTypes<U extends { file: string; line: number }>(files: readonly string[], uses: readonly U[] = []): CheckTypesResult<U> {
  const result: CheckTypesResult<U> = { errors: [], uses: [], projects: [], configErrors: [] };
  const judged = new Set<U>();
  const authoringIndex = authoringTypes()['cloacina-workflow']!;
  const v1ContextFile = join(dirname(authoringIndex), '__cloacina_migrate_v1_context__.d.ts');
  for (const [project, group] of projectsFor(files)) {
    if (project.configFile !== undefined) result.configErrors.push(...project.configErrors);
    const checksJs = project.options.allowJs === true && project.options.checkJs === true;
    const roots = group.filter((f) => TS_SOURCE.test(f) || (checksJs && JS_SOURCE.test(f)));
    if (roots.length === 0) continue;
    const { modules, closure, needRuntime } = workflowClosure(roots, project.options);
    // The files the migration looked at, and those that pull the runtime into a workflow
    // module: the rest of the project is type-checked only as far as these need it.
    const checked = [...new Set([...roots, ...needRuntime])];
    const parsed = new Map<string, ts.SourceFile | undefined>();
    const migrated = createProgram(project, roots, { noRuntime: closure, runtimeFallback: authoringIndex, extraRoots: {} }, parsed);
    const errors = errorsIn(migrated, checked);
    // The baseline is only needed to excuse errors; a clean project never builds it.
    const before =
      errors.length === 0
        ? new Set<string>()
        : new Set(
            errorsIn(createProgram(project, roots, { noRuntime: new Set(), runtimeFallback: authoringIndex, extraRoots: { [v1ContextFile]: V1_CONTEXT } }, parsed), checked).map(keyOf),
          );
    const reported = errors.filter((d) => !before.has(keyOf(d)));
    for (const use of uses) {
      const file = roots.find((r) => r === use.file);
      if (file === undefined) continue;
      judged.add(use);
      if (!isForeignUse(migrated, file, use.line)) result.uses.push(use);
    }
    result.errors.push(...reported.map(toError));
    result.projects.push({ config: project.configFile, files: roots.length, workflowModules: modules.length, errors: errors.length, baselineErrors: before.size, reported: reported.length });
  }
  // Uses in files no type-checked project holds stay counted.
  result.uses.push(...uses.filter((u) => !judged.has(u)));
  return result;
}
