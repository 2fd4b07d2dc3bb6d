#!/usr/bin/env node
// The `cloacina` command: pack a workflow module, run a workflow or a package.
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Context, type JsonValue } from 'cloacina-workflow';
import { openPackage } from '../packaging/open.js';
import { pack } from '../packaging/pack.js';
import { generateSigningKeys, keyId } from '../packaging/signing.js';
import type { PackageLoadOptions } from '../packaging/open.js';
import { Runner } from '../runner.js';
import { RunGuard } from './run-guard.js';
import type { ExecutionResult } from '../engine/result.js';

const USAGE = `Usage:
  cloacina pack <entry.ts> [-o name.cloacina] [--workflow NAME] [--sign KEY] [--import-timeout MS]
  cloacina run <package.cloacina | entry.ts> [--context JSON] [--db FILE] [--workflow NAME] [--trust PUBKEY] [--import-timeout MS] [--json]
  cloacina keygen [NAME]
  cloacina --version

pack  bundles a workflow module (cloacina-workflow stays external) into a .cloacina package
run   runs a workflow on the embedded SQLite database (default cloacina.db) and prints each task
      (--trust: the package must be signed by this public key); exits 0 only when the
      execution Completed
--import-timeout  the module is imported first in a worker thread; one that takes longer
      (default 10000 ms), calls process.exit or never settles at its top level is refused
keygen  writes an Ed25519 key pair for signing packages: NAME.key (private) and NAME.pub
      (default NAME cloacina-signing)`;

class UsageError extends Error {}

/** The installed package's own version (this file is dist/cli/main.js). */
function ownVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

/** A key file's PEM text, checked to be the kind of Ed25519 key wanted; errors name the file. */
function readKeyFile(file: string, kind: 'private' | 'public'): string {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read key file ${file}: ${(error as Error).message}`);
  }
  let key: KeyObject;
  try {
    key = kind === 'private' ? createPrivateKey(pem) : createPublicKey(pem);
  } catch (error) {
    throw new Error(`${file} is not a PEM ${kind} key: ${(error as Error).message}`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${file} holds a ${key.asymmetricKeyType} key; package signing uses Ed25519 keys (cloacina keygen)`);
  return pem;
}

interface Options {
  positional: string[];
  flags: Map<string, string | true>;
}

function parse(argv: readonly string[], valued: readonly string[]): Options {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('-')) {
      positional.push(arg);
      continue;
    }
    if (valued.includes(arg)) {
      const value = argv[++i];
      if (value === undefined) throw new UsageError(`${arg} needs a value`);
      flags.set(arg, value);
    } else if (arg === '--json' || arg === '-h' || arg === '--help') {
      flags.set(arg, true);
    } else {
      throw new UsageError(`unknown option ${arg}`);
    }
  }
  return { positional, flags };
}

/** A package file passes every check the registry makes; an entry module is packed first. */
async function loadWorkflow(target: string, workflow: string | undefined, trust: PackageLoadOptions) {
  if (target.endsWith('.cloacina')) {
    if (workflow !== undefined) throw new UsageError('--workflow applies to an entry module; a package holds one workflow');
    let bytes: Buffer;
    try {
      bytes = readFileSync(target);
    } catch (error) {
      throw new Error(`cannot read ${target}: ${(error as Error).message}`);
    }
    try {
      return (await openPackage(bytes, undefined, trust)).workflow;
    } catch (error) {
      throw new Error(`${target}: ${(error as Error).message}`, { cause: error });
    }
  }
  if (trust.requireSignatures) throw new UsageError('--trust applies to a package file; an entry module is not signed');
  const { archive } = await pack(target, { ...(workflow === undefined ? {} : { workflow }), ...importTimeout(trust) });
  // pack imported it already (isolated first): no second probe.
  return (await openPackage(archive, undefined, { importTimeoutMs: false })).workflow;
}

