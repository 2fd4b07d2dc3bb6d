// Which files are workflow modules (they import cloacina-workflow and not the runtime)
// and which local modules they pull in: all of those must build without `cloacina`.
import ts from 'typescript';
import { readFileSync } from 'node:fs';

export const isRuntimeSpecifier = (name: string) => name === 'cloacina' || name.startsWith('cloacina/');
export const isAuthoringSpecifier = (name: string) => name === 'cloacina-workflow' || name.startsWith('cloacina-workflow/');

/** The module specifiers a file names (imports, re-exports, require, dynamic import). */
export function specifiersOf(text: string): string[] {
  return ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
}

/** Workflow modules among `files`, and every local file they import, directly or not. */
export function workflowClosure(files: readonly string[], options: ts.CompilerOptions, read: (file: string) => string = (f) => readFileSync(f, 'utf8')): {
  modules: string[];
  closure: Set<string>;
  /** Files of the closure that name the runtime package: they break a workflow module's build. */
  needRuntime: Set<string>;
} {
  const modules = files.filter((file) => {
    const specifiers = specifiersOf(read(file));
    return specifiers.some(isAuthoringSpecifier) && !specifiers.some(isRuntimeSpecifier);
  });
  const closure = new Set<string>();
  const needRuntime = new Set<string>();
  const host = ts.sys;
  const cache = ts.createModuleResolutionCache(host.getCurrentDirectory(), (f) => f, options);
  const queue = [...modules];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (closure.has(file)) continue;
    closure.add(file);
    let text: string;
    try {
      text = read(file);
    } catch {
      continue;
    }
    const specifiers = specifiersOf(text);
    if (specifiers.some(isRuntimeSpecifier)) needRuntime.add(file);
    for (const specifier of specifiers) {
      const resolved = ts.resolveModuleName(specifier, file, options, host, cache).resolvedModule;
      if (resolved && !resolved.isExternalLibraryImport && !resolved.resolvedFileName.endsWith('.d.ts')) queue.push(resolved.resolvedFileName);
    }
  }
  return { modules, closure, needRuntime };
}
