// Resolving the module specifiers of a project's own files to files, the way TypeScript and
// bundlers do for local code: relative paths with or without an extension, `./x.js` naming
// `./x.ts`, folders with an index file, the `paths` of the nearest tsconfig.json, the
// `imports` (`#name`) of the nearest package.json, and the packages of the project's own
// workspace (npm/yarn `workspaces`, pnpm-workspace.yaml) by name. Other packages are not
// followed: they are not the project's code.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve as resolvePath } from 'node:path';

export const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'] as const;

/** The TypeScript sources a JavaScript file name may stand for (`./x.js` in a TS project is `./x.ts`). */
const TS_FOR_JS: Record<string, readonly string[]> = { '.js': ['.ts', '.tsx'], '.jsx': ['.tsx'], '.mjs': ['.mts'], '.cjs': ['.cts'] };

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|\bimport\s+|\bmock\s*\(\s*|\brequire\.resolve\s*\(\s*)(['"`])([^'"`\n\r]+)\1/g;

/**
 * Every module specifier a file's text names, found without parsing. It may find a few that
 * are not imports (one in a comment): callers use it to widen what they look at, never to narrow.
 */
export function scanSpecifiers(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(SPECIFIER)) found.push(match[2]!);
  return found;
}

export const isRelative = (specifier: string) => specifier.startsWith('./') || specifier.startsWith('../') || specifier === '.' || specifier === '..' || specifier.startsWith('/');

/** The package a bare specifier names: `@scope/name/sub` -> `@scope/name`. */
export function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

interface PathsConfig {
  base: string;
  paths: Array<{ prefix: string; suffix: string; wildcard: boolean; targets: string[] }>;
}

export class Resolver {
  readonly #isFile = new Map<string, boolean>();
  readonly #tsconfigOfDir = new Map<string, PathsConfig | undefined>();
  readonly #workspaceOfDir = new Map<string, ReadonlyMap<string, string>>();
  readonly #known: ReadonlySet<string> | undefined;

  /** `known`: the project's files, so most lookups need no file system call. */
  constructor(known?: ReadonlySet<string>) {
    this.#known = known;
  }

  /** The local file `specifier` names from `fromFile`, or undefined for a package or a missing file. */
  resolve(fromFile: string, specifier: string): string | undefined {
    if (isRelative(specifier)) return this.#file(resolvePath(dirname(fromFile), specifier));
    return this.#viaPaths(fromFile, specifier) ?? this.#viaPackage(dirname(fromFile), specifier, 0);
  }

  #viaPaths(fromFile: string, specifier: string): string | undefined {
    const config = this.#pathsFor(dirname(fromFile));
    if (config === undefined) return undefined;
    for (const entry of config.paths) {
      let rest: string | undefined;
      if (entry.wildcard) {
        if (specifier.startsWith(entry.prefix) && specifier.endsWith(entry.suffix) && specifier.length >= entry.prefix.length + entry.suffix.length) {
          rest = specifier.slice(entry.prefix.length, specifier.length - entry.suffix.length);
        }
      } else if (specifier === entry.prefix) rest = '';
      if (rest === undefined) continue;
      for (const target of entry.targets) {
        const found = this.#file(resolvePath(config.base, target.replace('*', rest)));
        if (found !== undefined) return found;
      }
    }
    return undefined;
  }

  /** `#name` through the nearest package.json's `imports`; a bare name through the workspace. */
  #viaPackage(dir: string, specifier: string, depth: number): string | undefined {
    if (depth > 4) return undefined;
    if (specifier.startsWith('#')) {
      const scope = this.#manifestAbove(dir);
      if (scope === undefined) return undefined;
      for (const target of mapTargets(scope.json.imports, specifier)) {
        const found = isRelative(target) ? this.#source(scope.dir, target) : this.#viaPackage(scope.dir, target, depth + 1);
        if (found !== undefined) return found;
      }
      return undefined;
    }
    const name = packageOf(specifier);
    // The library itself is never the project's code, even inside a workspace that holds it.
    if (name === 'cloacina' || name === 'cloacina-workflow') return undefined;
    const packageDir = this.#workspacePackages(dir).get(name);
    if (packageDir === undefined) return undefined;
    const manifest = readManifest(join(packageDir, 'package.json')) ?? {};
    const subpath = `.${specifier.slice(name.length)}`;
    const exports = typeof manifest.exports === 'string' || Array.isArray(manifest.exports) ? { '.': manifest.exports } : manifest.exports;
    const entries = mapTargets(exports, subpath);
    if (subpath === '.') {
      for (const field of ['source', 'module', 'main'] as const) if (typeof manifest[field] === 'string') entries.push(manifest[field] as string);
      entries.push('./index', './src/index');
    } else entries.push(subpath);
    for (const entry of entries) {
      const found = this.#source(packageDir, entry);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  /** A package's file, or its source when the path names build output (`./dist/x.js` -> `./src/x.ts`). */
  #source(packageDir: string, entry: string): string | undefined {
    if (entry.endsWith('.d.ts') || entry.endsWith('.d.mts') || entry.endsWith('.d.cts')) entry = entry.replace(/\.d\.([mc]?)ts$/, '.$1js');
    return this.#file(resolvePath(packageDir, entry)) ?? this.#file(resolvePath(packageDir, entry.replace(/^(\.\/)?(dist|lib|build|out)\//, './src/')));
  }

  /** The nearest package.json above `dir` (Node's package scope). */
  #manifestAbove(dir: string): { dir: string; json: Manifest } | undefined {
    for (let up = dir; ; up = dirname(up)) {
      const json = readManifest(join(up, 'package.json'));
      if (json !== undefined) return { dir: up, json };
      if (dirname(up) === up) return undefined;
    }
  }

  /** The packages of the workspace `dir` lies in, by name (empty outside a workspace). */
  #workspacePackages(dir: string): ReadonlyMap<string, string> {
    const cached = this.#workspaceOfDir.get(dir);
    if (cached !== undefined) return cached;
    let found: ReadonlyMap<string, string> | undefined;
    const patterns = workspacePatterns(dir);
    if (patterns !== undefined) found = packagesOf(dir, patterns);
    else found = dirname(dir) === dir ? new Map() : this.#workspacePackages(dirname(dir));
    this.#workspaceOfDir.set(dir, found);
    return found;
  }

  #exists(file: string): boolean {
    if (this.#known?.has(file)) return true;
    let found = this.#isFile.get(file);
    if (found === undefined) {
      try {
        found = statSync(file).isFile();
      } catch {
        found = false;
      }
      this.#isFile.set(file, found);
    }
    return found;
  }

  #file(base: string): string | undefined {
    const dot = base.lastIndexOf('.');
    const ext = dot > base.lastIndexOf('/') ? base.slice(dot) : '';
    if ((SOURCE_EXTENSIONS as readonly string[]).includes(ext)) {
      for (const alternative of TS_FOR_JS[ext] ?? []) {
        const candidate = base.slice(0, dot) + alternative;
        if (this.#exists(candidate)) return candidate;
      }
      if (this.#exists(base)) return base;
    }
    for (const e of SOURCE_EXTENSIONS) if (this.#exists(base + e)) return base + e;
    for (const e of SOURCE_EXTENSIONS) if (this.#exists(join(base, `index${e}`))) return join(base, `index${e}`);
    return undefined;
  }

  /** The `paths` of the nearest tsconfig.json above `dir` (following a relative `extends`). */
  #pathsFor(dir: string): PathsConfig | undefined {
    if (this.#tsconfigOfDir.has(dir)) return this.#tsconfigOfDir.get(dir);
    let config: PathsConfig | undefined;
    const file = join(dir, 'tsconfig.json');
    if (existsSync(file)) config = readPaths(file, 0);
    else if (dirname(dir) !== dir) config = this.#pathsFor(dirname(dir));
    this.#tsconfigOfDir.set(dir, config);
    return config;
  }
}

interface Manifest {
  name?: unknown;
  main?: unknown;
  module?: unknown;
  source?: unknown;
  exports?: unknown;
  imports?: unknown;
  workspaces?: unknown;
}

function readManifest(file: string): Manifest | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const json = JSON.parse(text.replace(/^\uFEFF/, '')) as unknown;
    return json !== null && typeof json === 'object' && !Array.isArray(json) ? (json as Manifest) : {};
  } catch {
    return {}; // a package.json that is not JSON still marks a package scope
  }
}

