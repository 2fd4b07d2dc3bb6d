import { UsageError } from './usage-error.js';
import { CODEMOD_CATALOG } from '../codemod-catalog.js';

export interface CliArgs {
  command: 'migrate' | 'check' | 'help' | 'list' | 'version';
  paths: string[];
  dry: boolean;
  diff: boolean;
  json: boolean;
  force: boolean;
  transforms?: string[];
  workers?: number;
}

export const USAGE = `Usage: cloacina-migrate [check] [paths...] [options]

Moves Cloacina v1 workflows to cloacina-workflow (v2). Paths default to the current folder.

  check               change nothing; exit 1 while anything still needs migrating
Options:
  --dry               show what would change, write nothing
  --diff              print a unified diff of every change
  --json              print the report as JSON on stdout (human output goes to stderr)
  --transforms a,b    run only these transforms (see --list)
  --force             run even when a repository holding a path has uncommitted changes
                      (or untracked files in the given paths)
  --workers N         threads that migrate files (default: one per core, up to 4; 1 = no workers)
  --list              list the transforms
  -h, --help          this text
  --version           print this tool's version

Inside a git repository the files git lists are migrated (tracked, and untracked ones it
does not ignore); elsewhere .gitignore files are applied. A file is replaced only if it
still holds the text that was read; read-only, hard-linked and non-UTF-8 files, and links
to files outside the paths, are reported and left as they are.

Exit codes: 0 done, nothing to review; 1 something needs you (manual review markers, files
failed or not written, package.json entries to edit by hand); 2 usage error or refused.`;

export function parseArgs(argv: readonly string[]): CliArgs {
  const args: CliArgs = { command: 'migrate', paths: [], dry: false, diff: false, json: false, force: false };
  const rest = [...argv];
  if (rest[0] === 'check') {
    args.command = 'check';
    rest.shift();
  }
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    switch (arg) {
      case '--dry':
      case '--dry-run':
        args.dry = true;
        break;
      case '--diff':
        args.diff = true;
        break;
      case '--json':
        args.json = true;
        break;
      case '--force':
        args.force = true;
        break;
      case '--list':
        args.command = 'list';
        break;
      case '-h':
      case '--help':
        args.command = 'help';
        break;
      case '--version':
        args.command = 'version';
        break;
      case '--workers': {
        const value = Number(rest[++i]);
        if (!Number.isInteger(value) || value < 1) throw new UsageError('--workers needs a whole number >= 1');
        args.workers = value;
        break;
      }
      case '--transforms': {
        const value = rest[++i];
        if (value === undefined) throw new UsageError('--transforms needs a comma-separated list');
        args.transforms = value.split(',').map((t) => t.trim()).filter(Boolean);
        const unknown = args.transforms.filter((t) => !CODEMOD_CATALOG.some((c) => c.name === t));
        if (unknown.length > 0) throw new UsageError(`unknown transform ${unknown.join(', ')}; known: ${CODEMOD_CATALOG.map((c) => c.name).join(', ')}`);
        break;
      }
      default:
        if (arg.startsWith('--transforms=')) {
          i--;
          rest.splice(i + 1, 1, '--transforms', arg.slice('--transforms='.length));
          break;
        }
        if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
        args.paths.push(arg);
    }
  }
  if (args.paths.length === 0) args.paths.push('.');
  if (args.command === 'check') args.dry = true;
  return args;
}
