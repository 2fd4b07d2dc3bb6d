export interface EntryPoint {
  packageName: string;
  packageDir: string;
  subpath: string;
  specifier: string;
  typesFile: string;
}
export function entryPoints(packageDirs: readonly string[]): EntryPoint[];
export function reportFileName(specifier: string): string;
export function extractReports(packageDirs: readonly string[], compilerOptions?: Record<string, unknown>): Map<string, string>;