/**
 * The targets an `exports`/`imports` map gives `key` (exact or one `*`), every condition's in
 * preference order: the caller takes the first that names a source file of the project.
 */
function mapTargets(map: unknown, key: string): string[] {
  if (map === null || typeof map !== 'object' || Array.isArray(map)) return [];
  const entries = Object.entries(map as Record<string, unknown>);
  const exact = entries.find(([k]) => k === key);
  if (exact !== undefined) return conditionTargets(exact[1], '');
  for (const [pattern, value] of entries) {
    const star = pattern.indexOf('*');
    if (star < 0) continue;
    const prefix = pattern.slice(0, star);
    const suffix = pattern.slice(star + 1);
    if (key.startsWith(prefix) && key.endsWith(suffix) && key.length >= prefix.length + suffix.length) {
      return conditionTargets(value, key.slice(prefix.length, key.length - suffix.length));
    }
  }
  return [];
}

/** A string target, or those of a conditions object (source-like first, types last) or a fallback array. */
function conditionTargets(value: unknown, rest: string): string[] {
  if (typeof value === 'string') return [value.replaceAll('*', rest)];
  if (Array.isArray(value)) return value.flatMap((item) => conditionTargets(item, rest));
  if (value === null || typeof value !== 'object') return [];
  const conditions = value as Record<string, unknown>;
  const order = ['source', 'development', 'node', 'import', 'require', 'module', 'default', ...Object.keys(conditions), 'types'];
  return [...new Set(order)].filter((name) => name in conditions).flatMap((name) => conditionTargets(conditions[name], rest));
}

