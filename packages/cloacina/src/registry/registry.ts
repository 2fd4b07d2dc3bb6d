// The package registry: validates .cloacina archives, stores them, loads their workflows.
// A refused archive leaves nothing behind: every check runs before the single insert.
import type { PackagedWorkflow } from 'cloacina-workflow';
import type { PackageSummary, Store } from '../dal/types.js';
import { DEFAULT_LIMITS, type ArchiveLimits } from '../packaging/archive.js';
import { loadBundle, PackageLoadError } from '../packaging/load.js';
import type { Manifest } from '../packaging/manifest.js';
import { checkPackage, type PackageLoadOptions } from '../packaging/open.js';
import { trustedKeys, type SignaturePolicy } from '../packaging/signing.js';

export interface RegisteredPackage extends Omit<PackageSummary, 'manifest'> {
  manifest: Manifest;
}

export interface RegistryOptions extends PackageLoadOptions {
  /**
   * Executions of a workflow version that have started but may not be stored yet; `unregister`
   * counts them as unfinished. A runner passes its own.
   */
  unfinished?: (workflow: string, version: string) => readonly string[];
}

export class Registry {
  readonly #loaded = new Map<string, Promise<PackagedWorkflow>>();
  readonly #unfinished: (workflow: string, version: string) => readonly string[];
  readonly #trust: SignaturePolicy;
  readonly #importTimeoutMs: number | false | undefined;

  constructor(
    private readonly store: Store,
    private readonly limits: ArchiveLimits = DEFAULT_LIMITS,
    options: RegistryOptions = {},
  ) {
    this.#unfinished = options.unfinished ?? (() => []);
    this.#importTimeoutMs = options.importTimeoutMs;
    trustedKeys(options); // a bad key or an impossible policy is refused now, not at the first register
    this.#trust = { ...(options.trustedKeys ? { trustedKeys: [...options.trustedKeys] } : {}), ...(options.requireSignatures ? { requireSignatures: true } : {}) };
  }

  /** Validates and stores a package; returns its manifest. Re-registering identical bytes is a no-op. */
  async register(archive: Uint8Array): Promise<Manifest> {
    const { manifest, bundle } = checkPackage(archive, this.limits, this.#trust);
    const existing = await this.store.getPackage(manifest.package.name, manifest.package.version);
    if (existing !== undefined) {
      if (existing.sha256 === manifest.bundle.sha256) return manifest;
      throw new PackageLoadError(`package ${manifest.package.name}@${manifest.package.version} is already registered with a different bundle; bump the version`);
    }
    // The signature (when required) was checked above, before this first import of package code.
    // Importing proves the bundle runs and matches its manifest before anything is stored.
    const workflow = await loadBundle(manifest, bundle, this.#importTimeoutMs);
    try {
      await this.store.addPackage({
        name: manifest.package.name,
        version: manifest.package.version,
        manifest: JSON.stringify(manifest),
        archive,
        sha256: manifest.bundle.sha256,
        registeredAt: Date.now(),
      });
    } catch (error) {
      // Another runner on the same database may have registered the same bytes meanwhile.
      const raced = await this.store.getPackage(manifest.package.name, manifest.package.version);
      if (raced === undefined || raced.sha256 !== manifest.bundle.sha256) throw error;
    }
    this.#loaded.set(manifest.bundle.sha256, Promise.resolve(workflow));
    return manifest;
  }

  async list(): Promise<RegisteredPackage[]> {
    return (await this.store.listPackages()).map((p) => ({ ...p, manifest: JSON.parse(p.manifest) as Manifest }));
  }

  async get(name: string, version: string): Promise<(RegisteredPackage & { archive: Uint8Array }) | undefined> {
    const record = await this.store.getPackage(name, version);
    return record && { ...record, manifest: JSON.parse(record.manifest) as Manifest };
  }

  /**
   * Removes a package. Refused while executions of its workflow are unfinished: a runner
   * that resumes one after a crash needs the package to run it. `force` removes it anyway.
   */
  async unregister(name: string, version: string, options: { force?: boolean } = {}): Promise<boolean> {
    const record = await this.store.getPackage(name, version);
    if (record === undefined) return false;
    if (!options.force) {
      const workflow = (JSON.parse(record.manifest) as Manifest).workflow;
      const stored = (await this.store.history({ workflow, status: ['Running', 'Paused'], limit: 1_000_000 })).items.filter((e) => e.version === version);
      // This runner's own executions count from the moment they start, before they are stored.
      const unfinished = [...new Set([...this.#unfinished(workflow, version), ...stored.map((e) => e.executionId)])];
      if (unfinished.length > 0) {
        const ids = unfinished.slice(0, 3).join(', ');
        throw new PackageLoadError(
          `package ${name}@${version} has ${unfinished.length} unfinished execution(s) of workflow ${workflow} (${ids}${unfinished.length > 3 ? ', ...' : ''}); ` +
            'let them finish, or unregister with { force: true }',
        );
      }
    }
    return this.store.removePackage(name, version);
  }

  /** The workflow of a registered package, loaded once per bundle. */
  async load(name: string, version: string): Promise<PackagedWorkflow> {
    const record = await this.store.getPackage(name, version);
    if (record === undefined) throw new PackageLoadError(`no package ${name}@${version} is registered`);
    let loading = this.#loaded.get(record.sha256);
    if (loading === undefined) {
      loading = (async () => {
        // Every check of registration again: the package may have been stored by an
        // earlier runtime, which supported another authoring API major.
        const { manifest, bundle } = checkPackage(record.archive, this.limits, this.#trust);
        // No isolated first import here: it was made when the package was registered, and
        // loading is on the path of every runner start (a worker costs tens of ms).
        return loadBundle(manifest, bundle, false);
      })();
      this.#loaded.set(record.sha256, loading);
      loading.catch(() => this.#loaded.delete(record.sha256));
    }
    return loading;
  }

  /** The registered package that holds workflow `name` at `version`, if any. */
  async findWorkflow(name: string, version: string): Promise<PackagedWorkflow | undefined> {
    const match = (await this.list()).find((p) => p.manifest.workflow === name && p.version === version);
    return match ? this.load(match.name, match.version) : undefined;
  }
}
