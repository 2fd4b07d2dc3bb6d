// Sorting files as they are read: UTF-8 text mentioning cloacina, unrelated files, and
// files in other encodings, which must never be decoded lossily and rewritten.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NEEDLES, readSource as readWith } from '../../src/files/read-source.js';
import { REMOVED_METHODS } from '../../src/analysis/names.js';
import { mightNeedMigrating } from '../../src/migrate-file.js';

const readSource = (path: string) => readWith(path, mightNeedMigrating);

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'read-source-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function read(bytes: Buffer | string) {
  const file = join(dir, 'f.ts');
  writeFileSync(file, bytes);
  return readSource(file);
}

const FLOW = "import { task } from 'cloacina';\n// caf\u00e9\n";

it('gives the text of a UTF-8 file that mentions cloacina, byte-order mark included', () => {
  expect(read(FLOW)).toEqual({ kind: 'text', text: FLOW });
  expect(read(`\uFEFF${FLOW}`)).toEqual({ kind: 'text', text: `\uFEFF${FLOW}` });
});

it('never decodes a file that does not mention cloacina, whatever its encoding', () => {
  expect(read(Buffer.from('const caf\xe9 = 1;\n', 'latin1'))).toEqual({ kind: 'unrelated' });
});

it('gives the text of a helper that never says cloacina but calls a removed method', () => {
  const helper = "export const read = (ctx) => ctx.getWithDependencies('rows');\n";
  expect(read(helper)).toEqual({ kind: 'text', text: helper });
});

it('gives the text of a file that names any one removed method and nothing else', () => {
  for (const method of REMOVED_METHODS) {
    const helper = `export const read = (ctx) => ctx.${method};\n`;
    expect(read(helper), method).toEqual({ kind: 'text', text: helper });
  }
});

it('searches each file for fewer words than it must find, none of them missed', () => {
  // Every file of a tree is searched for each needle: shared parts keep that to three searches.
  expect(NEEDLES.length).toBe(3);
  for (const word of ['cloacina', ...REMOVED_METHODS]) expect(NEEDLES.some((needle) => word.includes(needle)), word).toBe(true);
});

it('reports a Latin-1 file that mentions cloacina instead of decoding it', () => {
  expect(read(Buffer.from(FLOW, 'latin1'))).toMatchObject({ kind: 'not-utf8', reason: expect.stringContaining('not valid UTF-8') });
});

it('reports UTF-16 files (either byte order) that mention cloacina', () => {
  const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(FLOW, 'utf16le')]);
  const be = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(FLOW, 'utf16le').swap16()]);
  expect(read(le)).toMatchObject({ kind: 'not-utf8', reason: expect.stringContaining('UTF-16') });
  expect(read(be)).toMatchObject({ kind: 'not-utf8', reason: expect.stringContaining('UTF-16') });
});

it('treats a file that vanished after it was listed as absent', () => {
  expect(readSource(join(dir, 'gone.ts'))).toEqual({ kind: 'absent' });
});

it('reads files of any size whole, one after another (small ones share one buffer)', () => {
  const big = `${FLOW}${'// filler line of a large generated file\n'.repeat(60_000)}export const last = 'cloacina end';\n`;
  expect(Buffer.byteLength(big)).toBeGreaterThan(2 << 20);
  for (const size of [0, 1, (1 << 18) - 1, 1 << 18, (1 << 18) + 1, (1 << 20) - 1, 1 << 20, (1 << 20) + 1]) {
    const text = FLOW.padEnd(size, 'x').slice(0, Math.max(size, 0));
    const got = read(text);
    if (text.includes('cloacina')) expect(got).toEqual({ kind: 'text', text });
    else expect(got).toEqual({ kind: 'unrelated' });
  }
  expect(read(big)).toEqual({ kind: 'text', text: big });
  // A small file read after a large one is not mixed with what the large one left behind.
  expect(read('export const small = 1; // cloacina')).toEqual({ kind: 'text', text: 'export const small = 1; // cloacina' });
  expect(read('')).toEqual({ kind: 'unrelated' });
});

it('treats a folder in the listing as absent', () => {
  expect(readSource(dir)).toEqual({ kind: 'absent' });
});
