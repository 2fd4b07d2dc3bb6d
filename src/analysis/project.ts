// A lazy, cached view of the project a file belongs to: its files, how their local imports
// resolve, who imports whom, and each file's parse, scopes and exports, made only when a
// question needs them. One index serves a whole run (each worker thread builds its own); a
// file the run changes is seen in its current text, which holds the same removals and the
// same import graph (cloacina-workflow counts as cloacina).
import { readFileSync } from 'node:fs';
import { dirname, join, resolve as resolvePath } from 'node:path';
import { existsSync } from 'node:fs';
import { discoverSources } from '../files/discover.js';
import { moduleInfo, type ModuleInfo } from './module-info.js';
import { parseFile, type ParsedFile } from './parse.js';
import { Resolver, scanSpecifiers } from './resolve.js';
import { analyzeScopes, type FileScopes } from './scope.js';

/** One file, parsed once, with its names resolved and its imports and exports read. */
export interface FileAnalysis {
  file: string;
  parsed: ParsedFile;
  scopes: FileScopes;
  module: ModuleInfo;
}

export interface ProjectOptions {
  /** Folders (or files) the project's files are found under, when a question needs all of them. */
  roots?: readonly string[];
  /** The project's source files, when the caller has found them already. */
  files?: readonly string[];
  /** Reads a file (default: from disk); tests give files from memory. */
  read?: (file: string) => string | undefined;
  /**
   * Questions about the whole project (who imports a file) throw ProjectQuestionDeferred
   * instead of reading every file: a worker thread hands such files back to the main thread,
   * whose index has read the project once for all of them.
   */
  deferWholeProject?: boolean;
}

/** A question needed the whole project, and this index defers those (see ProjectOptions). */
export class ProjectQuestionDeferred extends Error {
  constructor() {
    super('this file needs the whole project indexed');
    this.name = 'ProjectQuestionDeferred';
  }
}

/** Module specifiers of the cloacina packages (v1, its legacy surface, and v2). */
export function isCloacinaSpecifier(specifier: string): boolean {
  return specifier === 'cloacina' || specifier.startsWith('cloacina/') || specifier === 'cloacina-workflow' || specifier.startsWith('cloacina-workflow/');
}

export class ProjectIndex {
  /** What identifies the project (its roots), for callers that keep one index per project. */
  readonly key: string;
  readonly #roots: readonly string[];
  #files: readonly string[] | undefined;
  #resolver: Resolver;
  /** Recently used analyses (a parse is large: a run over many files keeps only some). */
  readonly #analyses = new Map<string, FileAnalysis | null>();
  /** Texts given to add(): the file's current text, which may not be on disk (a dry run). */
  readonly #given = new Map<string, string>();
  /** Each file's module specifiers, found without parsing (kept: they are small). */
  readonly #specifiers = new Map<string, string[]>();
  readonly #imports = new Map<string, string[]>();
  #importers: Map<string, string[]> | undefined;
  readonly #inGraph = new Map<string, boolean>();
  readonly #read: (file: string) => string | undefined;
  readonly #defer: boolean;

  constructor(options: ProjectOptions = {}) {
    this.#defer = options.deferWholeProject === true;
    this.#roots = options.roots ?? [];
    this.key = this.#roots.join('\0');
    this.#read = options.read ?? readFromDisk;
    this.#files = options.files;
    this.#resolver = new Resolver(options.files ? new Set(options.files) : undefined);
  }

