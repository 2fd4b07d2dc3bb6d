// Imports a TypeScript module tree in this process: esbuild bundles it with the named
// packages kept external, and those are pointed at concrete module URLs.
import { build } from 'esbuild';

/** Where `cloacina` points when a v1 tree runs under the legacy surface. */
export const LEGACY_URL = import.meta.resolve('cloacina/legacy');

export async function importTree(entry: string, externals: Record<string, string>): Promise<Record<string, unknown>> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    write: false,
    logLevel: 'silent',
    external: Object.keys(externals),
  });
  let code = result.outputFiles[0]!.text;
  for (const [specifier, url] of Object.entries(externals)) {
    code = code.split(`"${specifier}"`).join(JSON.stringify(url));
  }
  return (await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`)) as Record<string, unknown>;
}
