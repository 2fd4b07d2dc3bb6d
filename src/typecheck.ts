// Type-checks workflow modules against cloacina-workflow alone: the runtime package is made
// unresolvable, so a module that still needs it (or a removed Context method) fails. Many files in one program, so the
// cost of loading the library types is paid once per batch.
import ts from 'typescript';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface TypeError {
  file: string;
  line: number;
  message: string;
}

const require = createRequire(import.meta.url);

function authoringTypes(): string {
  return join(dirname(require.resolve('cloacina-workflow')), 'index.d.ts');
}

export interface TypecheckOptions {
  /** Strict mode (the compatibility suite); off for users' own code, so only migration problems show. */
  strict?: boolean;
}

export function typecheckAgainstAuthoringApi(files: readonly string[], options_: TypecheckOptions = {}): TypeError[] {
  const typesRoot = dirname(authoringTypes());
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
  const authoring: Record<string, string> = {
    'cloacina-workflow': join(typesRoot, 'index.d.ts'),
    'cloacina-workflow/testing': join(typesRoot, 'testing', 'index.d.ts'),
  };
  const host = ts.createCompilerHost(options);
  // `cloacina` never resolves, exactly as in a project that depends on cloacina-workflow
  // alone; cloacina-workflow resolves to the project's own copy, or to this tool's.
  host.resolveModuleNames = (names, containingFile) =>
    names.map((name) => {
      if (name === 'cloacina' || name.startsWith('cloacina/')) return undefined;
      const found = ts.resolveModuleName(name, containingFile, options, host).resolvedModule;
      if (found === undefined && authoring[name]) return { resolvedFileName: authoring[name], extension: ts.Extension.Dts, isExternalLibraryImport: true };
      return found;
    });
  const program = ts.createProgram({ rootNames: [...files], options, host });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const file = d.file?.fileName ?? '(program)';
    const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0;
    return { file, line, message: ts.flattenDiagnosticMessageText(d.messageText, '\n') };
  });
}
