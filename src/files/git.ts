// What git knows about the given paths: which repository holds each, the files it would
// list there (tracked and untracked, its ignore rules applied by git itself), and the
// changes not yet committed. Every command runs in the path's own repository.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isAscii } from 'node:buffer';

export type Repository =
  | { kind: 'repo'; top: string }
  | { kind: 'not-a-repo' }
  | { kind: 'no-git' }
  /** git is there but would not answer (for example a repository owned by another user). */
  | { kind: 'unknown'; message: string };

/** The repository that holds `path` (a file or folder), asked of git in that folder. */
export function repositoryOf(path: string): Repository {
  const dir = statSync(path).isDirectory() ? path : join(path, '..');
  return repositoryFrom(spawnSync('git', ['rev-parse', '--show-toplevel'], { cwd: dir, encoding: 'utf8' }));
}

/** What `git rev-parse --show-toplevel` in `dir` says about it, sorted as repositoryOf sorts it. */
function repositoryFrom(result: { error?: Error; status: number | null; stdout: string; stderr: string }): Repository {
  if (result.error) return { kind: 'no-git' };
  if (result.status === 0) return { kind: 'repo', top: realpathSync(result.stdout.trim()) };
  if (/not a git repository/i.test(result.stderr)) return { kind: 'not-a-repo' };
  return { kind: 'unknown', message: result.stderr.trim().split('\n')[0] ?? `git exited with ${result.status}` };
}

/**
 * Everything git is asked about one given folder, all at once and without waiting for one
 * answer before the next question: which repository holds it, whether its ignore rules
 * exclude the folder, and the listing (tracked files matching `trackedSpecs`, untracked ones),
 * each command run in the folder itself so that none needs the repository's top first.
 * Paths in `tracked` and `untracked` are relative to the folder. When the folder turns out
 * not to be in a repository the listings fail too, and are not awaited.
 */
export interface FolderAnswers {
  repository: Promise<Repository>;
  /** Undefined when not asked (a folder holding `.git` is a repository's top). */
  ignored: Promise<boolean> | undefined;
  tracked: Promise<string[]>;
  untracked: Promise<string[]>;
}

/** `holdsGit`: the folder holds a `.git` (a folder, or a file naming one elsewhere). */
export function askAboutFolder(dir: string, trackedSpecs: readonly string[], holdsGit: boolean): FolderAnswers {
  const quiet = <T>(promise: Promise<T>) => {
    // Awaited by the caller only when the folder is in a repository.
    promise.catch(() => undefined);
    return promise;
  };
  const tracked = quiet(git(dir, ['ls-files', '-z', '-c', '--', ...trackedSpecs]).then(entries));
  const untracked = quiet(git(dir, ['--literal-pathspecs', 'ls-files', '-z', '-o', '--exclude-standard', '--', '.']).then(entries));
  const askRepository = () => run(dir, ['rev-parse', '--show-toplevel']).then(repositoryFrom);
  // A folder holding .git is the top of its repository, unless the environment points git
  // elsewhere: git listing the folder proves it, and one process fewer is started (each
  // start holds up this thread for milliseconds). When the listing fails, git says why.
  const topHere = holdsGit && process.env.GIT_DIR === undefined && process.env.GIT_WORK_TREE === undefined;
  return {
    repository: topHere ? tracked.then((): Repository => ({ kind: 'repo', top: dir }), askRepository) : askRepository(),
    ignored: holdsGit ? undefined : run(dir, ['check-ignore', '-q', '--', '.']).then((result) => result.status === 0),
    tracked,
    untracked,
  };
}

/** Runs git in `cwd` and resolves with how it ended, whatever that was. */
function run(cwd: string, args: readonly string[]): Promise<{ error?: Error; status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('git', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    // Decoded once at the end: a listing of thousands of files comes in many chunks, and
    // decoding and joining them one by one costs several times more.
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    const text = (chunks: Buffer[]) => {
      const bytes = Buffer.concat(chunks);
      // Paths are mostly ASCII, which reads the same as Latin-1, and that is decoded several times faster.
      return bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8');
    };
    child.on('error', (error) => resolve({ error, status: null, stdout: text(stdout), stderr: text(stderr) }));
    child.on('close', (status) => resolve({ status, stdout: text(stdout), stderr: text(stderr) }));
  });
}

/** True when git's ignore rules exclude `rel` (relative to the repository's top). */
export function isIgnored(top: string, rel: string): boolean {
  return spawnSync('git', ['check-ignore', '-q', '--', rel], { cwd: top }).status === 0;
}

/** Runs git in `cwd`; resolves with its stdout, rejects with its first stderr line. */
async function git(cwd: string, args: readonly string[]): Promise<string> {
  const result = await run(cwd, args);
  if (result.error) throw result.error;
  if (result.status === 0) return result.stdout;
  throw new Error(`git ${args.join(' ')} in ${cwd}: ${result.stderr.trim().split('\n')[0]}`);
}

export interface Listing {
  /** Tracked files matching the pathspecs, relative to the repository's top. */
  tracked: string[];
  /** Every untracked, not ignored file under the paths (nested repositories end with '/'). */
  untracked: string[];
}

