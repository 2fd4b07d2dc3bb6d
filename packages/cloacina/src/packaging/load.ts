// Loads a package's bundle in this process. The bundle keeps `cloacina-workflow` as an
// import; it is pointed at the runtime's own copy, so the package and the runtime share
// one authoring API. The loaded workflow must match the manifest exactly.
import { API_VERSION, isPackagedWorkflow, type PackagedWorkflow } from 'cloacina-workflow';
import { createHash } from 'node:crypto';
import semver from 'semver';
import { DEFAULT_IMPORT_TIMEOUT_MS, probeImport } from './import-probe.js';
import type { Manifest } from './manifest.js';
import { rememberSource } from '../engine/worker-body.js';

export class PackageLoadError extends Error {
  override name = 'PackageLoadError';
}

// Static (`from"x"`), side-effect (`import"x"`) and dynamic (`import("x")`) forms, as esbuild prints them.
const SPECIFIER = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s*)(["'])cloacina-workflow(\/testing)?\2/g;
const DATA_URL = /data:text\/javascript;base64,[A-Za-z0-9+/=]+/g;

/** Refuses a package built against an authoring API major this runtime does not carry. */
export function checkApiCompatibility(manifest: Manifest): void {
  if (manifest.api.name !== 'cloacina-workflow') {
    throw new PackageLoadError(`package ${manifest.package.name}@${manifest.package.version} was built against ${JSON.stringify(manifest.api.name)}, not cloacina-workflow`);
  }
  const built = semver.valid(manifest.api.version);
  if (built === null) throw new PackageLoadError(`manifest.json: api.version ${JSON.stringify(manifest.api.version)} is not a version`);
  // Any minor of the same major is compatible; objects are recognised across copies by brand.
  if (semver.major(built) !== semver.major(API_VERSION)) {
    throw new PackageLoadError(
      `package ${manifest.package.name}@${manifest.package.version} needs cloacina-workflow ${manifest.api.range} (built with ${manifest.api.version}); this runtime provides ${API_VERSION}`,
    );
  }
}

/** Points a bundle's `cloacina-workflow` imports at this runtime's own copy. */
export function rewriteAuthoringImports(source: string): string {
  const main = import.meta.resolve('cloacina-workflow');
  const testing = import.meta.resolve('cloacina-workflow/testing');
  return source.replace(SPECIFIER, (_m, lead: string, quote: string, sub?: string) => `${lead}${quote}${sub ? testing : main}${quote}`);
}

/** Sources (by sha256) whose import settled in a probe worker, or that this process imported. */
const probed = new Set<string>();

/**
 * Imports bundle text from memory, its `cloacina-workflow` imports pointed at this runtime's
 * copy. `label` names the module in stack traces and errors (instead of a long data: URL);
 * `subject` starts the error message when the import fails.
 * Unless `importTimeoutMs` is false, the text is first imported in a worker thread under that
 * time limit (see import-probe.ts): one that loops, exits or never settles there is refused.
 * Identical text imports once per process: ESM has no unloading.
 */
export async function importBundle(
  bundle: Uint8Array,
  label: string,
  subject: string,
  importTimeoutMs: number | false = DEFAULT_IMPORT_TIMEOUT_MS,
): Promise<Record<string, unknown>> {
  const { source, url } = bundleSource(bundle, label);
  const key = createHash('sha256').update(source).digest('hex');
  if (importTimeoutMs !== false && !probed.has(key)) {
    const problem = await probeImport(url, importTimeoutMs);
    if (problem !== undefined) throw new PackageLoadError(`${subject} ${problem}; refusing it`);
  }
  probed.add(key);
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new PackageLoadError(`${subject} failed on import: ${message.replace(DATA_URL, label)}`, { cause: error });
  }
}

/** A bundle's text as imported (authoring imports pointed here, labelled) and its data: URL. */
function bundleSource(bundle: Uint8Array, label: string): { source: string; url: string } {
  const source = `${rewriteAuthoringImports(new TextDecoder().decode(bundle))}\n//# sourceURL=${label}\n`;
  return { source, url: `data:text/javascript;base64,${Buffer.from(source).toString('base64')}` };
}

/** The label of a package's bundle in stack traces and errors. */
export function bundleLabel(manifest: Manifest): string {
  const part = encodeURIComponent; // the label ends a comment line: no newline may reach it
  return `cloacina-package:${part(manifest.package.name)}@${part(manifest.package.version)}/${part(manifest.bundle.file)}`;
}

/** Imports the bundle (probed first, see importBundle) and returns its workflow, checked against the manifest. */
export async function loadBundle(manifest: Manifest, bundle: Uint8Array, importTimeoutMs: number | false = DEFAULT_IMPORT_TIMEOUT_MS): Promise<PackagedWorkflow> {
  const exports = await importBundle(bundle, bundleLabel(manifest), `package ${manifest.package.name}@${manifest.package.version}: bundle`, importTimeoutMs);
  const workflow = findWorkflow(exports, manifest.workflow);
  if (workflow === undefined) {
    throw new PackageLoadError(`package ${manifest.package.name}@${manifest.package.version}: bundle exports no workflow named ${JSON.stringify(manifest.workflow)}`);
  }
  compareWithManifest(workflow, manifest);
  // Tasks with isolation: 'worker' import the same text again in their worker.
  rememberSource(workflow, bundleSource(bundle, bundleLabel(manifest)).url);
  return workflow;
}

function findWorkflow(exports: Record<string, unknown>, name: string): PackagedWorkflow | undefined {
  const candidates = [exports.default, ...Object.values(exports)].filter(isPackagedWorkflow) as PackagedWorkflow[];
  return candidates.find((w) => w.name === name);
}

function compareWithManifest(workflow: PackagedWorkflow, manifest: Manifest): void {
  const fromBundle = workflow.tasks.map((t) => `${t.id} <- [${t.dependencies.join(', ')}]`);
  const fromManifest = manifest.tasks.map((t) => `${t.id} <- [${t.dependencies.join(', ')}]`);
  const missing = fromManifest.filter((t) => !fromBundle.includes(t));
  const unexpected = fromBundle.filter((t) => !fromManifest.includes(t));
  if (missing.length > 0 || unexpected.length > 0) {
    throw new PackageLoadError(
      `package ${manifest.package.name}@${manifest.package.version}: manifest and bundle disagree on tasks` +
        (missing.length ? `; only in manifest: ${missing.join('; ')}` : '') +
        (unexpected.length ? `; only in bundle: ${unexpected.join('; ')}` : ''),
    );
  }
  if (workflow.version !== manifest.package.version || workflow.package !== manifest.package.name) {
    throw new PackageLoadError(`manifest says ${manifest.package.name}@${manifest.package.version}, bundle says ${workflow.package}@${workflow.version}`);
  }
}
