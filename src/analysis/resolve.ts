// Resolving the module specifiers of a project's own files to files, the way TypeScript and
// bundlers do for local code: relative paths with or without an extension, `./x.js` naming
// `./x.ts`, folders with an index file, and the `paths` of the nearest tsconfig.json.
// Packages (anything else) are not followed: they are not the project's code.
import { existsSync, readFileSync, statSync } from 'node:fs';
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
  readonly #known: ReadonlySet<string> | undefined;

  /** `known`: the project's files, so most lookups need no file system call. */
  constructor(known?: ReadonlySet<string>) {
    this.#known = known;
  }

  /** The local file `specifier` names from `fromFile`, or undefined for a package or a missing file. */
  resolve(fromFile: string, specifier: string): string | undefined {
    if (isRelative(specifier)) return this.#file(resolvePath(dirname(fromFile), specifier));
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
