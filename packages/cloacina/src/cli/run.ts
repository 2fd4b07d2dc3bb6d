// `cloacina run` and `cloacina resume`: run a workflow, or finish the unfinished executions
// of a database, with live progress; Ctrl-C stops starting tasks and says how to resume.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { JsonValue, TaskStateKind } from 'cloacina-workflow';
import type { ExecutionEvent } from '../dal/events.js';
import type { ExecutionResult } from '../engine/result.js';
import { DatabaseError } from '../dal/database-error.js';
import { checkPackage } from '../packaging/open.js';
import { pack } from '../packaging/pack.js';
import { PackageLoadError } from '../packaging/load.js';
import type { PackageLoadOptions } from '../packaging/open.js';
import type { Runner } from '../runner.js';
import { UsageError } from './args.js';
import { resultText } from './format.js';
import { lineProgress, terminalProgress, type Progress } from './progress.js';

export interface RunOutput {
  json: boolean;
  quiet: boolean;
  /** Where the database is, as the user named it (for the resume hint). */
  db: string;
}

/** A package file's bytes (checked as the registry would), or an entry module packed first. */
export async function packageBytes(target: string, workflow: string | undefined, trust: PackageLoadOptions = {}): Promise<Uint8Array> {
  const file = resolve(target);
  if (target.endsWith('.cloacina')) {
    if (workflow !== undefined) throw new UsageError('--workflow applies to an entry module; a package holds one workflow');
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch (error) {
      throw new Error(`cannot read ${file}: ${(error as Error).message}`);
    }
    try {
      checkPackage(bytes, undefined, trust);
    } catch (error) {
      throw new Error(`${file}: ${(error as Error).message}`, { cause: error });
    }
    return bytes;
  }
  if (trust.requireSignatures) throw new UsageError('--trust applies to a package file; an entry module is not signed');
  if (!existsSync(file)) throw new Error(`cannot read ${file}: no such file`);
  return (await pack(file, { ...(workflow === undefined ? {} : { workflow }), ...(trust.importTimeoutMs === undefined ? {} : { importTimeoutMs: trust.importTimeoutMs }) })).archive;
}

/**
 * Stores the package in the database, so `cloacina resume` can finish its executions later.
 * The same name and version with other code replaces the stored one, unless executions
 * built from that one are unfinished.
 */
export async function registerForRun(runner: Runner, bytes: Uint8Array): Promise<{ name: string; version: string; workflow: string; taskIds: string[] }> {
  const manifest = checkPackage(bytes).manifest;
  const { name, version } = manifest.package;
  const registered = { name, version, workflow: manifest.workflow, taskIds: manifest.tasks.map((t) => t.id) };
  try {
    await runner.registry.register(bytes);
  } catch (error) {
    if (!(error instanceof PackageLoadError) || !/already registered with a different bundle/.test(error.message)) throw error;
    await runner.registry.unregister(name, version);
    await runner.registry.register(bytes);
  }
  return registered;
}

/**
 * Waits for an execution to end: runs it here as soon as no live runner holds it (at once
 * if nobody does; after the lease of a runner that died), else waits for its holder.
 */
