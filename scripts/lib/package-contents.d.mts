export function pointedFiles(manifest: Record<string, unknown>): Array<{ field: string; target: string }>;
export function relativeLoads(file: string, source: string): Array<{ specifier: string; target: string }>;
export function contentProblems(
  manifest: Record<string, unknown>,
  fileList: readonly string[],
  options?: { required?: readonly string[]; read?: (file: string) => string },
): string[];