/** The workspace globs of a root (package.json `workspaces`, pnpm-workspace.yaml), if `dir` is one. */
function workspacePatterns(dir: string): string[] | undefined {
  const manifest = readManifest(join(dir, 'package.json'));
  const declared = manifest?.workspaces;
  const list = Array.isArray(declared) ? declared : (declared as { packages?: unknown } | undefined)?.packages;
  if (Array.isArray(list)) return list.filter((x): x is string => typeof x === 'string');
  let yaml: string;
  try {
    yaml = readFileSync(join(dir, 'pnpm-workspace.yaml'), 'utf8');
  } catch {
    return undefined;
  }
  const patterns: string[] = [];
  let inPackages = false;
  for (const line of yaml.split(/\r?\n/)) {
    if (/^packages\s*:/.test(line)) inPackages = true;
    else if (/^\S/.test(line)) inPackages = false;
    else if (inPackages) {
      const item = /^\s*-\s*(['"]?)([^'"#]+?)\1\s*(?:#.*)?$/.exec(line);
      if (item) patterns.push(item[2]!);
    }
  }
  return patterns;
}

/** Name -> folder of every package a workspace's globs (`dir`, `dir/*`, `dir/**`) match. */
function packagesOf(root: string, patterns: readonly string[]): Map<string, string> {
  const found = new Map<string, string>();
  const excluded = patterns.filter((p) => p.startsWith('!')).map((p) => resolvePath(root, p.slice(1)));
  const add = (dir: string) => {
    if (excluded.includes(dir)) return;
    const name = readManifest(join(dir, 'package.json'))?.name;
    if (typeof name === 'string' && !found.has(name)) found.set(name, dir);
  };
  const subdirs = (dir: string) => {
    try {
      return readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory() && e.name !== 'node_modules' && !e.name.startsWith('.')).map((e) => join(dir, e.name));
    } catch {
      return [];
    }
  };
  for (const pattern of patterns) {
    if (pattern.startsWith('!')) continue;
    const clean = pattern.replace(/\/+$/, '');
    if (clean.endsWith('/**')) {
      const walk = (dir: string, depth: number) => {
        for (const sub of subdirs(dir)) {
          add(sub);
          if (depth < 3) walk(sub, depth + 1);
        }
      };
      walk(resolvePath(root, clean.slice(0, -3)), 0);
    } else if (clean.endsWith('/*')) for (const sub of subdirs(resolvePath(root, clean.slice(0, -2)))) add(sub);
    else if (!clean.includes('*')) add(resolvePath(root, clean));
  }
  return found;
}

function readPaths(file: string, depth: number): PathsConfig | undefined {
  let json: { extends?: unknown; compilerOptions?: { baseUrl?: unknown; paths?: unknown } };
  try {
    json = JSON.parse(stripJsonComments(readFileSync(file, 'utf8')));
  } catch {
    return undefined; // an unreadable tsconfig: only relative imports are followed
  }
  const options = json.compilerOptions ?? {};
  const dir = dirname(file);
  if (options.paths && typeof options.paths === 'object') {
    const base = typeof options.baseUrl === 'string' ? resolvePath(dir, options.baseUrl) : dir;
    const paths = Object.entries(options.paths as Record<string, unknown>).map(([pattern, targets]) => {
      const star = pattern.indexOf('*');
      return {
        prefix: star < 0 ? pattern : pattern.slice(0, star),
        suffix: star < 0 ? '' : pattern.slice(star + 1),
        wildcard: star >= 0,
        targets: Array.isArray(targets) ? targets.filter((x): x is string => typeof x === 'string') : [],
      };
    });
    return { base, paths };
  }
  if (typeof json.extends === 'string' && isRelative(json.extends) && depth < 8) {
    const parent = resolvePath(dir, json.extends.endsWith('.json') ? json.extends : `${json.extends}.json`);
    if (existsSync(parent)) return readPaths(parent, depth + 1);
  }
  return undefined;
}

/** tsconfig.json allows comments and trailing commas. */
export function stripJsonComments(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      out += text.slice(start, i + 1);
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      i = text.indexOf('*/', i + 2);
      if (i < 0) break;
      i++;
    } else out += c;
  }
  return out.replace(/,(\s*[}\]])/g, '$1');
}
