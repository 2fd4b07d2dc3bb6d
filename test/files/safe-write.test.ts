// Replacing a file: only the text that was read, whole, with its mode and owner; files
// that cannot be replaced faithfully are left as they are, with the reason.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmodSync, chownSync, existsSync, linkSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHANGED_DURING_RUN, replaceFile } from '../../src/files/safe-write.js';
import { isTempFile, removeLeftoverTemps, tempPathFor } from '../../src/files/temp-files.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'safe-write-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const file = () => join(dir, 'flow.ts');
const noTemps = () => expect(readdirSync(dir).filter(isTempFile)).toEqual([]);

describe('replaceFile', () => {
  it('replaces the file with a new one that keeps its mode', () => {
    writeFileSync(file(), 'old');
    chmodSync(file(), 0o750);
    expect(replaceFile(file(), 'old', 'new')).toBeUndefined();
    expect(readFileSync(file(), 'utf8')).toBe('new');
    expect(statSync(file()).mode & 0o7777).toBe(0o750);
    noTemps();
  });

  it.runIf(process.getuid?.() === 0)('keeps the owner and group (here: run as root for a file of another user)', () => {
    writeFileSync(file(), 'old');
    chownSync(file(), 4242, 4343);
    expect(replaceFile(file(), 'old', 'new')).toBeUndefined();
    expect(statSync(file())).toMatchObject({ uid: 4242, gid: 4343 });
  });

  it('leaves a file that changed since it was read, and says so', () => {
    writeFileSync(file(), 'edited by the user');
    expect(replaceFile(file(), 'as read', 'migrated')).toBe(CHANGED_DURING_RUN);
    expect(readFileSync(file(), 'utf8')).toBe('edited by the user');
    noTemps();
  });

  it('leaves a read-only file', () => {
    writeFileSync(file(), 'old');
    chmodSync(file(), 0o444);
    expect(replaceFile(file(), 'old', 'new')).toMatch(/^read-only/);
    expect(readFileSync(file(), 'utf8')).toBe('old');
  });

  it('leaves a hard-linked file, so both names keep sharing one file', () => {
    writeFileSync(file(), 'old');
    linkSync(file(), join(dir, 'alias.ts'));
    expect(replaceFile(file(), 'old', 'new')).toMatch(/^has 2 hard links/);
    expect(readFileSync(file(), 'utf8')).toBe('old');
    expect(statSync(file()).ino).toBe(statSync(join(dir, 'alias.ts')).ino);
  });

  it('checks but writes nothing in a dry run', () => {
    writeFileSync(file(), 'old');
    expect(replaceFile(file(), 'old', 'new', true)).toBeUndefined();
    expect(readFileSync(file(), 'utf8')).toBe('old');
    chmodSync(file(), 0o444);
    expect(replaceFile(file(), 'old', 'new', true)).toMatch(/^read-only/);
  });
});

describe('leftover temp files', () => {
  it('removes the temp files of runs that are gone, and only those', () => {
    writeFileSync(file(), 'x');
    const dead = join(dir, '.flow.ts.cloacina-migrate-999999999.tmp');
    const live = tempPathFor(file());
    const foreign = join(dir, '.flow.ts.other-tool-1.tmp');
    for (const f of [dead, live, foreign]) writeFileSync(f, 'partial');
    expect(removeLeftoverTemps([dir])).toEqual([dead]);
    expect([existsSync(dead), existsSync(live), existsSync(foreign)]).toEqual([false, true, true]);
  });
});
