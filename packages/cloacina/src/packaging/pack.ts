// Packs a workflow module into a .cloacina archive: bundle it with esbuild (keeping
// cloacina-workflow external, so the runtime supplies its copy), load the bundle to read
// the workflow it exports, and write the manifest beside it.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, relative, resolve } from 'node:path';
import { isPackagedWorkflow, type PackagedWorkflow } from 'cloacina-workflow';
import { sha256, writeArchive } from './archive.js';
import { importBundle, PackageLoadError } from './load.js';
import { MANIFEST_FORMAT, type Manifest } from './manifest.js';
import type { KeyInput } from './signing.js';

export const BUNDLE_FILE = 'workflow.mjs';

export interface PackOptions {
  /** Which workflow to pack when the module exports several (by name). */
  workflow?: string;
  /** Write the archive here (atomically) as well as returning it. */
  outFile?: string;
  /** Minify the bundle (default true). */
  minify?: boolean;
  /** Bundle cloacina-workflow too (only for size comparisons; such packages are refused by nothing but carry a second copy). */
  bundleAuthoringApi?: boolean;
  /** Sign the package with this Ed25519 private key (PEM, as `cloacina keygen` writes). */
  signingKey?: KeyInput;
  /** Time limit of the isolated first import of the module (see PackageLoadOptions; default 10,000 ms). */
  importTimeoutMs?: number | false;
}

export interface PackResult {
  archive: Buffer;
  manifest: Manifest;
}

export async function pack(entry: string, options: PackOptions = {}): Promise<PackResult> {
  const entryPath = resolve(entry);
  // Loaded on first use: a runner that only loads packages never pays for the bundler.
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [entryPath],
    // Paths esbuild prints into the bundle are relative to this: the caller's cwd must not matter.
    absWorkingDir: dirname(entryPath),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    write: false,
    metafile: true,
    minify: options.minify ?? true,
    legalComments: 'none',
    // The runtime is never bundled into a package; an import of it is refused below.
    external: [...(options.bundleAuthoringApi ? [] : ['cloacina-workflow', 'cloacina-workflow/*']), 'cloacina', 'cloacina/*'],
    logLevel: 'silent',
  }).catch((error: Error) => {
    throw new PackageLoadError(`cannot bundle ${entry}: ${error.message}`, { cause: error });
  });
  const bundle = withRequire(result.outputFiles[0]!.contents);
  const runtimeImport = /(?:\bfrom\s*|\bimport\s*\(?\s*)["'](cloacina(?:\/[\w/-]+)?)["']/.exec(new TextDecoder().decode(bundle));
  if (runtimeImport) {
    throw new PackageLoadError(
      `${entry} imports the runtime package ${JSON.stringify(runtimeImport[1])}; a workflow package may depend on cloacina-workflow only (run npx cloacina-migrate, and move runner code out of the workflow module)`,
    );
  }
  const inputs = Object.keys(result.metafile.inputs).filter((f) => !f.includes('node_modules'));
  const workflow = await importForInspection(bundle, entry, options.workflow, options.importTimeoutMs);
  const manifest = manifestFor(workflow, bundle, inputs.map((i) => resolve(dirname(entryPath), i)), dirname(entryPath));
  const archive = writeArchive(manifest, bundle, options.signingKey);
  if (options.outFile) {
    const temp = `${options.outFile}.${process.pid}.tmp`;
    writeFileSync(temp, archive);
    renameSync(temp, options.outFile);
  }
  return { archive, manifest };
}

// esbuild turns a bundled CommonJS module's require() of a Node builtin into a shim that
// throws in ESM unless a `require` is in scope; give it one that resolves builtins.
const REQUIRE_SHIM = 'Dynamic require of "';
const REQUIRE_BANNER = 'import{createRequire as __cloacinaCreateRequire}from"node:module";const require=__cloacinaCreateRequire("file:///");\n';

function withRequire(bundle: Uint8Array): Uint8Array {
  const text = new TextDecoder().decode(bundle);
  return text.includes(REQUIRE_SHIM) ? new TextEncoder().encode(REQUIRE_BANNER + text) : bundle;
}

/** Imports the bundle once to find the workflow it exports. */
async function importForInspection(bundle: Uint8Array, entry: string, wanted: string | undefined, importTimeoutMs: number | false | undefined): Promise<PackagedWorkflow> {
  const exports = await importBundle(bundle, `cloacina-pack:${encodeURIComponent(basename(entry))}`, `the workflow module ${entry}`, importTimeoutMs);
  const workflows = [...new Set([exports.default, ...Object.values(exports)].filter(isPackagedWorkflow))] as PackagedWorkflow[];
  const chosen = wanted === undefined ? workflows : workflows.filter((w) => w.name === wanted);
  if (chosen.length === 0) {
    throw new PackageLoadError(
      wanted === undefined
        ? 'the module exports no workflow made with packagedWorkflow() (export it, default or named)'
        : `the module exports no workflow named ${JSON.stringify(wanted)}`,
    );
  }
  if (chosen.length > 1) {
    throw new PackageLoadError(`the module exports several workflows (${chosen.map((w) => w.name).join(', ')}); choose one with --workflow`);
  }
  return chosen[0]!;
}

/** Everything a manifest says about a workflow, apart from its bundle and source locations. */
export function describeWorkflow(workflow: PackagedWorkflow): Omit<Manifest, 'bundle'> {
  const [major] = workflow.provenance.version.split('.');
  return {
    format: MANIFEST_FORMAT,
    package: {
      name: workflow.package,
      version: workflow.version,
      description: workflow.description,
      author: workflow.author,
      tenant: workflow.tenant,
    },
    workflow: workflow.name,
    api: { name: workflow.provenance.api, version: workflow.provenance.version, range: `^${major}.0.0` },
    tasks: workflow.tasks.map((t) => ({ id: t.id, dependencies: [...t.dependencies], description: t.description, source: null })),
    executionOrder: [...workflow.executionOrder],
  };
}

function manifestFor(workflow: PackagedWorkflow, bundle: Uint8Array, inputs: readonly string[], base: string): Manifest {
  const described = describeWorkflow(workflow);
  return {
    ...described,
    bundle: { file: BUNDLE_FILE, sha256: sha256(bundle), bytes: bundle.length },
    tasks: described.tasks.map((t) => ({ ...t, source: sourceLocation(t.id, inputs, base) })),
  };
}

/** `file:line` where the `task({ id: '<id>' ...` call starts, among the packed sources, if it can be found. */
function sourceLocation(id: string, inputs: readonly string[], base: string): string | null {
  const escaped = id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // The options object of one task() call: the lazy scan may not run into the next call.
  const pattern = new RegExp(`\\btask\\s*\\(\\s*\\{(?:(?!\\btask\\s*\\()[^])*?\\bid\\s*:\\s*(['"\`])${escaped}\\1`);
  for (const input of inputs) {
    let text: string;
    try {
      text = readFileSync(input, 'utf8');
    } catch {
      continue;
    }
    const match = pattern.exec(text);
    if (match) {
      const line = text.slice(0, match.index).split('\n').length;
      return `${relative(base, input).split('\\').join('/')}:${line}`;
    }
  }
  return null;
}

