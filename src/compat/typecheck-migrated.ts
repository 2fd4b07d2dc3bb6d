// Type-checks a batch of migrated trees in one TypeScript program: workflow modules
// against cloacina-workflow alone (the runtime package does not resolve for them, as in a
// project that depends on cloacina-workflow only), operator scripts against the runtime.
import ts from 'typescript';
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
  const host = cachingHost();
  host.resolveModuleNameLiterals = (literals, containingFile, _redirect, options) =>
    literals.map((literal) =>
      restricted.has(containingFile) && isRuntime(literal.text)
        ? { resolvedModule: undefined }
        : ts.resolveModuleName(literal.text, containingFile, options, host),
    );
  const program = ts.createProgram({ rootNames: [...authoringOnly, ...withRuntime], options: OPTIONS, host });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const file = d.file?.fileName ?? '(program)';
    const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0;
    return { file, line, message: ts.flattenDiagnosticMessageText(d.messageText, '\n') };
  });
}