async function waitEnd(runner: Runner, executionId: string): Promise<ExecutionResult> {
  for (;;) {
    if (await adoptUnlessHeld(runner, executionId)) return runner.wait(executionId);
    const result = await runner.execution(executionId);
    if (result !== undefined && result.status !== 'Running' && result.status !== 'Paused') return result;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Adopts an execution, unless a plain runner in another process holds the SQLite file: that one runs it. */
async function adoptUnlessHeld(runner: Runner, executionId: string): Promise<boolean> {
  try {
    return await runner.adopt(executionId);
  } catch (error) {
    if (error instanceof DatabaseError && error.code === 'SQLITE_BUSY') return false;
    throw error;
  }
}

/** Waits for the executions in `ids` with progress; 130 if interrupted, else 0 when all Completed. */
export async function follow(runner: Runner, ids: readonly string[], output: RunOutput, print: (results: ExecutionResult[]) => void): Promise<number> {
  const interrupted = new Promise<'interrupted'>((done) => process.once('SIGINT', () => done('interrupted')));
  const outcome = await Promise.race([Promise.all(ids.map((id) => waitEnd(runner, id))), interrupted]);
  if (outcome === 'interrupted') {
    const unfinished = (await runner.history({ status: ['Running', 'Paused'], limit: 10_000 })).items.length;
    await runner.close();
    process.stderr.write(
      `\ncloacina: interrupted; no new tasks start. ${unfinished} unfinished execution(s) in ${output.db}; ` +
        `tasks that were running start again when you resume. Finish them with:\n  cloacina resume --db ${output.db}\n`,
    );
    return 130;
  }
  print(outcome);
  return outcome.every((r) => r.status === 'Completed') ? 0 : 1;
}

type Shown = Map<string, { workflow: string; status: string; tasks: Map<string, { state: TaskStateKind; attempts: number }> }>;

/**
 * Listens from now on and hands the events to the progress view once it exists: nothing
 * is missed between starting executions and drawing them.
 */
function listenEarly(runner: Runner): (progress: Progress | undefined) => void {
  const early: ExecutionEvent[] = [];
  let target: Progress | undefined;
  let attached = false;
  runner.on('event', (e) => (attached ? target?.event(e) : early.push(e)));
  return (progress) => {
    target = progress;
    attached = true;
    if (progress) for (const e of early.splice(0)) progress.event(e);
  };
}

/** The progress view: live on a terminal, event lines elsewhere, nothing when quiet or JSON. */
function progressFor(shown: Shown, output: RunOutput): Progress | undefined {
  if (output.quiet || output.json) return undefined;
  return process.stdout.isTTY ? terminalProgress(process.stdout, shown) : lineProgress(process.stdout, new Set(shown.keys()));
}

/** What the live view starts from: each execution's workflow and task states as stored. */
async function storedStates(runner: Runner, ids: readonly string[]): Promise<Shown> {
  const shown: Shown = new Map();
  for (const id of ids) {
    const r = await runner.execution(id);
    if (r) shown.set(id, { workflow: r.workflow, status: r.status, tasks: new Map(Object.entries(r.tasks).map(([t, v]) => [t, { state: v.state, attempts: v.attempts }])) });
  }
  return shown;
}

export function printResults(results: readonly ExecutionResult[], output: RunOutput): void {
  if (output.json) {
    process.stdout.write(`${JSON.stringify(results.length === 1 ? results[0] : results, null, 2)}\n`);
    return;
  }
  for (const [i, result] of results.entries()) {
    if (output.quiet) process.stdout.write(`${result.workflow} ${result.status}${result.reason ? `: ${result.reason}` : ''} (execution ${result.executionId})\n`);
    else process.stdout.write(`${i > 0 ? '\n' : ''}${resultText(result)}`);
  }
}

/** `cloacina run <target>`: one new execution of the target's workflow. */
export async function runTarget(
  runner: Runner,
  target: string,
  workflow: string | undefined,
  context: Record<string, JsonValue>,
  output: RunOutput,
  trust: PackageLoadOptions = {},
): Promise<number> {
  const bytes = await packageBytes(target, workflow, trust);
  const { name, version, workflow: workflowName, taskIds } = await registerForRun(runner, bytes);
  const attach = listenEarly(runner);
  const handle = await runner.executePackage(name, version, context);
  const tasks = new Map(taskIds.map((id) => [id, { state: 'Pending' as TaskStateKind, attempts: 0 }]));
  const progress = progressFor(new Map([[handle.executionId, { workflow: workflowName, status: 'Running', tasks }]]), output);
  attach(progress);
  const code = await follow(runner, [handle.executionId], output, (results) => {
    progress?.stop();
    printResults(results, output);
  });
  if (code === 130) progress?.stop();
  return code;
}

/**
 * `cloacina run --db FILE` and `cloacina resume`: finishes the unfinished executions of the
 * database (with `resumePaused`, Paused ones too: all of them, or those in `only`), running
 * each one here unless another live runner holds it (then waiting for that runner), with
 * the workflows of the packages stored there.
 */
export async function finishUnfinished(runner: Runner, output: RunOutput, resumePaused: boolean, only: readonly string[]): Promise<number> {
  let unfinished = (await runner.history({ status: ['Running', 'Paused'], limit: 10_000 })).items.reverse();
  if (only.length > 0) {
    for (const id of only.filter((id) => !unfinished.some((e) => e.executionId === id))) {
      const found = await runner.execution(id);
      throw new Error(found ? `execution ${id} has already ended (${found.status})` : `no execution ${id} in ${output.db}`);
    }
    unfinished = unfinished.filter((e) => only.includes(e.executionId));
  }
  if (unfinished.length === 0) {
    process.stdout.write(output.json ? '[]\n' : `nothing to finish: no unfinished executions in ${output.db}\n`);
    return 0;
  }
  const known = new Map<string, boolean>();
  const unknown: string[] = [];
  const leftPaused: string[] = [];
  const targets: string[] = [];
  for (const e of unfinished) {
    const key = `${e.workflow}@${e.version}`;
    if (!known.has(key)) known.set(key, (await runner.registry.findWorkflow(e.workflow, e.version).catch(() => undefined)) !== undefined);
    if (!known.get(key)) unknown.push(`${e.executionId} (${key})`);
    else if (e.status === 'Paused' && !resumePaused) leftPaused.push(e.executionId);
    else targets.push(e.executionId);
  }
  const progress = progressFor(await storedStates(runner, targets), output);
  listenEarly(runner)(progress);
  for (const id of targets) if ((await runner.execution(id))?.status === 'Paused') await runner.resume(id);
  const code = await follow(runner, targets, output, (results) => {
    progress?.stop();
    printResults(results, output);
  });
  if (code === 130) progress?.stop();
  if (unknown.length > 0) process.stderr.write(`cloacina: not run here (their package is not stored in ${output.db}): ${unknown.join(', ')}\n`);
  if (leftPaused.length > 0) process.stderr.write(`cloacina: left Paused: ${leftPaused.join(', ')} (cloacina resume --db ${output.db} ID)\n`);
  return code === 0 && unknown.length > 0 ? 1 : code;
}
