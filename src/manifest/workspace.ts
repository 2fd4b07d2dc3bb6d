// The workspace a package belongs to (npm/yarn `workspaces`, or pnpm-workspace.yaml) and
// the names of the packages it holds, so that a `workspace:` range is only written for a
// package the workspace really has.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { workspacePackages } from './pnpm-workspace.js';

export interface Workspace {
  root: string;
  /** The package folder globs, relative to the root. */
  globs: string[];
}

/** A glob of package folders as a regular expression over '/'-separated relative paths. */
function globRegex(glob: string): RegExp {
  const parts = glob.replace(/^\.\//, '').replace(/\/+$/, '').split('/');
  const source = parts
    .map((part) => (part === '**' ? '(?:[^/]+/)*' : `${part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}/`))
    .join('');
  return new RegExp(`^${source}$`);
}

function matches(globs: readonly string[], rel: string): boolean {
  const path = rel === '' ? '' : `${rel.split(sep).join('/')}/`;
  let included = path === '';
  for (const glob of globs) {
    if (glob.startsWith('!')) {
      if (globRegex(glob.slice(1)).test(path)) included = false;
    } else if (globRegex(glob).test(path)) {
      included = true;
    }
  }
  return included;
}

function readGlobs(dir: string): string[] | undefined {
  const yaml = join(dir, 'pnpm-workspace.yaml');
  if (existsSync(yaml)) {
    try {
      return workspacePackages(readFileSync(yaml, 'utf8')) ?? [];
    } catch {
      return undefined;
    }
  }
  const manifest = join(dir, 'package.json');
  if (!existsSync(manifest)) return undefined;
  try {
    const { workspaces } = JSON.parse(readFileSync(manifest, 'utf8').replace(/^\uFEFF/, '')) as { workspaces?: unknown };
    const globs = Array.isArray(workspaces) ? workspaces : (workspaces as { packages?: unknown } | undefined)?.packages;
    return Array.isArray(globs) ? globs.filter((g): g is string => typeof g === 'string') : undefined;
  } catch {
    return undefined;
  }
}

/** The workspace whose globs include `packageDir` (a root includes itself), up to the repository's top. */
export function workspaceOf(packageDir: string): Workspace | undefined {
  for (let dir = packageDir; ; dir = dirname(dir)) {
    const globs = readGlobs(dir);
    if (globs !== undefined && matches(globs, relative(dir, packageDir))) return { root: dir, globs };
    if (existsSync(join(dir, '.git')) || dirname(dir) === dir) return undefined;
  }
}

const SKIP = new Set(['node_modules', '.git']);

/** The names of the packages a workspace holds (its root's included). */
export function packageNames(workspace: Workspace): Set<string> {
  const names = new Set<string>();
  // Without a '**' glob no package lies deeper than the longest glob.
  const deepest = workspace.globs.some((g) => g.includes('**')) ? Infinity : Math.max(0, ...workspace.globs.map((g) => g.split('/').length));
  const visit = (dir: string, depth: number) => {
    const rel = relative(workspace.root, dir);
    if (matches(workspace.globs, rel)) {
      try {
        const { name } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8').replace(/^\uFEFF/, '')) as { name?: unknown };
        if (typeof name === 'string') names.add(name);
      } catch {
        // no package here
      }
    }
    if (depth >= deepest) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory() && !SKIP.has(entry.name)) visit(join(dir, entry.name), depth + 1);
    }
  };
  visit(workspace.root, 0);
  return names;
}
