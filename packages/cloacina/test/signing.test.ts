// Signed packages: keygen, pack --sign, a registry that requires trusted signatures (checked
// before any package code runs), and archives with bytes hidden after their end marker.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { generateSigningKeys, keyId, readArchive, Runner, writeArchive, type Manifest } from 'cloacina';
import { CLI, FIXTURES, expectRefused, packHello, sha, type Hello } from './packaging-helpers.js';

let hello: Hello;
let dir: string;
const trusted = generateSigningKeys();
const stranger = generateSigningKeys();

beforeAll(async () => {
  hello = await packHello();
  dir = hello.dir;
});
afterAll(() => hello.cleanup());

/** The hello package, its bundle prefixed with code that leaves a mark when it is imported. */
function marking(mark: string, signingKey?: string): Buffer {
  const bundle = Buffer.concat([Buffer.from(`globalThis[${JSON.stringify(mark)}] = true;\n`), Buffer.from(hello.bundle)]);
  const manifest: Manifest = { ...hello.manifest, bundle: { ...hello.manifest.bundle, sha256: sha(bundle), bytes: bundle.length } };
  return writeArchive(manifest, bundle, signingKey);
}

async function withRunner<T>(options: Parameters<typeof Runner.open>[0], use: (runner: Runner) => Promise<T>): Promise<T> {
  const runner = await Runner.open({ database: join(dir, `sig-${Math.random()}.db`), ...options });
  try {
    return await use(runner);
  } finally {
    await runner.close();
  }
}

const requiring = { registry: { trustedKeys: [trusted.publicKey], requireSignatures: true } };

describe('signed packages', () => {
  it('a package signed by a trusted key registers and runs; its signer is reported', async () => {
    const archive = writeArchive(hello.manifest, hello.bundle, trusted.privateKey);
    expect(readArchive(archive).signedBy).toBe(keyId(trusted.publicKey));
    await withRunner(requiring, async (runner) => {
      await runner.registry.register(archive);
      const result = await (await runner.executePackage('hello-pkg', '1.2.0', { name: 'signed' })).result();
      expect(result.status).toBe('Completed');
    });
  });

  it('unsigned and untrusted packages are refused before any of their code runs, nothing stored', async () => {
    await expectRefusedUnder(requiring, marking('cloacinaUnsignedRan'), /hello-pkg@1\.2\.0 is not signed, and signatures are required/);
    expect((globalThis as Record<string, unknown>).cloacinaUnsignedRan).toBeUndefined();
    await expectRefusedUnder(requiring, marking('cloacinaStrangerRan', stranger.privateKey), `is signed by ${keyId(stranger.publicKey)}, which is not one of the trusted keys (${keyId(trusted.publicKey)})`);
    expect((globalThis as Record<string, unknown>).cloacinaStrangerRan).toBeUndefined();
    // The same package signed by the trusted key does run (so the mark does work).
    await withRunner(requiring, (runner) => runner.registry.register(marking('cloacinaTrustedRan', trusted.privateKey)));
    expect((globalThis as Record<string, unknown>).cloacinaTrustedRan).toBe(true);
  });

  it('a package changed after signing is refused under any policy', async () => {
    const signed = gunzipSync(writeArchive(hello.manifest, hello.bundle, trusted.privateKey));
    // Same length, one character of the manifest changed ("Greets" -> "Greeds"): the tar stays well formed.
    const at = signed.indexOf('"Greets"');
    expect(at).toBeGreaterThan(0);
    signed[at + 5] = 'd'.charCodeAt(0);
    const archive = gzipSync(signed);
    await expectRefusedUnder({}, archive, `signature by ${keyId(trusted.publicKey)} does not match the package`);
    await expectRefusedUnder(requiring, archive, 'does not match the package');
  });

  it('a stored unsigned package is not loaded by a runner that now requires signatures', async () => {
    const database = join(dir, 'later-required.db');
    const open = await Runner.open({ database });
    await open.registry.register(marking('cloacinaStoredRan'));
    await open.close();
    delete (globalThis as Record<string, unknown>).cloacinaStoredRan;
    const strict = await Runner.open({ database, ...requiring });
    try {
      await expect(strict.registry.load('hello-pkg', '1.2.0')).rejects.toThrow('is not signed, and signatures are required');
      expect((globalThis as Record<string, unknown>).cloacinaStoredRan).toBeUndefined();
    } finally {
      await strict.close();
    }
  });

  it('refuses a policy that could accept nothing, and a key that is not an Ed25519 public key, before opening the database', async () => {
    const database = join(dir, 'never-made.db');
    await expect(Runner.open({ database, registry: { requireSignatures: true } })).rejects.toThrow('requireSignatures is set but trustedKeys is empty');
    await expect(Runner.open({ database, registry: { trustedKeys: ['not a key'] } })).rejects.toThrow('trustedKeys[0] is not a PEM public key');
    expect(existsSync(database)).toBe(false);
  });
});

