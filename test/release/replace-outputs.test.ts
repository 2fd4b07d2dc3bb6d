// The build steps write over the previous build in place (see scripts/lib/replace-outputs.mjs).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { replaceOutputs } from '../../scripts/lib/replace-outputs.mjs';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cloacina-outputs-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const output = (path: string, text: string) => ({ path: join(dir, path), contents: new TextEncoder().encode(text) });

describe('replaceOutputs', () => {
  it('writes the new build, removes the old build\'s own files and leaves the rest', () => {
    mkdirSync(join(dir, 'chunks'));
    writeFileSync(join(dir, 'index.js'), 'old');
    writeFileSync(join(dir, 'chunks', 'chunk-OLD.js'), 'old chunk');
    writeFileSync(join(dir, 'index.d.ts'), 'types from tsc');
    replaceOutputs([output('index.js', 'new'), output('chunks/chunk-NEW.js', 'new chunk')], dir, {
      isChunk: (path) => path.includes('/chunks/'),
      owned: (path) => path.endsWith('.js'),
    });
    expect((readdirSync(dir, { recursive: true }) as string[]).sort()).toEqual(['chunks', 'chunks/chunk-NEW.js', 'index.d.ts', 'index.js']);
    expect(readFileSync(join(dir, 'index.js'), 'utf8')).toBe('new');
    expect(readFileSync(join(dir, 'chunks', 'chunk-NEW.js'), 'utf8')).toBe('new chunk');
  });
});
