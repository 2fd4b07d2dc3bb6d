#!/usr/bin/env node
// The `cloacina` command: pack a workflow module, run workflows with live progress, and
// look at or control the executions of a database.
import { existsSync, writeFileSync } from 'node:fs';
import { Context, type JsonValue } from 'cloacina-workflow';
import { pack } from '../packaging/pack.js';
import { generateSigningKeys, keyId } from '../packaging/signing.js';
import type { PackageLoadOptions } from '../packaging/open.js';
import { Runner, type RunnerOptions } from '../runner.js';
import { RUNTIME_VERSION } from '../version.js';
import { parseArgs, UsageError, type Parsed } from './args.js';
import * as commands from './commands.js';
import { finishUnfinished, runTarget } from './run.js';
import { readKeyFile } from './keys.js';
import { SCHEDULE_FLAGS, schedules } from './schedules.js';
import { RunGuard } from './run-guard.js';

interface Command {
  usage: string;
  help: string;
  valued?: string[];
  switches?: string[];
  /** Opens the database given by --db for the command. */
  db?: 'run' | 'inspect';
  /** Options of the runner it opens beyond the database (say, the signatures its registry accepts). */
  open?: (args: Parsed) => Partial<RunnerOptions>;
  handle(args: Parsed, runner: Runner | undefined, db: string): Promise<number>;
}

const DB = '--db FILE|URL';
const IMPORT_TIMEOUT_HELP =
  '  --import-timeout MS  the module is imported first in a worker thread; one that takes longer\n' +
  '                (default 10000), calls process.exit or never settles at its top level is refused';
const JSON_HELP = '  --json        print JSON instead of text';

