// Several copies of this package may be loaded in one process (a bundled copy inside a
// package, the runtime's own). Minor versions mix freely; two majors at once almost
// always means a broken install, so it is said loudly, once.
import { API_NAME, API_VERSION } from './version.js';

const LOADED = Symbol.for('cloacina-workflow.loadedVersions');

/** The major of a `x.y.z` version, or undefined when it is not one. */
export function majorOf(version: string): number | undefined {
  const match = /^v?(\d+)\.(\d+)\.(\d+)(?:[-+].*)?$/.exec(version);
  return match === null ? undefined : Number(match[1]);
}

/** Whether objects made by authoring API `version` can be used with this copy. */
export function isCompatibleApiVersion(version: string): boolean {
  return majorOf(version) === majorOf(API_VERSION);
}

/** Records this copy's version on the global registry and warns when majors differ. */
export function registerLoadedCopy(warn: (message: string) => void = console.warn): void {
  const registry = globalThis as unknown as Record<symbol, string[] | undefined>;
  const versions = (registry[LOADED] ??= []);
  const clash = versions.find((v) => majorOf(v) !== majorOf(API_VERSION));
  versions.push(API_VERSION);
  if (clash !== undefined) {
    warn(
      `[${API_NAME}] two major versions are loaded at once (${clash} and ${API_VERSION}); ` +
        'tasks and contexts may not be recognised across them. Deduplicate cloacina-workflow in your install.',
    );
  }
}

/** Every copy's version loaded in this process (this realm), in load order. */
export function loadedApiVersions(): readonly string[] {
  return [...((globalThis as unknown as Record<symbol, string[] | undefined>)[LOADED] ?? [])];
}
