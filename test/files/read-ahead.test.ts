// Reading tracked files while git still lists untracked ones: what is read ahead, when it
// stops, and that a file edited after it was read ahead is still never overwritten.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { discover } from '../../src/files/discover.js';
import { ReadAhead } from '../../src/files/read-ahead.js';
import { CHANGED_DURING_RUN } from '../../src/files/safe-write.js';
import { mightNeedMigrating } from '../../src/migrate-file.js';
import { readAhead, runFiles } from '../../src/run-files.js';

let dir: string;
beforeEach(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'read-ahead-')));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const V1 = "import { task } from 'cloacina';\nexport const a = task;\n";
const PLAIN = 'export const b = 1;\n';

function write(files: Record<string, string>): string[] {
  return Object.entries(files).map(([path, text]) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
    return join(dir, path);
  });
}

function git(...args: string[]): void {
  execFileSync('git', ['-c', 'user.email=dev@example.com', '-c', 'user.name=dev', ...args], { cwd: dir, stdio: 'pipe' });
}

const never = new Promise<void>(() => undefined);

it('reads each file once, and hands each read over once', async () => {
  const [flow, plain] = write({ 'flow.ts': V1, 'plain.ts': PLAIN });
  const ahead = new ReadAhead(mightNeedMigrating, 10);
  await ahead.readWhile([flow!, plain!], never);
  expect(ahead.take(flow!)).toEqual({ kind: 'text', text: V1 });
  expect(ahead.take(plain!)).toEqual({ kind: 'unrelated' });
  expect(ahead.take(flow!)).toBeUndefined();
});

it('stops once git is done listing, and once enough candidates are read', async () => {
  const files = write(Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`f${String(i).padStart(3, '0')}.ts`, V1])));
  const listed = new ReadAhead(mightNeedMigrating, 1000);
  await listed.readWhile(files, Promise.resolve());
  // The listing had settled before the first turn: one batch at most was read.
  expect(listed.size).toBeLessThan(files.length);
  const enough = new ReadAhead(mightNeedMigrating, 5);
  await enough.readWhile(files, never);
  expect(enough.size).toBe(5);
});

it('keeps no read that failed: the run reads that file again and reports the error', async () => {
  const [file] = write({ 'file.ts': PLAIN });
  const ahead = new ReadAhead(mightNeedMigrating, 10);
  // A path through a file: reading it fails with ENOTDIR.
  await ahead.readWhile([join(file!, 'inner.ts')], never);
  expect(ahead.size).toBe(0);
});

it('is handed the tracked source files of a repository while git lists the untracked ones', async () => {
  write({ 'src/flow.ts': V1, 'src/notes.md': '# notes\n', 'node_modules/lib/index.ts': V1, 'package.json': '{}\n' });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'v1');
  write({ 'src/new.ts': V1 });
  const handed: string[][] = [];
  const found = await discover(['.'], dir, {
    whileListing: async (files, listing) => {
      handed.push([...files]);
      await listing;
    },
  });
  expect(handed).toEqual([[join(dir, 'src/flow.ts')]]);
  expect(found.sources).toEqual([join(dir, 'src/flow.ts'), join(dir, 'src/new.ts')]);
});

it('never overwrites a file edited after it was read ahead', async () => {
  const [flow] = write({ 'flow.ts': V1 });
  const ahead = readAhead();
  await ahead.readWhile([flow!], never);
  appendFileSync(flow!, 'export const edited = true;\n');
  const [result] = await runFiles([flow!], { dry: false, roots: [dir], readAhead: ahead });
  expect(result).toMatchObject({ status: 'not-written', reason: CHANGED_DURING_RUN });
  expect(readFileSync(flow!, 'utf8')).toBe(`${V1}export const edited = true;\n`);
});