const COMMANDS: Record<string, Command> = {
  pack: {
    usage: 'cloacina pack <entry.ts> [-o name.cloacina] [--workflow NAME] [--sign KEY] [--import-timeout MS]',
    help: `Bundles a workflow module (cloacina-workflow stays external) into a .cloacina package.\n  --sign KEY    sign it with this Ed25519 private key (cloacina keygen)\n${IMPORT_TIMEOUT_HELP}`,
    valued: ['-o', '--out', '--workflow', '--sign', '--import-timeout'],
    async handle(args) {
      if (args.positional.length !== 1) throw new UsageError('pack takes one entry module');
      const entry = args.positional[0]!;
      const out = args.values.get('-o') ?? args.values.get('--out') ?? entry.replace(/\.[cm]?[jt]sx?$/, '') + '.cloacina';
      const workflow = args.values.get('--workflow');
      const keyFile = args.values.get('--sign');
      const signingKey = keyFile === undefined ? undefined : readKeyFile(keyFile, 'private');
      const { archive, manifest } = await pack(entry, { outFile: out, ...(workflow === undefined ? {} : { workflow }), ...(signingKey === undefined ? {} : { signingKey }), ...importTimeout(args) });
      const signed = signingKey === undefined ? '' : `, signed by ${keyId(signingKey)}`;
      process.stdout.write(`packed ${manifest.package.name}@${manifest.package.version} (${manifest.tasks.length} tasks, ${archive.length} bytes${signed}) -> ${out}\n`);
      return 0;
    },
  },
  keygen: {
    usage: 'cloacina keygen [NAME]',
    help: 'Writes an Ed25519 key pair for signing packages: NAME.key (private, mode 600) and NAME.pub\n(default NAME cloacina-signing). Never overwrites a key.',
    async handle(args) {
      if (args.positional.length > 1) throw new UsageError('keygen takes at most one name');
      const name = args.positional[0] ?? 'cloacina-signing';
      const files = [`${name}.key`, `${name}.pub`];
      const present = files.filter((f) => existsSync(f));
      if (present.length > 0) throw new Error(`${present.join(' and ')} already exist(s); keygen never overwrites a key`);
      const { privateKey, publicKey } = generateSigningKeys();
      writeFileSync(files[0]!, privateKey, { mode: 0o600, flag: 'wx' });
      writeFileSync(files[1]!, publicKey, { flag: 'wx' });
      process.stdout.write(`wrote ${files[0]} (private: keep it secret) and ${files[1]} (key ${keyId(publicKey)})\n`);
      return 0;
    },
  },
  run: {
    usage: `cloacina run [<package.cloacina | entry.ts>] [--context JSON] [${DB}] [--workflow NAME] [--trust PUBKEY] [--import-timeout MS] [--quiet] [--json]`,
    help: [
      'Runs a workflow on a database (default cloacina.db) and prints each task. The package is',
      'stored in the database, so its executions can be finished later. On a terminal the',
      'tasks are shown live (state, attempt, retry delays); otherwise one line per event.',
      'Ctrl-C stops starting tasks and says how to resume.',
      'Without a package: finishes the unfinished (Running) executions found in the database.',
      'Exits 0 only when every execution it waited for Completed.',
      '  --trust PUBKEY  run the package only if signed by this public key (cloacina keygen)',
      IMPORT_TIMEOUT_HELP,
      '  --quiet       no progress; one line with the outcome',
      JSON_HELP,
    ].join('\n'),
    valued: ['--context', '--db', '--workflow', '--trust', '--import-timeout'],
    switches: ['--quiet', '--json'],
    db: 'run',
    open: (args) => ({ registry: trustPolicy(args) }),
    async handle(args, runner, db) {
      const output = { json: args.switches.has('--json'), quiet: args.switches.has('--quiet'), db };
      if (args.positional.length > 1) throw new UsageError('run takes one package or entry module');
      if (args.positional.length === 0) {
        if (args.values.has('--context') || args.values.has('--workflow') || args.values.has('--trust')) {
          throw new UsageError('--context, --workflow and --trust need a package or entry module');
        }
        return finishUnfinished(runner!, output, false, []);
      }
      let context: Record<string, JsonValue> = {};
      const text = args.values.get('--context');
      if (text !== undefined) {
        try {
          context = Context.fromJSON(text).toJSON();
        } catch (error) {
          throw new UsageError(`--context: ${(error as Error).message}`);
        }
      }
      return runTarget(runner!, args.positional[0]!, args.values.get('--workflow'), context, output, trustPolicy(args));
    },
  },
  resume: {
    usage: `cloacina resume [ID...] [${DB}] [--quiet] [--json]`,
    help: [
      'Resumes Paused executions and finishes them here, with the progress of `run`: the ones',
      'named, or every unfinished (Running or Paused) execution in the database.',
      'An execution another live runner holds is resumed by that runner.',
      '  --quiet       no progress; one line per outcome',
      JSON_HELP,
    ].join('\n'),
    valued: ['--db'],
    switches: ['--quiet', '--json'],
    db: 'run',
    handle: (args, runner, db) => finishUnfinished(runner!, { json: args.switches.has('--json'), quiet: args.switches.has('--quiet'), db }, true, args.positional),
  },
  list: {
    usage: `cloacina list [${DB}] [--json]`,
    help: `Lists the unfinished (Running and Paused) executions, oldest first, with how many tasks ended.\n${JSON_HELP}`,
    valued: ['--db'],
    switches: ['--json'],
    db: 'inspect',
    handle: (args, runner) => commands.list(runner!, args),
  },
  status: {
    usage: `cloacina status ID [${DB}] [--json]`,
    help: `Shows one execution: its status (and why it was cancelled or timed out) and each task.\n${JSON_HELP}`,
    valued: ['--db'],
    switches: ['--json'],
    db: 'inspect',
    handle: (args, runner) => commands.status(runner!, args),
  },
  cancel: {
    usage: `cloacina cancel ID... [${DB}] [--json]`,
    help: `Cancels executions: running tasks see their signal aborted, nothing new starts.\nThe runner running one (in any process) acts within one lease period.\n${JSON_HELP}`,
    valued: ['--db'],
    switches: ['--json'],
    db: 'inspect',
    handle: (args, runner) => commands.control(runner!, args, 'cancel'),
  },
  pause: {
    usage: `cloacina pause ID... [${DB}] [--json]`,
    help: `Pauses executions: running tasks finish, nothing new starts until resume.\nThe runner running one (in any process) acts within one lease period.\n${JSON_HELP}`,
    valued: ['--db'],
    switches: ['--json'],
    db: 'inspect',
    handle: (args, runner) => commands.control(runner!, args, 'pause'),
  },
  events: {
    usage: `cloacina events ID [${DB}] [--json]`,
    help: `Prints the stored lifecycle events of an execution, in order.\n${JSON_HELP}`,
    valued: ['--db'],
    switches: ['--json'],
    db: 'inspect',
    handle: (args, runner) => commands.events(runner!, args),
  },
  history: {
    usage: `cloacina history [${DB}] [--workflow NAME] [--status S[,S]] [--since T] [--until T] [--limit N] [--cursor C] [--json]`,
    help: [
      'Lists executions, newest first, one page at a time (default 20; the next page with --cursor).',
      '  --status      Running, Paused, Completed, Failed, Cancelled (several: comma-separated)',
      '  --since/--until  an ISO date or time, or a duration back from now (90s, 15m, 12h, 30d, 2w)',
      JSON_HELP,
    ].join('\n'),
    valued: ['--db', '--workflow', '--status', '--since', '--until', '--limit', '--cursor'],
    switches: ['--json'],
    db: 'inspect',
    handle: (args, runner) => commands.history(runner!, args),
  },
  prune: {
    usage: `cloacina prune --older-than T [${DB}] [--status S[,S]] [--json]`,
    help: [
      'Deletes executions that finished before T (with their tasks, contexts and events).',
      '  --older-than  an ISO date or time, or a duration back from now (30d, 12h, ...)',
      '  --status      which finished statuses (default Completed,Failed,Cancelled)',
      JSON_HELP,
    ].join('\n'),
    valued: ['--db', '--older-than', '--status'],
    switches: ['--json'],
    db: 'inspect',
    handle: (args, runner) => commands.prune(runner!, args),
  },
  schedules: {
    usage: `cloacina schedules [list|enable ID...|disable ID...|update ID|history ID|remove ID...] [${DB}] [--json]`,
    help: [
      'Lists the cron schedules (workflow, expression, enabled, catch-up policy, last and next slot),',
      'or acts on some by id:',
      '  enable ID...   fire again from the next slot on (slots missed while disabled do not fire)',
      '  disable ID...  stop firing; nothing stored is lost',
      '  update ID      --cron EXPR, --timezone TZ, --context JSON, --catch-up latest|all,',
      '                 --max-catch-up N (missed slots that fire with --catch-up all, the latest ones)',
      '  history ID     the executions it started, newest first, with the slot each fired for',
      '                 (--status, --since, --until, --limit, --cursor as for history)',
      '  remove ID...   delete the schedule (its executions stay)',
      JSON_HELP,
    ].join('\n'),
    valued: ['--db', ...SCHEDULE_FLAGS],
    switches: ['--json'],
    db: 'inspect',
    handle: (args, runner) => schedules(runner!, args),
  },
};