  /**
   * This thread's index of the project under `roots`, made once (with `files` when the caller
   * has found them; else found on first need). A run, and each of its worker threads, keeps one.
   */
  static shared(roots: readonly string[], files?: readonly string[], deferWholeProject = false): ProjectIndex {
    const key = `${deferWholeProject}\0${roots.join('\0')}`;
    let index = shared.get(key);
    if (index === undefined || (files !== undefined && index.#files !== files)) {
      index = new ProjectIndex({ roots, ...(files ? { files } : {}), deferWholeProject });
      shared.clear(); // one run at a time per thread: do not keep old projects' parses alive
      shared.set(key, index);
    }
    return index;
  }

  /** An index for a file handed over on its own (the jscodeshift entry points): its package is the project. */
  static around(file: string): ProjectIndex {
    let dir = dirname(resolvePath(file));
    for (let up = dir; ; up = dirname(up)) {
      if (existsSync(join(up, 'package.json'))) {
        dir = up;
        break;
      }
      if (dirname(up) === up) break;
    }
    return new ProjectIndex({ roots: [dir] });
  }

  /** Every source file of the project (found on first use). */
  files(): readonly string[] {
    if (this.#files === undefined && this.#defer) throw new ProjectQuestionDeferred();
    if (this.#files === undefined) {
      let found: string[] = [];
      try {
        found = this.#roots.length > 0 ? discoverSources(this.#roots, '/') : [];
      } catch {
        found = [];
      }
      this.#files = found;
      this.#resolver = new Resolver(new Set(found));
    }
    return this.#files;
  }

  /** Makes the index see `parsed` as the current text of its file (the file being migrated). */
  add(parsed: ParsedFile): FileAnalysis {
    const file = resolvePath(parsed.path);
    const existing = this.#analyses.get(file);
    if (existing && existing.parsed.text === parsed.text) return existing;
    const analysis = analyse(file, parsed);
    this.#remember(file, analysis);
    if (this.#given.get(file) !== parsed.text) {
      this.#given.set(file, parsed.text);
      this.#specifiers.delete(file);
      this.#imports.delete(file);
    }
    return analysis;
  }

  /** The file's analysis, or undefined when it cannot be read or parsed. */
  analysis(file: string): FileAnalysis | undefined {
    const cached = this.#analyses.get(file);
    if (cached !== undefined) {
      this.#remember(file, cached);
      return cached ?? undefined;
    }
    const text = this.text(file);
    let analysis: FileAnalysis | null = null;
    if (text !== undefined) {
      try {
        analysis = analyse(file, parseFile(file, text));
      } catch {
        analysis = null; // a file that does not parse is reported by its own migration
      }
    }
    this.#remember(file, analysis);
    return analysis ?? undefined;
  }

  #remember(file: string, analysis: FileAnalysis | null): void {
    this.#analyses.delete(file);
    this.#analyses.set(file, analysis);
    if (this.#analyses.size > KEPT_ANALYSES) this.#analyses.delete(this.#analyses.keys().next().value!);
  }

  /** The file's current text: as given to add(), else as read (not kept: reading again is cheap). */
  text(file: string): string | undefined {
    return this.#given.get(file) ?? this.#analyses.get(file)?.parsed.text ?? this.#read(file);
  }

  /** The module specifiers the file names. */
  #specifiersOf(file: string): readonly string[] {
    let found = this.#specifiers.get(file);
    if (found === undefined) {
      found = scanSpecifiers(this.text(file) ?? '');
      this.#specifiers.set(file, found);
    }
    return found;
  }

  /** The project file `specifier` names from `fromFile`, or undefined (a package, or missing). */
  resolve(fromFile: string, specifier: string): string | undefined {
    return this.#resolver.resolve(fromFile, specifier);
  }

  /** The project files `file` names in its imports, re-exports, requires and mocks. */
  localImports(file: string): readonly string[] {
    let found = this.#imports.get(file);
    if (found === undefined) {
      found = [...new Set(this.#specifiersOf(file).map((s) => this.resolve(file, s)).filter((f): f is string => f !== undefined))];
      this.#imports.set(file, found);
    }
    return found;
  }

  /** Project files whose imports name `file`. Reads every file of the project once. */
  importersOf(file: string): readonly string[] {
    if (this.#importers === undefined) {
      const importers = new Map<string, string[]>();
      for (const from of this.files()) {
        for (const target of this.localImports(from)) {
          let list = importers.get(target);
          if (list === undefined) importers.set(target, (list = []));
          list.push(from);
        }
      }
      this.#importers = importers;
    }
    return this.#importers.get(file) ?? [];
  }

  /** Whether the file names a cloacina package itself. */
  importsCloacina(file: string): boolean {
    return this.#specifiersOf(file).some(isCloacinaSpecifier);
  }

  /**
   * Whether the file is part of the cloacina import graph: it imports cloacina, or reaches a
   * file that does through its local imports (barrels, helpers), or is reached from one.
   */
  inCloacinaGraph(file: string): boolean {
    let answer = this.#inGraph.get(file);
    if (answer === undefined) {
      answer = this.#reaches(file, (f) => this.localImports(f)) || this.#reaches(file, (f) => this.importersOf(f));
      this.#inGraph.set(file, answer);
    }
    return answer;
  }

  #reaches(start: string, next: (file: string) => readonly string[]): boolean {
    const seen = new Set([start]);
    const queue = [start];
    while (queue.length > 0) {
      const file = queue.shift()!;
      if (this.importsCloacina(file)) return true;
      for (const other of next(file)) {
        if (!seen.has(other)) {
          seen.add(other);
          queue.push(other);
        }
      }
    }
    return false;
  }
}

const shared = new Map<string, ProjectIndex>();
/** How many parsed files an index keeps: the helpers a run keeps going back to fit easily. */
const KEPT_ANALYSES = 128;

function readFromDisk(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function analyse(file: string, parsed: ParsedFile): FileAnalysis {
  return { file, parsed, scopes: analyzeScopes(parsed.program), module: moduleInfo(parsed.program) };
}
