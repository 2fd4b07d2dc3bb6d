// Packing: the manifest, the bundle, deterministic bytes, what the packer refuses.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { test, fc } from '@fast-check/vitest';
import { gunzipSync, gzipSync } from 'node:zlib';
import { ArchiveError, ManifestError, Runner, pack, readArchive, writeArchive } from 'cloacina';
import { readTar, writeTar } from '../src/packaging/tar.js';
import { FIXTURES, packHello, sha, type Hello } from './packaging-helpers.js';

let hello: Hello;
let bundle: Uint8Array;
beforeAll(async () => {
  hello = await packHello();
  ({ bundle } = hello);
});
afterAll(() => hello.cleanup());

describe('pack', () => {
  it('writes a manifest describing the workflow and its tasks', () => {
    expect(hello.manifest).toEqual({
      format: 1,
      package: { name: 'hello-pkg', version: '1.2.0', description: 'Greets', author: '', tenant: 'public' },
      workflow: 'hello',
      api: { name: 'cloacina-workflow', version: '1.0.0', range: '^1.0.0' },
      bundle: { file: 'workflow.mjs', sha256: sha(bundle), bytes: bundle.length },
      tasks: [
        { id: 'greet', dependencies: [], description: 'Says hello', source: 'hello.ts:3' },
        { id: 'shout', dependencies: ['greet'], description: '', source: 'hello.ts:7' },
      ],
      executionOrder: ['greet', 'shout'],
    });
  });

  it('keeps cloacina-workflow out of the bundle', () => {
    const text = new TextDecoder().decode(bundle);
    expect(text).toMatch(/from\s*"cloacina-workflow"/);
    expect(text).not.toContain('class Context');
  });

  it('packs the same input to the same bytes', async () => {
    const again = await pack(join(FIXTURES, 'hello.ts'));
    expect(Buffer.compare(again.archive, hello.archive)).toBe(0);
  });

  it('writes a fixed gzip header and sorted tar entries, whatever the order given', () => {
    // mtime 0 (bytes 4-7), deflate, no name, OS byte 3: nothing of the packing machine leaks in.
    expect([...hello.archive.subarray(0, 10)]).toEqual([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 3]);
    const a = { name: 'a.txt', data: Buffer.from('a') };
    const b = { name: 'b.txt', data: Buffer.from('bb') };
    expect(Buffer.compare(Buffer.from(writeTar([b, a])), Buffer.from(writeTar([a, b])))).toBe(0);
    expect(readArchive(hello.archive).manifest).toEqual(hello.manifest);
  });

  it('packs a named export with a side-effect import and a CommonJS dependency that requires a builtin', async () => {
    const packed = await pack(join(FIXTURES, 'commonjs-dep.ts'));
    expect(packed.manifest.workflow).toBe('commonjs');
    expect(packed.manifest.tasks[0]!.source).toBe('commonjs-dep.ts:5');
    const runner = await Runner.open({ database: ':memory:' });
    try {
      await runner.registry.register(packed.archive);
      const result = await (await runner.executePackage('commonjs', '0.1.0', { day: 'mon' })).result();
      expect(result.tasks.join!.output).toEqual({ day: 'mon', path: 'reports/mon' });
    } finally {
      await runner.close();
    }
  });

  it('round-trips through the archive reader', () => {
    const { manifest, bundle: read } = readArchive(writeArchive(hello.manifest, bundle));
    expect(manifest).toEqual(hello.manifest);
    expect(Buffer.compare(Buffer.from(read), Buffer.from(bundle))).toBe(0);
  });

  it('refuses a workflow module that imports the runtime', async () => {
    await expect(pack(join(FIXTURES, 'imports-runtime.ts'))).rejects.toThrow('imports the runtime package "cloacina"; a workflow package may depend on cloacina-workflow only');
  });

  it('refuses a module that exports no workflow', async () => {
    await expect(pack(join(FIXTURES, '../../helpers.ts'))).rejects.toThrow('exports no workflow made with packagedWorkflow()');
  });
});

describe('the archive reader (properties)', () => {
  const entryName = fc.stringMatching(/^[a-z0-9_-]{1,12}(\/[a-z0-9_-]{1,12}){0,2}\.[a-z]{1,4}$/);
  const limits = { maxEntries: 64, maxEntryBytes: 1 << 20 };

  test.prop([fc.uniqueArray(fc.record({ name: entryName, data: fc.uint8Array({ maxLength: 1500 }) }), { selector: (e) => e.name, maxLength: 6 })])(
    'reads back what the writer wrote, sorted by name',
    (entries) => {
      const read = readTar(writeTar(entries), limits);
      const sorted = [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      expect(read.map((e) => e.name)).toEqual(sorted.map((e) => e.name));
      read.forEach((e, i) => expect(Buffer.compare(Buffer.from(e.data), Buffer.from(sorted[i]!.data))).toBe(0));
    },
  );

  // Any corruption of a real package is either harmless or a clear archive/manifest error,
  // never a crash from deep inside the reader.
  test.prop([fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), fc.option(fc.nat())])(
    'refuses a corrupted package with an ArchiveError or a ManifestError',
    (flips, cut) => {
      const tar = Buffer.from(gunzipSync(hello.archive));
      for (const [at, byte] of flips) tar[at % tar.length] = byte;
      const damaged = gzipSync(cut === null ? tar : tar.subarray(0, cut % tar.length));
      try {
        const { manifest } = readArchive(damaged);
        expect(manifest.bundle.sha256).toBe(hello.manifest.bundle.sha256);
      } catch (error) {
        expect(error).toSatisfy((e) => e instanceof ArchiveError || e instanceof ManifestError);
      }
    },
  );
});
