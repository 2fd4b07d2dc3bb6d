// The registry: register, list, fetch, run by name and version, unregister; and every
// reason it refuses an archive, each with a crafted archive and nothing stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { randomUUID } from 'node:crypto';
import { Runner, SqliteStore, pack, readArchive, writeArchive } from 'cloacina';
import { FIXTURES, craft, expectRefused, manifestBytes, packHello, rawEntry, sha, type Hello } from './packaging-helpers.js';

let hello: Hello;
let bundle: Uint8Array;
let dir: string;
beforeAll(async () => {
  hello = await packHello();
  ({ bundle, dir } = hello);
});
afterAll(() => hello.cleanup());

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

  it('refuses to unregister from the moment executePackage returns, and while an execute of its workflow is not yet stored', async () => {
    const runner = await Runner.open({ database: join(dir, `live-${randomUUID()}.db`) });
    try {
      await runner.registry.register(hello.archive);
      const first = await runner.executePackage('hello-pkg', '1.2.0', { name: 'a' });
      await expect(runner.registry.unregister('hello-pkg', '1.2.0')).rejects.toThrow(first.executionId);
      await first.result();
      // execute() returns before the execution is stored; this runner still knows it is live.
      const second = await runner.execute(await runner.registry.load('hello-pkg', '1.2.0'), { name: 'b' });
      await expect(runner.registry.unregister('hello-pkg', '1.2.0')).rejects.toThrow(second.executionId);
      await second.result();
      expect(await runner.registry.unregister('hello-pkg', '1.2.0')).toBe(true);
    } finally {
      await runner.close();
    }
  });

  it('refuses to unregister a package while an execution of its workflow is unfinished, unless forced', async () => {
    const file = join(dir, 'unfinished.db');
    const runner = await Runner.open({ database: file });
    const { workflow, tasks } = await runner.registry.register(hello.archive);
    await runner.close();
    // An execution still Running, held by another shared runner (its lease is current).
    const store = new SqliteStore(file);
    const id = randomUUID();
    const execution = { executionId: id, workflow, version: '1.2.0', initialContext: '{}', taskIds: tasks.map((t) => t.id), startedAt: Date.now(), owner: 'elsewhere', leaseUntil: Date.now() + 3_600_000 };
    await store.apply([{ type: 'executionCreated', execution }]);
    await store.close();

    const again = await Runner.open({ database: file, shared: { pollMs: 10 } });
    await expect(again.registry.unregister('hello-pkg', '1.2.0')).rejects.toThrow(
      `package hello-pkg@1.2.0 has 1 unfinished execution(s) of workflow ${workflow} (${id}); let them finish, or unregister with { force: true }`,
    );
    expect((await again.registry.list()).map((p) => p.name)).toEqual(['hello-pkg']);
    expect(await again.registry.unregister('hello-pkg', '1.2.0', { force: true })).toBe(true);
    expect(await again.registry.unregister('hello-pkg', '1.2.0')).toBe(false);
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
    await expectRefused(dir, make(), message);
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
      await expectRefused(dir, writeArchive(manifest, changed), 'package throws@1.0.0: bundle failed on import: cannot start: missing API key');
    } finally {
      delete process.env.CLOACINA_TEST_THROW_ON_IMPORT;
    }
  });
});
