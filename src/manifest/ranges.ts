// What a dependency range on cloacina says, and the same range moved to another version in
// the same style (^, ~, exact, x-ranges). Anything this cannot move faithfully is reported.
import semver from 'semver';

export type RangeKind =
  /** Admits only v1 releases: to be moved. */
  | { kind: 'v1' }
  /** Admits v1 and v2 releases (`*`, `>=1`): kept as it is. */
  | { kind: 'both' }
  /** Admits no v1 release: nothing to do. */
  | { kind: 'v2' }
  | { kind: 'workspace'; spec: string }
  | { kind: 'catalog'; name: string }
  /** A range to edit by hand, and why. */
  | { kind: 'manual'; why: string };

export function classifyRange(range: string): RangeKind {
  const trimmed = range.trim();
  if (trimmed.startsWith('workspace:')) return { kind: 'workspace', spec: trimmed.slice('workspace:'.length) };
  if (trimmed.startsWith('catalog:')) return { kind: 'catalog', name: trimmed.slice('catalog:'.length) || 'default' };
  if (trimmed.startsWith('npm:')) return { kind: 'manual', why: 'an npm: alias' };
  if (trimmed.startsWith('file:') || trimmed.startsWith('link:') || trimmed.startsWith('portal:')) return { kind: 'manual', why: 'a local path' };
  if (/^(git|git\+[a-z]+|github|gitlab|bitbucket|https?):/.test(trimmed) || /^[\w.-]+\/[\w.-]+(#.*)?$/.test(trimmed)) {
    return { kind: 'manual', why: 'a git or URL dependency' };
  }
  const valid = semver.validRange(trimmed);
  if (valid === null) return { kind: 'manual', why: 'not a version range (a dist-tag?)' };
  const min = semver.minVersion(trimmed);
  if (min === null || semver.gte(min, '2.0.0')) return { kind: 'v2' };
  return semver.satisfies('2.0.0', trimmed) ? { kind: 'both' } : { kind: 'v1' };
}

const SIMPLE = /^(\^|~|=|v|)(\d+)(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

/**
 * `range` (a v1 range in a simple style) moved to `version`, keeping its operator and how
 * many parts it spells: `^1.3.0` -> `^2.0.0`, `~1.2` -> `~2.0`, `1.x` -> `2.x`, `1.3.0` -> `2.0.0`.
 * Undefined for any other style (`>=1.2 <2`, `1.2 - 1.4`, `^1 || ^0.9`).
 */
export function restyle(range: string, version: string): string | undefined {
  const match = SIMPLE.exec(range.trim());
  const target = semver.parse(version);
  if (match === null || target === null) return undefined;
  const [, operator, , minor, patch] = match;
  const parts = [String(target.major)];
  if (minor !== undefined) parts.push(/\d/.test(minor) ? String(target.minor) : minor);
  if (patch !== undefined) parts.push(/\d/.test(patch) ? String(target.patch) : patch);
  return `${operator}${parts.join('.')}`;
}
