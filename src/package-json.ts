// Dependency edits for every package (every package.json in the migrated tree, so each
// workspace of a monorepo too) that depends on cloacina v1: add cloacina-workflow
// in the same section with the same range style, and keep cloacina (moved to v2) only if
// the package still imports runtime names. Key order, indentation, line endings and the
// final newline are kept; nothing is written in a dry run.
import semver from 'semver';
import { dirname } from 'node:path';
import { TARGET_AUTHORING_VERSION, TARGET_RUNTIME_VERSION } from './versions.js';

const SECTIONS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'] as const;

export interface PackageEdit {
  file: string;
  section: (typeof SECTIONS)[number];
  from: string;
  /** The new cloacina-workflow range. */
  authoring: string;
  /** The new cloacina range, or null when cloacina is removed. */
  runtime: string | null;
  output: string;
}

export interface PackageSkip {
  file: string;
  reason: string;
}

/** The new range for `version`, in the style of `range`; undefined when the style is unknown. */
export function restyle(range: string, version: string): string | undefined {
  const trimmed = range.trim();
  if (trimmed.startsWith('workspace:')) return trimmed;
  if (trimmed.startsWith('npm:')) {
    const at = trimmed.lastIndexOf('@');
    const name = trimmed.slice(4, at);
    if (at <= 4 || name !== 'cloacina') return undefined;
    const inner = restyle(trimmed.slice(at + 1), version);
    return inner === undefined ? undefined : `npm:${name}@${inner}`;
  }
  if (trimmed.startsWith('catalog:') || trimmed.startsWith('file:') || trimmed.startsWith('link:') || /^(git|github|https?):/.test(trimmed)) {
    return undefined;
  }
  if (/^\^/.test(trimmed)) return `^${version}`;
  if (/^~/.test(trimmed)) return `~${version}`;
  if (semver.valid(trimmed)) return version;
  return `^${version}`;
}

/** True when `range` admits only v1 releases of cloacina (or cannot be told and is a workspace link). */
function isV1(range: string): boolean {
  const bare = range.startsWith('npm:') ? range.slice(range.lastIndexOf('@') + 1) : range;
  if (bare.startsWith('workspace:')) return true;
  const min = semver.validRange(bare) ? semver.minVersion(bare) : null;
  return min !== null && semver.lt(min, '2.0.0');
}

function detectIndent(text: string): string {
  return /^[{[]\r?\n([ \t]+)/.exec(text)?.[1] ?? '  ';
}

/**
 * A package.json that depends on cloacina v1, read and checked. Its edit waits on one fact
 * known only after the sources are migrated: whether they still import the runtime.
 */
export interface ManifestPlan {
  file: string;
  edit(stillUsesRuntime: boolean): PackageEdit;
}

/** Reads one package.json: a plan, a reason to leave it to the user, or undefined when it needs nothing. */
export function readManifest(file: string, text: string): ManifestPlan | PackageSkip | undefined {
  let manifest: Record<string, unknown>;
  try {
    manifest = JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    return { file, reason: `not valid JSON: ${(error as Error).message}` };
  }
  const section = SECTIONS.find((s) => typeof (manifest[s] as Record<string, unknown> | undefined)?.cloacina === 'string');
  if (section === undefined) return undefined;
  const deps = manifest[section] as Record<string, string>;
  const from = deps.cloacina!;
  if (!isV1(from)) return undefined;
  const authoringRange = restyle(from, TARGET_AUTHORING_VERSION);
  const runtimeRange = restyle(from, TARGET_RUNTIME_VERSION);
  if (authoringRange === undefined || runtimeRange === undefined) {
    return { file, reason: `${section}.cloacina is ${JSON.stringify(from)}; edit it by hand` };
  }
  const authoring = authoringRange.startsWith('npm:cloacina@') ? authoringRange.replace('npm:cloacina@', 'npm:cloacina-workflow@') : authoringRange;
  const edit = (stillUsesRuntime: boolean): PackageEdit => {
    const next: Record<string, string> = {};
    for (const [key, value] of Object.entries(deps)) {
      if (key === 'cloacina') {
        if (stillUsesRuntime) next.cloacina = runtimeRange;
        if (!Object.hasOwn(deps, 'cloacina-workflow')) next['cloacina-workflow'] = authoring;
      } else {
        next[key] = value;
      }
    }
    const edited = { ...manifest, [section]: next };
    const eol = text.includes('\r\n') ? '\r\n' : '\n';
    let output = JSON.stringify(edited, null, detectIndent(text)).replace(/\n/g, eol);
    if (/\r?\n$/.test(text)) output += eol;
    return { file, section, from, authoring, runtime: stillUsesRuntime ? runtimeRange : null, output };
  };
  return { file, edit };
}

/** The innermost of `packageDirs` that contains `file` (walks up the folders: no scan of all packages). */
export function owningPackage(file: string, packageDirs: ReadonlySet<string>): string | undefined {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    if (packageDirs.has(dir)) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}
