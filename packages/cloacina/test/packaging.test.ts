// Packing, and every reason the registry refuses an archive (each with nothing stored).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { Runner, pack, readArchive, writeArchive, type Manifest } from 'cloacina';
import { writeTar } from '../src/packaging/tar.js';
import { tempDir } from './helpers.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/packages/', import.meta.url));
const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
let hello: { archive: Buffer; manifest: Manifest };
let bundle: Uint8Array;
let dir: string;
let cleanup: () => void;

beforeAll(async () => {
  ({ dir, cleanup } = tempDir('cloacina-pack-'));
  hello = await pack(join(FIXTURES, 'hello.ts'));
  bundle = readArchive(hello.archive).bundle;
});
afterAll(() => cleanup());

/** A raw tar entry, with any type flag and any name, for crafting bad archives. */
function rawEntry(name: string, data: Uint8Array, type = '0', linkName = ''): Uint8Array {
  const header = Buffer.alloc(512);
  header.write(name, 0, 100);
  header.write('0000644\0', 100);
  header.write('0000000\0', 108);
  header.write('0000000\0', 116);
  header.write(data.length.toString(8).padStart(11, '0') + '\0', 124);
  header.write('00000000000\0', 136);
  header.fill(0x20, 148, 156);
  header.write(type, 156);
  header.write(linkName, 157, 100);
  header.write('ustar\0', 257);
  header.write('00', 263);
  let sum = 0;
  for (const b of header) sum += b;
  header.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  const padded = Buffer.alloc(Math.ceil(data.length / 512) * 512);
  padded.set(data);
  return Buffer.concat([header, padded]);
}

function craft(entries: Uint8Array[]): Buffer {
  return gzipSync(Buffer.concat([...entries, Buffer.alloc(1024)]));
}

const manifestBytes = (m: unknown) => Buffer.from(JSON.stringify(m));
const sha = (d: Uint8Array) => createHash('sha256').update(d).digest('hex');

async function expectRefused(archive: Uint8Array, message: string | RegExp): Promise<void> {
  const runner = await Runner.open({ database: join(dir, `refuse-${Math.random()}.db`) });
  try {
    await expect(runner.registry.register(archive)).rejects.toThrow(message);
    expect(await runner.registry.list()).toEqual([]);
  } finally {
    await runner.close();
  }
}

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

