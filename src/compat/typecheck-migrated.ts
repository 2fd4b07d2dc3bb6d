// Type-checks a batch of migrated trees in one TypeScript program: workflow modules
// against cloacina-workflow alone (the runtime package does not resolve for them, as in a
// project that depends on cloacina-workflow only), operator scripts against the runtime.
import ts from 'typescript';
import { fileURLToPath } from 'node:url';
import type { TypeError } from '../typecheck.js';

const OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.Preserve,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  esModuleInterop: true,
  allowSyntheticDefaultImports: true,
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  lib: ['lib.es2023.d.ts'],
  types: ['node'],
};

const isRuntime = (name: string) => name === 'cloacina' || name.startsWith('cloacina/');

/**
 * Parsed declaration files (the standard library, installed packages) are kept across
 * batches: they do not change during a run, and parsing them is most of a small check.
 */
const stable = new Map<string, ts.SourceFile>();
const isStable = (fileName: string) => fileName.includes('/node_modules/') || fileName.includes('/typescript/lib/');

function cachingHost(): ts.CompilerHost {
  const host = ts.createCompilerHost(OPTIONS);
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    if (!isStable(fileName)) return read(fileName, languageVersion, onError, shouldCreate);
    let file = stable.get(fileName);
    if (file === undefined) {
      file = read(fileName, languageVersion, onError, shouldCreate);
      if (file !== undefined) stable.set(fileName, file);
    }
    return file;
  };
  return host;
}

export function typecheckMigrated(authoringOnly: readonly string[], withRuntime: readonly string[]): TypeError[] {
  if (authoringOnly.length === 0 && withRuntime.length === 0) return [];
  const restricted = new Set(authoringOnly);
  return typecheck([...authoringOnly, ...withRuntime], (name, containingFile) => (restricted.has(containingFile) && isRuntime(name) ? null : undefined));
}

/** Type-checks v1 sources as written: `cloacina` (and `cloacina/legacy`) are the v1 API, cloacina/legacy. */
export function typecheckV1(files: readonly string[]): TypeError[] {
  const legacy = ts.resolveModuleName('cloacina/legacy', fileURLToPath(import.meta.url), OPTIONS, ts.sys).resolvedModule;
  if (legacy === undefined) throw new Error('cannot resolve the types of cloacina/legacy');
  return typecheck(files, (name) => (isRuntime(name) ? legacy : undefined));
}

/** `resolve` may answer a module (or null: unresolvable) before the normal resolution. */
function typecheck(files: readonly string[], resolve: (name: string, containingFile: string) => ts.ResolvedModuleFull | null | undefined): TypeError[] {
  const host = cachingHost();
  host.resolveModuleNameLiterals = (literals, containingFile, _redirect, options) =>
    literals.map((literal) => {
      const chosen = resolve(literal.text, containingFile);
      if (chosen === null) return { resolvedModule: undefined };
      return chosen === undefined ? ts.resolveModuleName(literal.text, containingFile, options, host) : { resolvedModule: chosen };
    });
  const program = ts.createProgram({ rootNames: [...files], options: OPTIONS, host });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const file = d.file?.fileName ?? '(program)';
    const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0;
    return { file, line, message: ts.flattenDiagnosticMessageText(d.messageText, '\n') };
  });
}