/** `path` (relative to the top) as a pathspec that matches only itself. */
export function literalSpec(path: string): string {
  return path.replace(/[*?[\]\\]/g, '\\$&');
}

function entries(out: string): string[] {
  const list = out.split('\0');
  // Each entry ends with a NUL: the last piece is empty.
  list.pop();
  // Unmerged files are listed once per stage, one after the other.
  let kept = 0;
  for (let i = 0; i < list.length; i++) {
    const entry = list[i]!;
    if (kept === 0 || entry !== list[kept - 1]) list[kept++] = entry;
  }
  list.length = kept;
  return list;
}

/**
 * What `git ls-files -co --exclude-standard` lists, in two processes that run side by side:
 * the tracked files matching `trackedSpecs` (globs, so git itself filters by name), and
 * every untracked one under `paths` (the guard needs them all). The untracked listing walks
 * the whole working tree and ends last: `whileUntracked` is handed the tracked files as soon
 * as they are known, and `untracked` settles when that walk ends.
 */
export async function listFiles(
  top: string,
  trackedSpecs: readonly string[],
  paths: readonly string[],
  whileUntracked?: (tracked: readonly string[], untracked: Promise<unknown>) => Promise<void>,
): Promise<Listing> {
  const trackedOut = git(top, ['ls-files', '-z', '-c', '--', ...trackedSpecs]);
  const untrackedOut = git(top, ['--literal-pathspecs', 'ls-files', '-z', '-o', '--exclude-standard', '--', ...paths]);
  // Awaited below; this only keeps its failure from going unhandled while the other one fails first.
  untrackedOut.catch(() => undefined);
  const tracked = entries(await trackedOut);
  if (whileUntracked) await whileUntracked(tracked, untrackedOut);
  return { tracked, untracked: entries(await untrackedOut) };
}

/** `listFiles`, one git command after the other, for callers that cannot wait. */
export function listFilesSync(top: string, trackedSpecs: readonly string[], paths: readonly string[]): Listing {
  const run = (args: readonly string[]) => {
    const result = spawnSync('git', args, { cwd: top, encoding: 'utf8', maxBuffer: 1 << 30 });
    if (result.status !== 0) throw new Error(`git ${args.join(' ')} in ${top}: ${(result.stderr ?? String(result.error)).trim().split('\n')[0]}`);
    return result.stdout;
  };
  return {
    tracked: entries(run(['ls-files', '-z', '-c', '--', ...trackedSpecs])),
    untracked: entries(run(['--literal-pathspecs', 'ls-files', '-z', '-o', '--exclude-standard', '--', ...paths])),
  };
}

/** Tracked files with uncommitted changes, anywhere in the repository. */
export async function trackedChanges(top: string): Promise<string[]> {
  const out = await git(top, ['status', '--porcelain=v1', '-z', '--untracked-files=no']);
  const changed: string[] = [];
  const entries = out.split('\0');
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    if (entry.length < 4) continue;
    changed.push(entry.slice(3));
    // A rename or copy is followed by its source path.
    if (entry[0] === 'R' || entry[0] === 'C') i++;
  }
  return changed;
}

/** The folders (relative to `top`) of the submodules checked out in it. */
export function submodules(top: string): string[] {
  let text: string;
  try {
    text = readFileSync(join(top, '.gitmodules'), 'utf8');
  } catch {
    return [];
  }
  return (plainSubmodulePaths(text) ?? askedSubmodulePaths(top)).filter((path) => path.length > 0 && existsSync(join(top, path, '.git')));
}

const SUBMODULE_SECTION = /^\[submodule "[^"\\]*"\]$/;
const PLAIN_ENTRY = /^([A-Za-z][A-Za-z0-9-]*)\s*=\s*([^"\\#;]*)$/;

/**
 * The submodule paths of a .gitmodules written the way git writes it: `[submodule "name"]`
 * sections of `key = value` lines, without quotes, escapes, comments after a value or other
 * sections. Undefined for anything else, which git itself is asked to read: reading the file
 * here spares a git process that holds up this thread (a repository with submodules is
 * usually a large one, where that matters least to get wrong).
 */
export function plainSubmodulePaths(text: string): string[] | undefined {
  const paths: string[] = [];
  let inSection = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    if (line.startsWith('[')) {
      if (!SUBMODULE_SECTION.test(line)) return undefined;
      inSection = true;
      continue;
    }
    const entry = PLAIN_ENTRY.exec(line);
    if (entry === null || !inSection) return undefined;
    if (entry[1]!.toLowerCase() === 'path') paths.push(entry[2]!.trim());
  }
  return paths;
}

export function askedSubmodulePaths(top: string): string[] {
  // NUL-separated: a submodule's name, part of the key, may hold spaces.
  const result = spawnSync('git', ['config', '--null', '--file', '.gitmodules', '--get-regexp', '^submodule\\..*\\.path$'], { cwd: top, encoding: 'utf8' });
  if (result.status !== 0) return [];
  return result.stdout.split('\0').filter((entry) => entry.length > 0).map((entry) => entry.slice(entry.indexOf('\n') + 1));
}
