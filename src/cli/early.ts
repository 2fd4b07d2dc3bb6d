// Run by the command's entry before the rest of the tool is loaded. For a run over one folder
// (the usual run), git starts listing it at once and works while the tool's modules load,
// instead of after; discover() takes these answers when it lists that very folder.
import { existsSync, realpathSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { askAboutFolder, type FolderAnswers } from '../files/git.js';
import { WANTED } from '../files/wanted.js';
import { parseArgs } from './args.js';

export interface EarlyListing {
  /** The folder asked about, as a real path. */
  folder: string;
  answers: FolderAnswers;
}

export function listEarly(argv: readonly string[], cwd: string): EarlyListing | undefined {
  try {
    const args = parseArgs(argv);
    if ((args.command !== 'migrate' && args.command !== 'check') || args.paths.length !== 1) return undefined;
    const folder = realpathSync(resolve(cwd, args.paths[0]!));
    if (!statSync(folder).isDirectory()) return undefined;
    return { folder, answers: askAboutFolder(folder, WANTED, existsSync(join(folder, '.git'))) };
  } catch {
    // Bad arguments and missing paths are main()'s to report.
    return undefined;
  }
}
