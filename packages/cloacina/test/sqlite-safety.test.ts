// A SQLite file is identified before anything is written to it, a damaged one is refused
// untouched, storage errors name the database and say what to do, and a file takes one plain
// runner (or any number of shared ones) at a time.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, closeSync, existsSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { DatabaseError, packagedWorkflow, Runner, SqliteStore, task, type NewExecution } from 'cloacina';
import { gate, tempDir, until } from './helpers.js';

let dir: string;
let cleanup: () => void;
const children = new Set<ChildProcess>();
beforeEach(() => ({ dir, cleanup } = tempDir('cloacina-sqlite-safety-')));
afterEach(() => {
  for (const child of children) child.kill('SIGKILL');
  cleanup();
});

const workflow = packagedWorkflow({ name: 'small', tasks: [task({ id: 'a' }, (ctx) => ctx.set('a', 1))] });
const digest = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const sidecars = (path: string) => ['-wal', '-shm', '-journal', '-lock'].filter((s) => existsSync(path + s));

/** Opens a runner on `path` and expects a DatabaseError naming it; the file must be left exactly as it was. */
async function expectRefusedUntouched(path: string, pattern: RegExp, ours = false): Promise<DatabaseError> {
  const before = digest(path);
  const beside = sidecars(path);
  const error = await Runner.open({ database: path, workflows: [workflow] }).then(
    () => expect.unreachable('opened'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DatabaseError);
  expect((error as Error).message).toContain(path);
  expect((error as Error).message).toMatch(pattern);
  expect(digest(path)).toBe(before);
  // Looking at one of Cloacina's own files (WAL mode) may leave an empty -wal and a -shm
  // beside it, as any reader does; nothing is written. Anyone else's file gets nothing beside it.
  if (ours) expect(statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 0).toBe(0);
  else expect(sidecars(path)).toEqual(beside);
  return error as DatabaseError;
}

describe('a file that is not a Cloacina database', () => {
  it("is refused byte-identical when it is another application's SQLite database (still in rollback-journal mode)", async () => {
    const path = join(dir, 'other.db');
    const other = new Database(path);
    other.exec("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers (name) VALUES ('Ada'), ('Grace');");
    other.close();
    await expectRefusedUntouched(path, /another application.*nothing in it was changed/);
    // Still a rollback-journal database: the refusal did not switch it to WAL.
    const reopened = new Database(path, { readonly: true });
    expect(reopened.pragma('journal_mode', { simple: true })).toBe('delete');
    reopened.close();
  });

  it("is refused byte-identical, with no -wal or -shm file left beside it, when another application's database is in WAL mode", async () => {
    const path = join(dir, 'other-wal.db');
    const other = new Database(path);
    other.pragma('journal_mode = WAL');
    other.exec('CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT)');
    other.close();
    expect(sidecars(path)).toEqual([]);
    await expectRefusedUntouched(path, /another application/);
  });

  it('is refused byte-identical when another application claimed it by application_id, even while empty', async () => {
    const path = join(dir, 'claimed.db');
    const other = new Database(path);
    other.pragma('application_id = 1234');
    other.close();
    await expectRefusedUntouched(path, /another application \(application_id 0x000004d2/);
  });

  it('is refused byte-identical when it is not SQLite at all', async () => {
    const path = join(dir, 'notes.txt');
    writeFileSync(path, 'a text file that someone passed as --db by mistake\n'.repeat(20));
    await expectRefusedUntouched(path, /is not a SQLite database/);
  });
});

describe('a damaged Cloacina database', () => {
  it('is refused on open, untouched, with what to do', async () => {
    const path = join(dir, 'damaged.db');
    const runner = await Runner.open({ database: path, workflows: [workflow] });
    for (let i = 0; i < 200; i++) await (await runner.execute(workflow, { filler: 'x'.repeat(200), i })).result();
    await runner.close();
    // Scribble over the root page of the task table: the kind of damage a torn write leaves.
    const db = new Database(path);
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    const root = (db.prepare("SELECT rootpage FROM sqlite_master WHERE name = 'task_executions'").get() as { rootpage: number }).rootpage;
    db.close();
    const fd = openSync(path, 'r+');
    writeSync(fd, Buffer.alloc(64, 0xa5), 0, 64, (root - 1) * pageSize);
    closeSync(fd);
    const error = await expectRefusedUntouched(path, /is damaged \(PRAGMA quick_check: .*nothing was written to it\. Restore it from a backup/, true);
    expect(error.code).toBe('SQLITE_CORRUPT');
  });
});

describe('storage errors', () => {
  const execution = (filler = ''): NewExecution => ({
    executionId: crypto.randomUUID(),
    workflow: 'wf',
    version: '1.0.0',
    initialContext: JSON.stringify({ filler }),
    taskIds: ['a'],
    startedAt: 0,
  });

  it('name the database and say what to do when it is read-only', async () => {
    const path = join(dir, 'ro.db');
    const store = new SqliteStore(path);
    store.db.pragma('query_only = ON'); // SQLite's own read-only refusal (SQLITE_READONLY)
    const error = await store.apply([{ type: 'executionCreated', execution: execution() }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseError);
    expect((error as Error).message).toMatch(new RegExp(`database ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is read-only .*make it writable`));
    expect((error as DatabaseError).code).toMatch(/^SQLITE_READONLY/);
    expect((error as Error).cause).toHaveProperty('name', 'SqliteError');
    await store.close();
  });

  // Root may write anything, so as root the runner runs as nobody, who must reach this checkout.
  const asRoot = process.getuid?.() === 0;
  const nobodyReaches = (path: string): boolean => path === dirname(path) || ((statSync(path).mode & 0o005) === 0o005 && nobodyReaches(dirname(path)));
  it.skipIf(asRoot && !nobodyReaches(process.cwd()))('name the database and say what to do when the file may not be written (permissions), leaving it as it was', async () => {
    const path = join(dir, 'locked-down.db');
    const runner = await Runner.open({ database: path, workflows: [workflow] });
    await (await runner.execute(workflow)).result();
    await runner.close();
    rmSync(`${path}-lock`);
    chmodSync(path, 0o444);
    chmodSync(dir, 0o555); // nor may -wal, -shm or -lock files be created beside it
    const before = digest(path);
    const script = `import { Runner, packagedWorkflow, task } from 'cloacina';
      const wf = packagedWorkflow({ name: 'small', tasks: [task({ id: 'a' }, () => {})] });
      try { const r = await Runner.open({ database: ${JSON.stringify(path)}, workflows: [wf] }); await (await r.execute(wf)).result(); console.log('ran'); }
      catch (e) { console.log(e.name + ': ' + e.message); }`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', ...(asRoot ? { uid: 65534, gid: 65534 } : {}) });
    chmodSync(dir, 0o755);
    expect(child.stderr).toBe('');
    expect(child.stdout).toContain(`DatabaseError: database ${path} is read-only`);
    expect(child.stdout).toContain('make it writable, or work on a writable copy');
    expect(digest(path)).toBe(before);
  });

  it("are reported, never swallowed, when a running runner's writes and lease renewals fail", async () => {
    const path = join(dir, 'failing.db');
    const store = new SqliteStore(path);
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.message);
    process.on('warning', onWarning);
    const held = gate();
    const slow = packagedWorkflow({ name: 'slow', tasks: [task({ id: 'wait' }, () => held.wait)] });
    const runner = await Runner.open({ database: store, workflows: [slow] });
    const handle = await runner.execute(slow);
    await until(async () => (await store.execution(handle.executionId))?.tasks[0]?.state === 'Running', 5000, 'the task stored Running');
    store.db.pragma('query_only = ON'); // from here every write is refused (SQLITE_READONLY)
    await until(() => warnings.some((w) => w.includes('renewing leases failed')), 5000, 'a renewal warning');
    held.open();
    const result = await handle.result().catch((e: unknown) => e);
    await until(() => warnings.some((w) => w.includes('failed and were not stored')), 5000, 'a write warning');
    process.off('warning', onWarning);
    expect(warnings.find((w) => w.includes('renewing leases failed'))).toContain(`database ${path} is read-only`);
    expect(warnings.find((w) => w.includes('failed and were not stored'))).toContain(`database ${path} is read-only`);
    expect(result).toBeInstanceOf(DatabaseError);
    store.db.pragma('query_only = OFF');
    await runner.close();
  });

  it('name the database and say what to do when it cannot grow (disk full)', async () => {
    const path = join(dir, 'full.db');
    const store = new SqliteStore(path);
    // SQLite reports a file that reached max_page_count exactly as a full disk (SQLITE_FULL).
    store.db.pragma(`max_page_count = ${store.db.pragma('page_count', { simple: true }) as number}`);
    const error = await store.apply([{ type: 'executionCreated', execution: execution('y'.repeat(100_000)) }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseError);
    expect((error as Error).message).toContain(`database ${path} cannot grow: the disk (or the file system quota) is full; free space and run again`);
    expect((error as DatabaseError).code).toBe('SQLITE_FULL');
    expect((error as DatabaseError).transient).toBe(false);
    await store.close();
  });
});

describe('runners on one file', () => {
  const HOLDER = fileURLToPath(new URL('./fixtures/lock-holder.mjs', import.meta.url));

  async function holder(path: string, mode: 'plain' | 'shared'): Promise<ChildProcess> {
    const child = spawn(process.execPath, [HOLDER, path, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.add(child);
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
      child.on('exit', (code) => reject(new Error(`lock holder exited ${code}`)));
    });
    return child;
  }

  const refusal = (options: Parameters<typeof Runner.open>[0]) =>
    Runner.open(options).then(
      () => expect.unreachable('a second runner opened'),
      (e: unknown) => e as Error,
    );

  it('refuses a second plain runner in another process, naming the file, until the first one is gone', async () => {
    const path = join(dir, 'one.db');
    const first = await holder(path, 'plain');
    const error = await refusal({ database: path, workflows: [workflow] });
    expect(error).toBeInstanceOf(DatabaseError);
    expect(error.message).toContain(`database ${path} is in use by another runner`);
    expect(error.message).toMatch(/shared/);
    // A killed runner leaves no stale lock: the operating system drops it with the process.
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const runner = await Runner.open({ database: path, workflows: [workflow] });
    expect((await (await runner.execute(workflow)).result()).status).toBe('Completed');
    await runner.close();
  });

  it('refuses a second plain runner in the same process, and a plain runner beside shared ones', async () => {
    const path = join(dir, 'two.db');
    const first = await Runner.open({ database: path, workflows: [workflow] });
    expect((await refusal({ database: path, workflows: [workflow] })).message).toContain(`database ${path} is in use by another runner`);
    // Opened without workflows it may look, but it may not run anything.
    const looker = await Runner.open({ database: path });
    await expect(looker.execute(workflow)).rejects.toThrow(`database ${path} is in use by another runner`);
    await looker.close();
    await first.close();

    await holder(path, 'shared');
    expect((await refusal({ database: path, workflows: [workflow] })).message).toContain(`database ${path} is in use by another runner`);
    const second = await Runner.open({ database: path, workflows: [workflow], shared: { pollMs: 50 } });
    await second.close();
  });

  it('refuses a shared runner beside a plain one', async () => {
    const path = join(dir, 'three.db');
    await holder(path, 'plain');
    const error = await refusal({ database: path, workflows: [workflow], shared: { pollMs: 50 } });
    expect(error.message).toContain(`database ${path} is in use by a runner that is not shared`);
  });
});
