// Every check a package passes before it may run, shared by the registry and `cloacina run`.
import { validateGraph, type PackagedWorkflow } from 'cloacina-workflow';
import { DEFAULT_LIMITS, readArchive, type ArchiveLimits, type PackageContents } from './archive.js';
import { checkApiCompatibility, loadBundle } from './load.js';
import { ManifestError, type Manifest } from './manifest.js';
import type { SignaturePolicy } from './signing.js';

/** How packages are accepted: signatures, and the time limit of the isolated first import. */
export interface PackageLoadOptions extends SignaturePolicy {
  /**
   * A package's bundle is imported first in a worker thread; one that has not finished
   * importing within this many ms (default 10,000), or that calls process.exit or awaits
   * forever at its top level, is refused. `false` skips that first import.
   */
  importTimeoutMs?: number | false;
}

/** Checks an archive without running it: limits, entries, manifest, signature, checksum, API major, graph. */
export function checkPackage(archive: Uint8Array, limits: ArchiveLimits = DEFAULT_LIMITS, trust: SignaturePolicy = {}): PackageContents {
  const contents = readArchive(archive, limits, trust);
  checkApiCompatibility(contents.manifest);
  checkGraph(contents.manifest);
  return contents;
}

/** checkPackage, then imports the bundle and checks the workflow it exports against the manifest. */
export async function openPackage(
  archive: Uint8Array,
  limits: ArchiveLimits = DEFAULT_LIMITS,
  options: PackageLoadOptions = {},
): Promise<PackageContents & { workflow: PackagedWorkflow }> {
  const contents = checkPackage(archive, limits, options);
  return { ...contents, workflow: await loadBundle(contents.manifest, contents.bundle, options.importTimeoutMs) };
}

function checkGraph(manifest: Manifest): void {
  let order: string[];
  try {
    order = validateGraph(manifest.workflow, manifest.tasks);
  } catch (error) {
    throw new ManifestError(`manifest.json: tasks: ${(error as Error).message}`);
  }
  // The recorded order must be an order of this graph: every task once, dependencies first.
  const position = new Map(manifest.executionOrder.map((id, i) => [id, i]));
  const misplaced = manifest.tasks.find(
    (t) => !position.has(t.id) || t.dependencies.some((d) => (position.get(d) ?? Infinity) > position.get(t.id)!),
  );
  if (misplaced !== undefined || manifest.executionOrder.length !== order.length || position.size !== order.length) {
    throw new ManifestError(
      `manifest.json: executionOrder [${manifest.executionOrder.join(', ')}] is not an order of the tasks` +
        (misplaced ? ` (task ${JSON.stringify(misplaced.id)} is missing or before one of its dependencies)` : ''),
    );
  }
}
