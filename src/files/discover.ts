// Finds the files to migrate under the given paths: inside a git repository the files git
// lists there (tracked, and untracked but not ignored), elsewhere a walk that applies the
// .gitignore files itself. node_modules is never entered. Paths are real paths (symbolic
// links of the given paths resolved), so that files can be compared and deduplicated.
import { existsSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { UsageError } from '../cli/usage-error.js';
import { EXTENSIONS } from '../parsers.js';
import { askAboutFolder, isIgnored, listFiles, listFilesSync, literalSpec, repositoryOf, submodules, trackedChanges, type FolderAnswers, type Listing, type Repository } from './git.js';
import { isTempFile } from './temp-files.js';
import { walkFiles } from './walk.js';
import { WANTED } from './wanted.js';

const MIGRATABLE: ReadonlySet<string> = new Set(EXTENSIONS);

export function isMigratable(file: string): boolean {
  // A set lookup of the name's last extension: called for every file listed, where an
  // alternation regex tried each extension at each position of the path.
  const dot = file.lastIndexOf('.');
  return dot !== -1 && MIGRATABLE.has(file.slice(dot));
}


export interface GuardedRepository {
  top: string;
  /** Tracked files with uncommitted changes, anywhere in it (asked for while listing, when wanted). */
  changed?: string[];
  /** Untracked, not ignored files under the given paths: their text is in no commit. */
  untracked: string[];
}

export interface Discovered {
  /** Source files to migrate. */
  sources: string[];
  /** Every package.json in the tree, plus the nearest one above each given path. */
  manifests: string[];
  /** The given paths, as real paths. */
  roots: string[];
  /** The repositories that hold the given paths. */
  repositories: GuardedRepository[];
  /** Given paths that no repository guards, and why. */
  unguarded: Array<{ path: string; repository: Exclude<Repository, { kind: 'repo' }> }>;
  /** Temp files of this tool met while listing. */
  temps: string[];
}

const inNodeModules = (rel: string) => rel.startsWith('node_modules/') || rel.includes('/node_modules/');

/** True when `path` is `root` or lies under it. */
export function isInside(path: string, root: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

export interface DiscoverOptions {
  /** Also ask each repository for its uncommitted changes (side by side with the listing). */
  changes?: boolean;
  /**
   * Called with each repository's tracked source files as soon as git lists them, while git
   * still walks the tree for untracked ones (`listing` settles when it is done): time the
   * caller can spend reading files ahead. Discovery goes on once the returned promise settles.
   */
  whileListing?: (sources: readonly string[], listing: Promise<unknown>) => Promise<void>;
  /** Git's answers about a folder (a real path), asked before this was called: used when it is the one folder given. */
  early?: { folder: string; answers: FolderAnswers } | undefined;
}

/** What is known before git is asked: the given paths sorted by repository, the rest walked. */
interface Start {
  roots: string[];
  listed: string[];
  manifests: Set<string>;
  unguarded: Discovered['unguarded'];
  jobs: Job[];
}

/** One repository to list: what to ask git, and what was walked because git ignores it. */
interface Job {
  top: string;
  walked: string[];
  /** Pathspecs of the given paths, relative to the top (none when all were walked). */
  asked: string[];
  /** The same, narrowed to the names worth listing (git filters tracked files itself). */
  trackedSpecs: string[];
  /**
   * The tracked files git listed, as absolute paths (node_modules left out), made once when
   * they are read ahead: the reading and the listing then share one string per file (on a
   * large tree, making each path twice was much of the collector's work).
   */
  trackedPaths?: string[];
}

/** The given paths as real paths; a clear error for one that does not exist. */
function realRoots(paths: readonly string[], cwd: string): string[] {
  return paths.map((given) => {
    const path = resolve(cwd, given);
    if (!existsSync(path)) throw new UsageError(`no such file or folder: ${given}`);
    return realpathSync(path);
  });
}

/** What git already answered about a given folder (see askAboutFolder). */
interface Known {
  root: string;
  repository: Repository;
  /** Whether git ignores the folder; undefined when it is the repository's top. */
  ignored?: boolean;
}

function start(roots: string[], known?: Known): Start {
  const listed: string[] = [];
  const manifests = new Set<string>();
  const byRepo = new Map<string, string[]>();
  const unguarded: Discovered['unguarded'] = [];
  for (const root of roots) {
    const nearest = nearestManifest(statSync(root).isFile() ? dirname(root) : root);
    if (nearest) manifests.add(nearest);
    const repository = known?.root === root ? known.repository : repositoryOf(root);
    if (repository.kind === 'repo') {
      const specs = byRepo.get(repository.top) ?? [];
      specs.push(relative(repository.top, root) || '.');
      byRepo.set(repository.top, specs);
    } else {
      unguarded.push({ path: root, repository });
      if (statSync(root).isFile()) listed.push(root);
      else for (const file of walkFiles(root)) listed.push(file);
    }
  }
  return { roots, listed, manifests, unguarded, jobs: [...byRepo].map(([top, specs]) => job(top, specs, known)) };
}

function job(top: string, specs: readonly string[], known?: Known): Job {
  const walked: string[] = [];
  const asked: string[] = [];
  for (const spec of specs) {
    const ignored = () => (known?.root === join(top, spec) && known.ignored !== undefined ? known.ignored : isIgnored(top, spec));
    // A folder git ignores but that was named explicitly is walked (its own rules apply).
    if (spec !== '.' && statSync(join(top, spec)).isDirectory() && ignored()) for (const file of walkFiles(join(top, spec))) walked.push(file);
    else asked.push(spec);
  }
  const trackedSpecs = asked.flatMap((spec) => {
    if (spec !== '.' && !statSync(join(top, spec)).isDirectory()) return [literalSpec(spec)];
    const prefix = spec === '.' ? '' : `${literalSpec(spec)}/`;
    return WANTED.map((name) => prefix + name);
  });
  return { top, walked, asked, trackedSpecs };
}

/** A repository's files from git's listing; nested repositories and submodules to list next. */
function listed(job: Job, listing: Listing | undefined): { files: string[]; untracked: string[]; nested: string[] } {
  const files = job.walked;
  const untracked: string[] = [];
  const nested: string[] = [];
  if (listing === undefined) return { files, untracked, nested };
  const base = job.top.endsWith(sep) ? job.top : job.top + sep;
  for (const path of job.trackedPaths ?? absolutePaths(job.top, listing.tracked)) files.push(path);
  for (const rel of listing.untracked) {
    if (inNodeModules(rel)) continue;
    // An untracked folder listed as a whole is a repository of its own.
    if (rel.endsWith('/')) nested.push(base + rel.slice(0, -1));
    else {
      files.push(base + rel);
      untracked.push(base + rel);
    }
  }
  for (const sub of submodules(job.top)) {
    const path = join(job.top, sub);
    if (job.asked.some((spec) => spec === '.' || isInside(path, join(job.top, spec)))) nested.push(path);
  }
  return { files, untracked, nested };
}

/** Paths git listed (relative to `top`) as absolute ones, node_modules left out. */
function absolutePaths(top: string, rels: readonly string[]): string[] {
  const base = top.endsWith(sep) ? top : top + sep;
  const paths: string[] = [];
  for (const rel of rels) if (!inNodeModules(rel)) paths.push(base + rel);
  return paths;
}

function finish(begun: Start, repositories: GuardedRepository[]): Discovered {
  const { roots, listed: all, manifests, unguarded } = begun;
  const sources = new Set<string>();
  const temps: string[] = [];
  for (const file of all) {
    if (isMigratable(file)) sources.add(file);
    else if (basename(file) === 'package.json') manifests.add(file);
    else if (isTempFile(file)) temps.push(file);
  }
  // Files named directly are migrated whatever their listing said.
  for (const root of roots) if (isMigratable(root) && statSync(root).isFile()) sources.add(root);
  return { sources: [...sources].sort(), manifests: [...manifests].sort(), roots, repositories, unguarded, temps };
}

/** Every migratable file under `paths` (files given directly are taken as they are). */
export async function discover(paths: readonly string[], cwd: string = process.cwd(), options: DiscoverOptions = {}): Promise<Discovered> {
  const roots = realRoots(paths, cwd);
  // One folder given (the usual run): git is asked everything about it at once, in it.
  const sole = roots.length === 1 && statSync(roots[0]!).isDirectory() ? roots[0]! : undefined;
  const answers =
    sole === undefined ? undefined : options.early?.folder === sole ? options.early.answers : askAboutFolder(sole, WANTED, existsSync(join(sole, '.git')));
  const known = answers === undefined ? undefined : await knownAbout(sole!, answers);
  const begun = start(roots, known);
  const { whileListing } = options;
  const early = whileListing
    ? (j: Job) => (tracked: readonly string[], untracked: Promise<unknown>) => {
        j.trackedPaths = absolutePaths(j.top, tracked);
        return whileListing(j.trackedPaths.filter(isMigratable), untracked);
      }
    : undefined;
  // The sole folder's job (asked as one spec of its repository) takes git's answers about it.
  const answered = (j: Job) => (answers !== undefined && j.asked.length === 1 && join(j.top, j.asked[0]!) === sole ? answers : undefined);
  const listingOf = (j: Job) => {
    if (j.asked.length === 0) return Promise.resolve(undefined);
    const given = answered(j);
    return given ? listingFrom(given, j.asked[0]!, early?.(j)) : listFiles(j.top, j.trackedSpecs, j.asked, early?.(j));
  };
  const ask = (j: Job) => ({
    listing: listingOf(j),
    changed: options.changes ? trackedChanges(j.top).then((rels) => rels.map((rel) => join(j.top, rel))) : undefined,
  });
  // Every repository's git commands run side by side.
  const asked = new Map(begun.jobs.map((j) => [j, ask(j)]));
  const repositories: GuardedRepository[] = [];
  for (let i = 0; i < begun.jobs.length; i++) {
    const j = begun.jobs[i]!;
    const { listing, changed } = asked.get(j) ?? ask(j);
    const { files, untracked, nested } = listed(j, await listing);
    for (const file of files) begun.listed.push(file);
    repositories.push({ top: j.top, untracked: untracked.filter((f) => !isTempFile(f)), ...(changed ? { changed: await changed } : {}) });
    for (const top of nested) begun.jobs.push(job(top, ['.']));
  }
  return finish(begun, repositories);
}

/** The repository of a folder, and whether git ignores it, from git's answers. */
async function knownAbout(root: string, answers: FolderAnswers): Promise<Known> {
  const repository = await answers.repository;
  if (repository.kind !== 'repo' || repository.top === root || answers.ignored === undefined) return { root, repository };
  return { root, repository, ignored: await answers.ignored };
}

/** listFiles' answer from the answers asked in the folder `spec` (relative to the top). */
async function listingFrom(
  answers: FolderAnswers,
  spec: string,
  whileUntracked?: (tracked: readonly string[], untracked: Promise<unknown>) => Promise<void>,
): Promise<Listing> {
  // Relative to the top, as listFiles gives them.
  const prefix = spec === '.' ? '' : `${spec.split(sep).join('/')}/`;
  const tracked = (await answers.tracked).map((rel) => prefix + rel);
  if (whileUntracked) await whileUntracked(tracked, answers.untracked);
  return { tracked, untracked: (await answers.untracked).map((rel) => prefix + rel) };
}

/** The source files under `paths`, listed as `discover` lists them, synchronously (for the analysis). */
export function discoverSources(paths: readonly string[], cwd: string = process.cwd()): string[] {
  const begun = start(realRoots(paths, cwd));
  for (let i = 0; i < begun.jobs.length; i++) {
    const j = begun.jobs[i]!;
    const { files, nested } = listed(j, j.asked.length > 0 ? listFilesSync(j.top, j.trackedSpecs, j.asked) : undefined);
    for (const file of files) begun.listed.push(file);
    for (const top of nested) begun.jobs.push(job(top, ['.']));
  }
  return finish(begun, []).sources;
}

function nearestManifest(dir: string): string | undefined {
  for (let current = dir; ; current = resolve(current, '..')) {
    if (existsSync(join(current, 'package.json'))) return join(current, 'package.json');
    if (resolve(current, '..') === current) return undefined;
  }
}
