// Values built to break whoever reads them (thrown, returned or stored by a task) fail
// that task with a readable error; the runner goes on, in process and in a child process,
// with or without an unhandledRejection handler installed.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { executeInMemory, type ExecutionResult } from 'cloacina';
import { DECEIVERS, POISONS, poisonWorkflow } from './fixtures/poison.mjs';
import { tempDir } from './helpers.js';

const RUNNER = fileURLToPath(new URL('./fixtures/poison-runner.mjs', import.meta.url));
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir('cloacina-poison-')));
afterEach(() => cleanup());

function expectContained(result: ExecutionResult): void {
  expect(result.status).toBe('Failed');
  expect(result.tasks.healthy!.state).toBe('Completed');
  Object.keys(POISONS).forEach((name, i) => {
    const poisoned = result.tasks[`p${i}`]!;
    expect(poisoned.state, name).toBe('Failed');
    const message = poisoned.error!.message;
    expect(typeof message, name).toBe('string');
    expect(message.length, name).toBeGreaterThan(0);
    expect(message, name).not.toMatch(UNSTORABLE);
    expect(result.tasks[`after${i}`]!.state, name).toBe('Skipped');
  });
  // Read once, through its descriptors: what the Proxy said first is what is stored.
  Object.keys(DECEIVERS).forEach((name, i) => {
    expect(result.tasks[`d${i}`]!.state, name).toBe('Completed');
    expect(result.tasks[`d${i}`]!.output, name).toEqual({ v: { a: 1 } });
  });
}

describe('poison values', () => {
  it('each fails its own task with a readable error (in memory)', { timeout: 10_000 }, async () => {
    const result = await executeInMemory(poisonWorkflow());
    expectContained(result);
    const names = Object.keys(POISONS);
    const errorOf = (name: string) => result.tasks[`p${names.indexOf(name)}`]!.error!;
    expect(errorOf('an object whose toString throws').message).toContain('cannot be converted to text');
    expect(errorOf('a revoked Proxy').message).toContain('cannot be read');
    expect(errorOf('a message holding U+0000 and a lone surrogate').message).toBe('nul \ufffd and \ufffd here');
    expect(errorOf('a forged TaskError with an unknown kind').kind).toBe('ExecutionFailed');
    expect(errorOf('a stored revoked Proxy').kind).toBe('ContextError');
    expect(errorOf('a stored Proxy whose traps throw').kind).toBe('ContextError');
  });

  it.each(['no handler', 'handler'])('a runner process finishes and stores the execution (%s)', (mode) => {
    const database = join(dir, 'poison.db');
    const child = spawnSync(process.execPath, [RUNNER, database, mode], { encoding: 'utf8', timeout: 30_000 });
    expect(child.signal, 'the runner process hung').toBeNull();
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    const result = JSON.parse(child.stdout) as ExecutionResult;
    expectContained(result);
    const db = new Database(database, { readonly: true });
    try {
      expect(db.prepare('SELECT status FROM workflow_executions').all()).toEqual([{ status: 'Failed' }]);
    } finally {
      db.close();
    }
  });
});