describe('archive end', () => {
  it('refuses bytes hidden after the end-of-archive marker, accepts zero padding', async () => {
    const tar = gunzipSync(hello.archive);
    const hidden = gzipSync(Buffer.concat([tar, Buffer.from('#!/bin/sh\nid\n')]));
    await expectRefused(dir, hidden, /data after its end-of-archive marker/);
    const padded = gzipSync(Buffer.concat([tar, Buffer.alloc(10240 - (tar.length % 10240))]));
    expect(readArchive(padded).manifest.bundle.sha256).toBe(hello.manifest.bundle.sha256);
    // A second gzip member unpacks after the first: the same check catches it.
    await expectRefused(dir, Buffer.concat([hello.archive, gzipSync(Buffer.from('appended'))]), /data after its end-of-archive marker/);
    // No end marker at all: truncated.
    await expectRefused(dir, gzipSync(tar.subarray(0, tar.length - 1024)), /no end-of-archive marker/);
  });
});

describe('cloacina keygen, pack --sign, run --trust', () => {
  it('signs with a generated key and runs only what that key signed', () => {
    const cli = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: dir });
    const made = cli(['keygen', 'team']);
    expect(made.status, made.stderr).toBe(0);
    const publicKey = readFileSync(join(dir, 'team.pub'), 'utf8');
    expect(made.stdout).toContain(keyId(publicKey));
    expect(statSync(join(dir, 'team.key')).mode & 0o777).toBe(0o600);
    const again = cli(['keygen', 'team']);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('team.key and team.pub already exist');

    const signedFile = join(dir, 'signed.cloacina');
    const packed = execFileSync(process.execPath, [CLI, 'pack', join(FIXTURES, 'hello.ts'), '-o', signedFile, '--sign', join(dir, 'team.key')], { encoding: 'utf8' });
    expect(packed).toContain(`signed by ${keyId(publicKey)}`);
    expect(readArchive(readFileSync(signedFile)).signedBy).toBe(keyId(publicKey));
    const ok = cli(['run', signedFile, '--db', join(dir, 'trust.db'), '--trust', join(dir, 'team.pub')]);
    expect(ok.status, ok.stderr).toBe(0);

    const unsignedFile = join(dir, 'unsigned.cloacina');
    writeFileSync(unsignedFile, hello.archive);
    const refused = cli(['run', unsignedFile, '--db', join(dir, 'trust.db'), '--trust', join(dir, 'team.pub')]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`${unsignedFile}: package hello-pkg@1.2.0 is not signed, and signatures are required`);

    const wrongKey = cli(['pack', join(FIXTURES, 'hello.ts'), '-o', join(dir, 'x.cloacina'), '--sign', join(dir, 'team.pub')]);
    expect(wrongKey.status).toBe(1);
    expect(wrongKey.stderr).toContain(`${join(dir, 'team.pub')} is not a PEM private key`);
  });
});

async function expectRefusedUnder(options: Parameters<typeof Runner.open>[0], archive: Uint8Array, message: string | RegExp): Promise<void> {
  await withRunner(options, async (runner) => {
    await expect(runner.registry.register(archive)).rejects.toThrow(message);
    expect(await runner.registry.list()).toEqual([]);
  });
}