function printResult(result: ExecutionResult, out: NodeJS.WritableStream): void {
  const rows = Object.entries(result.tasks).map(([id, t]) => [
    id,
    t.state,
    String(t.attempts),
    t.startedAt !== undefined && t.finishedAt !== undefined ? `${t.finishedAt - t.startedAt} ms` : '-',
    t.error ? `${t.error.kind}: ${t.error.message}` : t.reason ?? '',
  ]);
  const table = [['task', 'state', 'attempts', 'duration', 'detail'], ...rows];
  const widths = table[0]!.map((_, c) => Math.max(...table.map((r) => r[c]!.length)));
  for (const row of table) out.write(`${row.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd()}\n`);
  out.write(`\n${result.workflow} ${result.status} (execution ${result.executionId})\n`);
}

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'pack') {
      const { positional, flags } = parse(rest, ['-o', '--out', '--workflow', '--sign', '--import-timeout']);
      if (positional.length !== 1) throw new UsageError('pack takes one entry module');
      const entry = positional[0]!;
      const out = (flags.get('-o') ?? flags.get('--out') ?? entry.replace(/\.[cm]?[jt]sx?$/, '') + '.cloacina') as string;
      const workflow = flags.get('--workflow') as string | undefined;
      const keyFile = flags.get('--sign') as string | undefined;
      const signingKey = keyFile === undefined ? undefined : readKeyFile(keyFile, 'private');
      const { archive, manifest } = await pack(entry, { outFile: out, ...(workflow === undefined ? {} : { workflow }), ...(signingKey === undefined ? {} : { signingKey }), ...importTimeout({ importTimeoutMs: importTimeoutFlag(flags) }) });
      const signed = signingKey === undefined ? '' : `, signed by ${keyId(signingKey)}`;
      process.stdout.write(`packed ${manifest.package.name}@${manifest.package.version} (${manifest.tasks.length} tasks, ${archive.length} bytes${signed}) -> ${out}\n`);
      return 0;
    }
    if (command === 'run') {
      guard = new RunGuard();
      const { positional, flags } = parse(rest, ['--context', '--db', '--workflow', '--trust', '--import-timeout']);
      if (positional.length !== 1) throw new UsageError('run takes one package or entry module');
      let context: Record<string, JsonValue> = {};
      const text = flags.get('--context');
      if (typeof text === 'string') {
        try {
          context = Context.fromJSON(text).toJSON();
        } catch (error) {
          throw new UsageError(`--context: ${(error as Error).message}`);
        }
      }
      const trustFile = flags.get('--trust') as string | undefined;
      const trust: PackageLoadOptions = {
        ...(trustFile === undefined ? {} : { trustedKeys: [readKeyFile(trustFile, 'public')], requireSignatures: true }),
        ...importTimeout({ importTimeoutMs: importTimeoutFlag(flags) }),
      };
      const workflow = await loadWorkflow(resolve(positional[0]!), flags.get('--workflow') as string | undefined, trust);
      const runner = await Runner.open({ database: (flags.get('--db') as string | undefined) ?? 'cloacina.db' });
      try {
        runner.on('event', guard.listener);
        const handle = await runner.execute(workflow, context);
        guard.watch(handle.executionId);
        const result = await handle.result();
        if (flags.has('--json')) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        else printResult(result, process.stdout);
        return result.status === 'Completed' ? 0 : 1;
      } finally {
        await runner.close();
      }
    }
    if (command === 'keygen') {
      const { positional } = parse(rest, []);
      if (positional.length > 1) throw new UsageError('keygen takes at most one name');
      const name = positional[0] ?? 'cloacina-signing';
      const files = [`${name}.key`, `${name}.pub`];
      const present = files.filter((f) => existsSync(f));
      if (present.length > 0) throw new Error(`${present.join(' and ')} already exist(s); keygen never overwrites a key`);
      const { privateKey, publicKey } = generateSigningKeys();
      writeFileSync(files[0]!, privateKey, { mode: 0o600, flag: 'wx' });
      writeFileSync(files[1]!, publicKey, { flag: 'wx' });
      process.stdout.write(`wrote ${files[0]} (private: keep it secret) and ${files[1]} (key ${keyId(publicKey)})\n`);
      return 0;
    }
    if (command === '--version') {
      process.stdout.write(`${ownVersion()}\n`);
      return 0;
    }
    if (command === undefined || command === '-h' || command === '--help') {
      process.stdout.write(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    }
    throw new UsageError(`unknown command ${command}`);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`cloacina: ${error.message}\n\n${USAGE}\n`);
      return 2;
    }
    process.stderr.write(`cloacina: ${(error as Error).message}\n`);
    return 1;
  }
}

/** Set by `run`: keeps the exit code 1 unless the run ends by itself. */
let guard: RunGuard | undefined;

function importTimeoutFlag(flags: Map<string, string | true>): number | undefined {
  const text = flags.get('--import-timeout');
  if (text === undefined) return undefined;
  const ms = Number(text);
  if (!(ms > 0)) throw new UsageError(`--import-timeout must be a positive number of milliseconds, got ${String(text)}`);
  return ms;
}

function importTimeout(options: { importTimeoutMs?: number | false | undefined }): { importTimeoutMs?: number | false } {
  return options.importTimeoutMs === undefined ? {} : { importTimeoutMs: options.importTimeoutMs };
}

main(process.argv.slice(2)).then((code) => {
  guard?.finish(code);
  process.exitCode = code;
});
