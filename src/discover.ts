// Finds the files to migrate: the known extensions, .gitignore rules respected (nested
// files too), node_modules and .git never entered.
import ignore, { type Ignore } from 'ignore';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { EXTENSIONS } from './parsers.js';

const NEVER = new Set(['node_modules', '.git']);

interface Rules {
  base: string;
  rules: Ignore;
}

function rulesIn(dir: string): Rules | undefined {
  const file = join(dir, '.gitignore');
  if (!existsSync(file)) return undefined;
  return { base: dir, rules: ignore().add(readFileSync(file, 'utf8')) };
}

function ignored(path: string, isDir: boolean, stack: readonly Rules[]): boolean {
  for (const { base, rules } of stack) {
    const rel = relative(base, path).split(sep).join('/');
    if (rel === '' || rel.startsWith('..')) continue;
    if (rules.ignores(isDir ? `${rel}/` : rel)) return true;
  }
  return false;
}

/** The .gitignore files from the repository root (or filesystem root) down to `dir`. */
function ancestorsRules(dir: string): Rules[] {
  const chain: string[] = [];
  for (let current = dir; ; ) {
    chain.unshift(current);
    if (existsSync(join(current, '.git'))) break;
    const parent = resolve(current, '..');
    if (parent === current) break;
    current = parent;
  }
  return chain.slice(0, -1).map(rulesIn).filter((r): r is Rules => r !== undefined);
}

export function isMigratable(file: string): boolean {
  return (EXTENSIONS as readonly string[]).some((ext) => file.endsWith(ext));
}

export interface Discovered {
  /** Source files to migrate. */
  sources: string[];
  /** Every package.json in the tree, plus the nearest one above each given path. */
  manifests: string[];
}

/** Every migratable file under `paths` (files given directly are taken as they are). */
export function discover(paths: readonly string[], cwd: string = process.cwd()): Discovered {
  const found: string[] = [];
  const manifests: string[] = [];
  for (const given of paths) {
    const path = resolve(cwd, given);
    if (!existsSync(path)) throw new UsageError(`no such file or folder: ${given}`);
    const nearest = nearestManifest(statSync(path).isFile() ? dirname(path) : path);
    if (nearest) manifests.push(nearest);
    if (statSync(path).isFile()) {
      if (isMigratable(path)) found.push(path);
      continue;
    }
    // A folder named explicitly is migrated even when an enclosing .gitignore ignores it;
    // the rules inside it still apply.
    const ancestors = ancestorsRules(path);
    walk(path, ignored(path, true, ancestors) ? [] : ancestors, found, manifests);
  }
  return { sources: [...new Set(found)].sort(), manifests: [...new Set(manifests)].sort() };
}

function nearestManifest(dir: string): string | undefined {
  for (let current = dir; ; current = resolve(current, '..')) {
    if (existsSync(join(current, 'package.json'))) return join(current, 'package.json');
    if (resolve(current, '..') === current) return undefined;
  }
}

function walk(dir: string, inherited: readonly Rules[], found: string[], manifests: string[]): void {
  const entries = readdirSync(dir, { withFileTypes: true });
  // The listing says whether there is a .gitignore: no extra stat per folder.
  const own = entries.some((e) => e.name === '.gitignore') ? rulesIn(dir) : undefined;
  const stack = own ? [...inherited, own] : inherited;
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (NEVER.has(entry.name) || ignored(path, true, stack)) continue;
      walk(path, stack, found, manifests);
    } else if (entry.isFile() && !ignored(path, false, stack)) {
      if (isMigratable(entry.name)) found.push(path);
      else if (entry.name === 'package.json') manifests.push(path);
    }
  }
}

/** A mistake in how the command was called: exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