describe('registry', () => {
  it('registers, lists, fetches, runs by name and version, and unregisters', async () => {
    const file = join(dir, 'registry.db');
    const runner = await Runner.open({ database: file });
    await runner.registry.register(hello.archive);
    await runner.registry.register(hello.archive); // same bytes: a no-op
    expect((await runner.registry.list()).map((p) => `${p.name}@${p.version}`)).toEqual(['hello-pkg@1.2.0']);
    const fetched = await runner.registry.get('hello-pkg', '1.2.0');
    expect(Buffer.compare(Buffer.from(fetched!.archive), hello.archive)).toBe(0);
    const result = await (await runner.executePackage('hello-pkg', '1.2.0', { name: 'registry' })).result();
    expect(result.tasks.shout!.output).toEqual({ name: 'registry', greeting: 'hello registry', loud: 'HELLO REGISTRY' });
    await runner.close();

    // A new runner on the same file finds the package again.
    const again = await Runner.open({ database: file });
    expect((await (await again.executePackage('hello-pkg', '1.2.0')).result()).status).toBe('Completed');
    expect(await again.registry.unregister('hello-pkg', '1.2.0')).toBe(true);
    await expect(again.executePackage('hello-pkg', '1.2.0')).rejects.toThrow('no package hello-pkg@1.2.0 is registered');
    await again.close();
  });

  it('two runners registering the same bytes at once both succeed, one row stored', async () => {
    const file = join(dir, 'race.db');
    const [a, b] = [await Runner.open({ database: file }), await Runner.open({ database: file })];
    try {
      await Promise.all([a.registry.register(hello.archive), b.registry.register(hello.archive)]);
      expect((await a.registry.list()).map((p) => p.sha256)).toEqual([hello.manifest.bundle.sha256]);
      const changed = Buffer.concat([Buffer.from(bundle), Buffer.from('\n')]);
      const other = writeArchive({ ...hello.manifest, bundle: { ...hello.manifest.bundle, sha256: sha(changed), bytes: changed.length } }, changed);
      await expect(b.registry.register(other)).rejects.toThrow('package hello-pkg@1.2.0 is already registered with a different bundle; bump the version');
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('loads packages built against any 1.x minor of the authoring API', async () => {
    const manifest = { ...hello.manifest, api: { name: 'cloacina-workflow', version: '1.7.3', range: '^1.7.0' } };
    const runner = await Runner.open({ database: join(dir, 'minor.db') });
    await runner.registry.register(writeArchive(manifest, bundle));
    expect((await runner.registry.list()).length).toBe(1);
    await runner.close();
  });
});

describe('the registry refuses, storing nothing', () => {
  const good = () => hello.manifest;
  const withManifest = (m: unknown, files: Array<[string, Uint8Array]> = [['workflow.mjs', bundle]]) =>
    craft([rawEntry('manifest.json', manifestBytes(m)), ...files.map(([n, d]) => rawEntry(n, d))]);

  it.each<[string, () => Uint8Array, string | RegExp]>([
    ['a path escaping the archive', () => craft([rawEntry('../evil.mjs', Buffer.from('x')), rawEntry('manifest.json', manifestBytes(good()))]), 'entry "../evil.mjs" escapes the archive'],
    ['an absolute path', () => craft([rawEntry('/etc/cron.d/x', Buffer.from('x'))]), 'entry "/etc/cron.d/x" has an absolute or non-portable path'],
    ['a symbolic link', () => craft([rawEntry('workflow.mjs', Buffer.alloc(0), '2', '/etc/passwd')]), 'entry "workflow.mjs" is a symbolic link'],
    ['a hard link', () => craft([rawEntry('workflow.mjs', Buffer.alloc(0), '1', 'manifest.json')]), 'entry "workflow.mjs" is a hard link'],
    ['a duplicate entry', () => withManifest(good(), [['workflow.mjs', bundle], ['workflow.mjs', bundle]]), 'entry "workflow.mjs" appears twice'],
    ['an unexpected extra entry', () => withManifest(good(), [['workflow.mjs', bundle], ['extra.txt', Buffer.from('x')]]), 'unexpected entries: extra.txt'],
    ['a missing manifest', () => craft([rawEntry('workflow.mjs', bundle)]), 'archive has no manifest.json'],
    ['a malformed manifest', () => craft([rawEntry('manifest.json', Buffer.from('{"format":'))]), 'manifest.json is not valid JSON'],
    ['a manifest with a bad field', () => withManifest({ ...good(), tasks: [{ id: 'greet', dependencies: 'none', description: '', source: null }] }), 'manifest.json: tasks[0].dependencies must be an array of task ids'],
    ['a missing bundle', () => withManifest(good(), []), 'archive has no workflow.mjs'],
    ['a checksum mismatch', () => withManifest(good(), [['workflow.mjs', Buffer.concat([Buffer.from(bundle), Buffer.from('\n// tampered')])]]), 'checksum mismatch'],
    ['an unsupported API major', () => withManifest({ ...good(), api: { name: 'cloacina-workflow', version: '2.1.0', range: '^2.0.0' } }), 'needs cloacina-workflow ^2.0.0 (built with 2.1.0); this runtime provides 1.0.0'],
    ['a graph that does not validate', () => withManifest({ ...good(), tasks: [{ id: 'greet', dependencies: ['shout'], description: '', source: null }, { id: 'shout', dependencies: ['greet'], description: '', source: null }] }), /dependency cycle: "greet" depends on "shout" depends on "greet"/],
    ['a manifest whose tasks disagree with the bundle', () => withManifest({ ...good(), tasks: [good().tasks[0]!, { ...good().tasks[1]!, dependencies: [] }] }), 'manifest and bundle disagree on tasks; only in manifest: shout <- []; only in bundle: shout <- [greet]'],
    ['not gzip at all', () => Buffer.from('plain text, not an archive'), 'archive is not gzip data'],
    ['an execution order that is not an order of the graph', () => withManifest({ ...good(), executionOrder: ['shout', 'greet'] }), 'manifest.json: executionOrder [shout, greet] is not an order of the tasks (task "shout" is missing or before one of its dependencies)'],
    ['more entries than allowed', () => craft(Array.from({ length: 17 }, (_, i) => rawEntry(`f${String(i).padStart(2, '0')}.txt`, Buffer.from('x')))), 'archive holds more than 16 entries'],
  ])('%s', async (_name, make, message) => {
    await expectRefused(make(), message);
  });

  it('an archive or an entry over the size limits, and a gzip bomb', async () => {
    const { Registry, SqliteStore } = await import('cloacina');
    const store = new SqliteStore(join(dir, 'limits.db'));
    const small = new Registry(store, { maxArchiveBytes: 400, maxUnpackedBytes: 1 << 20, maxEntryBytes: 1 << 20, maxEntries: 16 });
    await expect(small.register(hello.archive)).rejects.toThrow(`archive is ${hello.archive.length} bytes, over the 400-byte limit`);
    const tightEntry = new Registry(store, { maxArchiveBytes: 1 << 20, maxUnpackedBytes: 1 << 20, maxEntryBytes: 100, maxEntries: 16 });
    await expect(tightEntry.register(hello.archive)).rejects.toThrow(/entry "(manifest\.json|workflow\.mjs)" is \d+ bytes, over the 100-byte limit/);
    // 64 MB of zeros compresses to ~64 kB: the inflater must stop at the limit, not after.
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(100 * 1024);
    const guarded = new Registry(store, { maxArchiveBytes: 1 << 20, maxUnpackedBytes: 4 * 1024 * 1024, maxEntryBytes: 1 << 20, maxEntries: 16 });
    await expect(guarded.register(bomb)).rejects.toThrow('archive unpacks to more than 4194304 bytes');
    expect(await new Registry(store).list()).toEqual([]);
    await store.close();
  });

  it('a bundle that throws on import', async () => {
    process.env.CLOACINA_TEST_THROW_ON_IMPORT = '0';
    const packed = await pack(join(FIXTURES, 'throws.ts'));
    process.env.CLOACINA_TEST_THROW_ON_IMPORT = '1';
    try {
      // A fresh bundle text so the module cache cannot answer from the pack-time import.
      const contents = readArchive(packed.archive);
      const changed = Buffer.concat([Buffer.from(contents.bundle), Buffer.from('\n')]);
      const manifest = { ...packed.manifest, bundle: { ...packed.manifest.bundle, sha256: sha(changed), bytes: changed.length } };
      await expectRefused(writeArchive(manifest, changed), 'package throws@1.0.0: bundle failed on import: cannot start: missing API key');
    } finally {
      delete process.env.CLOACINA_TEST_THROW_ON_IMPORT;
    }
  });
});

describe('cloacina CLI', () => {
  it('packs and runs a package, printing each task', () => {
    const out = join(dir, 'cli.cloacina');
    const packed = execFileSync(process.execPath, [CLI, 'pack', join(FIXTURES, 'hello.ts'), '-o', out], { encoding: 'utf8' });
    expect(packed).toContain('packed hello-pkg@1.2.0 (2 tasks');
    expect(Buffer.compare(readFileSync(out), hello.archive)).toBe(0);
    const table = execFileSync(process.execPath, [CLI, 'run', out, '--db', join(dir, 'cli.db'), '--context', '{"name":"cli"}'], { encoding: 'utf8' });
    expect(table).toMatch(/^task\s+state\s+attempts\s+duration/m);
    expect(table).toMatch(/^shout\s+Completed\s+1\s+\d+ ms/m);
    const json = JSON.parse(execFileSync(process.execPath, [CLI, 'run', join(FIXTURES, 'hello.ts'), '--db', join(dir, 'cli.db'), '--json'], { encoding: 'utf8' }));
    expect(json.tasks.shout.output.loud).toBe('HELLO WORLD');
  });

  it('refuses a package file the registry would refuse, naming the file and both API versions', () => {
    const file = join(dir, 'major2.cloacina');
    const manifest = { ...hello.manifest, api: { name: 'cloacina-workflow', version: '2.0.0', range: '^2.0.0' } };
    writeFileSync(file, writeArchive(manifest, bundle));
    const run = spawnSync(process.execPath, [CLI, 'run', file, '--db', join(dir, 'major2.db')], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`${file}: package hello-pkg@1.2.0 needs cloacina-workflow ^2.0.0 (built with 2.0.0); this runtime provides 1.0.0`);
    expect(run.stdout).toBe('');
  });

  it('names a bad --context', () => {
    let stderr = '';
    try {
      execFileSync(process.execPath, [CLI, 'run', join(FIXTURES, 'hello.ts'), '--db', join(dir, 'x.db'), '--context', '[1]'], { encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      stderr = (error as { stderr: string }).stderr;
      expect((error as { status: number }).status).toBe(2);
    }
    expect(stderr).toContain('--context: a context is a JSON object of keys to values');
  });
});