const USAGE = `Usage:\n${Object.values(COMMANDS).map((c) => `  ${c.usage}`).join('\n')}\n  cloacina --version\n\n` +
  `--db is a SQLite file (default cloacina.db) or a postgresql:// URL; with a URL, --schema NAME\n` +
  `keeps every table in that schema (one per tenant). cloacina COMMAND --help says more.`;

/** With --trust, only packages signed by that key are accepted (the file is checked and so is the registry). */
function trustPolicy(args: Parsed): PackageLoadOptions {
  const file = args.values.get('--trust');
  return { ...(file === undefined ? {} : { trustedKeys: [readKeyFile(file, 'public')], requireSignatures: true }), ...importTimeout(args) };
}

function importTimeout(args: Parsed): { importTimeoutMs?: number } {
  const text = args.values.get('--import-timeout');
  if (text === undefined) return {};
  const ms = Number(text);
  if (!(ms > 0)) throw new UsageError(`--import-timeout must be a positive number of milliseconds, got ${text}`);
  return { importTimeoutMs: ms };
}

/** Set for `run` and `resume`: the exit code stays 1 unless the command ends by itself. */
let guard: RunGuard | undefined;

/** The database of a command; an inspecting command refuses a SQLite file that does not exist (it would create it). */
function database(args: Parsed, kind: 'run' | 'inspect'): string {
  const db = args.values.get('--db') ?? 'cloacina.db';
  const file = !/^postgres(ql)?:\/\//.test(db) && db !== ':memory:';
  if (kind === 'inspect' && file && !existsSync(db)) throw new Error(`no database at ${db} (pass --db FILE|URL)`);
  return db;
}

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === '--version' || name === '-v') {
      process.stdout.write(`${RUNTIME_VERSION}\n`);
      return 0;
    }
    if (name === undefined || name === '-h' || name === '--help') {
      process.stdout.write(`${USAGE}\n`);
      return name === undefined ? 2 : 0;
    }
    const command = COMMANDS[name];
    if (command === undefined) throw new UsageError(`unknown command ${name}`);
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(`Usage: ${command.usage}\n\n${command.help}\n`);
      return 0;
    }
    if (command.db === 'run') guard = new RunGuard();
    const args = parseArgs(rest, [...(command.valued ?? []), ...(command.db ? ['--schema'] : [])], command.switches ?? []);
    if (command.db === undefined) return await command.handle(args, undefined, '');
    const db = database(args, command.db);
    const schema = args.values.get('--schema');
    // Inspecting and controlling never runs anything; running resumes only what it is asked to.
    const runner = await Runner.open({ ...command.open?.(args), database: db, resume: false, ...(schema === undefined ? {} : { schema }) });
    if (guard) runner.on('event', guard.listener);
    try {
      // Messages that say how to resume name the tenant's schema with the database.
      return await command.handle(args, runner, schema === undefined ? db : `${db} --schema ${schema}`);
    } finally {
      await runner.close();
    }
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`cloacina: ${error.message}\n\n${USAGE}\n`);
      return 2;
    }
    process.stderr.write(`cloacina: ${(error as Error).message}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then((code) => {
  guard?.finish(code);
  // Interrupted: task bodies abandoned by the closed runner may still hold timers; leave now.
  if (code === 130) process.exit(130);
  process.exitCode = code;
});
