// Shared by the packaging, registry and CLI suites: the packed hello fixture and tools for
// crafting archives a packer would never write.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { expect } from 'vitest';
import { Runner, pack, readArchive, type Manifest } from 'cloacina';
import { tempDir } from './helpers.js';

export const FIXTURES = fileURLToPath(new URL('./fixtures/packages/', import.meta.url));
export const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

export interface Hello {
  archive: Buffer;
  manifest: Manifest;
  bundle: Uint8Array;
  dir: string;
  cleanup: () => void;
}

/** Packs the hello fixture and makes a temp folder for databases and files. */
export async function packHello(): Promise<Hello> {
  const { dir, cleanup } = tempDir('cloacina-pack-');
  const { archive, manifest } = await pack(join(FIXTURES, 'hello.ts'));
  return { archive, manifest, bundle: readArchive(archive).bundle, dir, cleanup };
}

/** A raw tar entry, with any type flag and any name, for crafting bad archives. */
export function rawEntry(name: string, data: Uint8Array, type = '0', linkName = ''): Uint8Array {
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

export function craft(entries: Uint8Array[]): Buffer {
  return gzipSync(Buffer.concat([...entries, Buffer.alloc(1024)]));
}

export const manifestBytes = (m: unknown) => Buffer.from(JSON.stringify(m));
export const sha = (d: Uint8Array) => createHash('sha256').update(d).digest('hex');

/** Registering `archive` fails with `message`, and the registry stays empty. */
export async function expectRefused(dir: string, archive: Uint8Array, message: string | RegExp): Promise<void> {
  const runner = await Runner.open({ database: join(dir, `refuse-${Math.random()}.db`) });
  try {
    await expect(runner.registry.register(archive)).rejects.toThrow(message);
    expect(await runner.registry.list()).toEqual([]);
  } finally {
    await runner.close();
  }
}
