// A .cloacina archive: gzip'd ustar holding manifest.json and one ESM bundle.
import { createHash } from 'node:crypto';
import { constants, gunzipSync, gzipSync } from 'node:zlib';
import { MANIFEST_FILE, ManifestError, validateManifest, type Manifest } from './manifest.js';
import { checkSignature, signManifest, SIGNATURE_FILE, trustedKeys, type KeyInput, type SignaturePolicy } from './signing.js';
import { ArchiveError, readTar, writeTar, type TarEntry } from './tar.js';

export interface ArchiveLimits {
  /** Compressed archive size. */
  maxArchiveBytes: number;
  /** Decompressed size, checked while inflating (a gzip bomb stops here). */
  maxUnpackedBytes: number;
  maxEntryBytes: number;
  maxEntries: number;
}

export const DEFAULT_LIMITS: ArchiveLimits = {
  maxArchiveBytes: 20 * 1024 * 1024,
  maxUnpackedBytes: 64 * 1024 * 1024,
  maxEntryBytes: 32 * 1024 * 1024,
  maxEntries: 16,
};

export interface PackageContents {
  manifest: Manifest;
  bundle: Uint8Array;
  /** The key id of the package's signer, when it is signed (the signature was verified). */
  signedBy?: string;
}

export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Same manifest and bundle, same bytes: fixed tar headers and gzip settings. With a signing
 * key (Ed25519, PEM) the archive also holds signature.json (Ed25519 signatures are deterministic too).
 */
export function writeArchive(manifest: Manifest, bundle: Uint8Array, signingKey?: KeyInput): Buffer {
  const manifestBytes = new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`);
  const entries: TarEntry[] = [
    { name: MANIFEST_FILE, data: manifestBytes },
    { name: manifest.bundle.file, data: bundle },
  ];
  if (signingKey !== undefined) entries.push({ name: SIGNATURE_FILE, data: signManifest(manifestBytes, signingKey) });
  const tar = writeTar(entries);
  const gz = gzipSync(tar, { level: 9 });
  // zlib already writes no name and a zero mtime; the OS byte depends on the platform zlib
  // was built for, so fix it (3 = Unix, as `gzip -n` writes) for the same bytes everywhere.
  gz.writeUInt32LE(0, 4);
  gz[9] = GZIP_OS_UNIX;
  return gz;
}

const GZIP_OS_UNIX = 3;

/**
 * Unpacks and checks an archive: limits, entry set, manifest shape, signature (a signature
 * present must verify; `trust` decides whether unsigned or untrusted ones pass), bundle checksum.
 */
export function readArchive(archive: Uint8Array, limits: ArchiveLimits = DEFAULT_LIMITS, policy: SignaturePolicy = {}): PackageContents {
  const trust = trustedKeys(policy);
  if (archive.length > limits.maxArchiveBytes) {
    throw new ArchiveError(`archive is ${archive.length} bytes, over the ${limits.maxArchiveBytes}-byte limit`);
  }
  let tar: Buffer;
  try {
    tar = gunzipSync(archive, { maxOutputLength: limits.maxUnpackedBytes });
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) {
      throw new ArchiveError(`archive unpacks to more than ${limits.maxUnpackedBytes} bytes; refusing it`);
    }
    if (e.code === 'Z_DATA_ERROR' || e.code === 'Z_BUF_ERROR' || e.errno === constants.Z_DATA_ERROR) {
      throw new ArchiveError(`archive is not gzip data: ${e.message}`);
    }
    throw new ArchiveError(`archive cannot be unpacked: ${e.message}`);
  }
  const entries = readTar(tar, { maxEntries: limits.maxEntries, maxEntryBytes: limits.maxEntryBytes });
  const manifestEntry = entries.find((e) => e.name === MANIFEST_FILE);
  if (manifestEntry === undefined) throw new ManifestError('archive has no manifest.json');
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(manifestEntry.data));
  } catch (error) {
    throw new ManifestError(`manifest.json is not valid JSON: ${(error as Error).message}`);
  }
  const manifest = validateManifest(parsed);
  const bundleEntry = entries.find((e) => e.name === manifest.bundle.file);
  if (bundleEntry === undefined) throw new ArchiveError(`archive has no ${manifest.bundle.file}, the bundle its manifest names`);
  const signatureEntry = entries.find((e) => e.name === SIGNATURE_FILE);
  const extra = entries.filter((e) => e !== manifestEntry && e !== bundleEntry && e !== signatureEntry).map((e) => e.name);
  if (extra.length > 0) throw new ArchiveError(`archive holds unexpected entries: ${extra.join(', ')}`);
  const subject = `package ${manifest.package.name}@${manifest.package.version}`;
  const signedBy = checkSignature(manifestEntry.data, signatureEntry?.data, trust, subject);
  const actual = sha256(bundleEntry.data);
  if (actual !== manifest.bundle.sha256 || bundleEntry.data.length !== manifest.bundle.bytes) {
    throw new ArchiveError(`bundle ${manifest.bundle.file} checksum mismatch: manifest says ${manifest.bundle.sha256}, content is ${actual}`);
  }
  return signedBy === undefined ? { manifest, bundle: bundleEntry.data } : { manifest, bundle: bundleEntry.data, signedBy };
}
