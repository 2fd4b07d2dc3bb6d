// The file extensions the migration reads; the parser for each is chosen in analysis/parse.ts.
export const EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'] as const;
