// Ed25519 signatures of .cloacina packages (node:crypto only). The signature covers the exact
// bytes of manifest.json, and the manifest binds the bundle by sha256 and size, which the
// archive reader checks: so it covers the whole package. It is checked before any package
// code is loaded.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';

export const SIGNATURE_FILE = 'signature.json';
const SIGNATURE_FORMAT = 1;
// Signs "this is a cloacina package manifest", never bare bytes another protocol could reuse.
const DOMAIN = Buffer.from('cloacina-package-manifest-v1\n');

export class SignatureError extends Error {
  override name = 'SignatureError';
}

/** A PEM text (or its bytes), or a key object. */
export type KeyInput = string | Uint8Array | KeyObject;

/** Which signatures a registry accepts. */
export interface SignaturePolicy {
  /** Public keys whose signatures are trusted. */
  trustedKeys?: readonly KeyInput[];
  /** Refuse packages that are unsigned or signed by a key not in `trustedKeys`. */
  requireSignatures?: boolean;
}

interface SignatureFile {
  format: number;
  algorithm: 'ed25519';
  /** The signer's public key, base64 SPKI DER. */
  publicKey: string;
  /** Base64 Ed25519 signature of DOMAIN + manifest.json's bytes. */
  signature: string;
}

/** A new Ed25519 key pair as PEM: PKCS#8 private key, SPKI public key. */
export function generateSigningKeys(): { privateKey: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }) as string,
  };
}

/** A short, stable name of a public key: `ed25519:` and 16 hex digits of the SHA-256 of its SPKI bytes. */
export function keyId(publicKey: KeyInput): string {
  const der = toPublicKey(publicKey, 'public key').export({ type: 'spki', format: 'der' });
  return `ed25519:${createHash('sha256').update(der).digest('hex').slice(0, 16)}`;
}

function toPublicKey(input: KeyInput, what: string): KeyObject {
  let key: KeyObject;
  try {
    key = typeof input === 'object' && 'type' in input && !(input instanceof Uint8Array) ? input : createPublicKey(toPem(input));
  } catch (error) {
    throw new SignatureError(`${what} is not a PEM public key: ${(error as Error).message}`);
  }
  // A private key object yields its public half.
  if (key.type === 'private') key = createPublicKey(key);
  if (key.asymmetricKeyType !== 'ed25519') throw new SignatureError(`${what} is ${key.asymmetricKeyType ?? key.type}, not an Ed25519 key`);
  return key;
}

function toPem(input: string | Uint8Array): string {
  return typeof input === 'string' ? input : Buffer.from(input).toString('utf8');
}

/** The signature.json entry for a manifest's bytes. */
export function signManifest(manifestBytes: Uint8Array, privateKeyInput: KeyInput): Uint8Array {
  let privateKey: KeyObject;
  try {
    privateKey = typeof privateKeyInput === 'object' && 'type' in privateKeyInput && !(privateKeyInput instanceof Uint8Array)
      ? privateKeyInput
      : createPrivateKey(toPem(privateKeyInput));
  } catch (error) {
    throw new SignatureError(`signing key is not a PEM private key: ${(error as Error).message}`);
  }
  if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'ed25519') {
    throw new SignatureError('signing key must be an Ed25519 private key (make one with `cloacina keygen`)');
  }
  const file: SignatureFile = {
    format: SIGNATURE_FORMAT,
    algorithm: 'ed25519',
    publicKey: createPublicKey(privateKey).export({ type: 'spki', format: 'der' }).toString('base64'),
    signature: sign(null, Buffer.concat([DOMAIN, manifestBytes]), privateKey).toString('base64'),
  };
  return new TextEncoder().encode(`${JSON.stringify(file, null, 2)}\n`);
}

/** A policy with its keys parsed once (a bad key is refused when the registry is made). */
interface TrustedKeys {
  ids: ReadonlySet<string>;
  required: boolean;
}

export function trustedKeys(policy: SignaturePolicy = {}): TrustedKeys {
  const ids = new Set((policy.trustedKeys ?? []).map((k, i) => keyId(toPublicKey(k, `trustedKeys[${i}]`))));
  if (policy.requireSignatures && ids.size === 0) throw new SignatureError('requireSignatures is set but trustedKeys is empty: no package could be accepted');
  return { ids, required: policy.requireSignatures ?? false };
}

/**
 * Checks a package's signature entry against its manifest bytes and the policy; returns the
 * signer's key id, or undefined for an unsigned package that the policy accepts. A signature
 * that does not verify is refused under any policy: the package was changed after signing.
 */
export function checkSignature(manifestBytes: Uint8Array, signatureEntry: Uint8Array | undefined, trust: TrustedKeys, subject: string): string | undefined {
  if (signatureEntry === undefined) {
    if (trust.required) throw new SignatureError(`${subject} is not signed, and signatures are required (sign it with \`cloacina pack --sign KEY\`)`);
    return undefined;
  }
  const file = parseSignatureFile(signatureEntry);
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey({ key: Buffer.from(file.publicKey, 'base64'), format: 'der', type: 'spki' });
  } catch (error) {
    throw new SignatureError(`${SIGNATURE_FILE}: publicKey is not an SPKI public key: ${(error as Error).message}`);
  }
  if (publicKey.asymmetricKeyType !== 'ed25519') throw new SignatureError(`${SIGNATURE_FILE}: publicKey is ${publicKey.asymmetricKeyType}, not Ed25519`);
  const signer = keyId(publicKey);
  const valid = verify(null, Buffer.concat([DOMAIN, manifestBytes]), publicKey, Buffer.from(file.signature, 'base64'));
  if (!valid) throw new SignatureError(`${subject}: signature by ${signer} does not match the package (it was changed after signing, or the signature is damaged)`);
  if (trust.required && !trust.ids.has(signer)) {
    throw new SignatureError(`${subject} is signed by ${signer}, which is not one of the trusted keys (${[...trust.ids].join(', ')})`);
  }
  return signer;
}

function parseSignatureFile(bytes: Uint8Array): SignatureFile {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (error) {
    throw new SignatureError(`${SIGNATURE_FILE} is not valid JSON: ${(error as Error).message}`);
  }
  const fail = (field: string, why: string): never => {
    throw new SignatureError(`${SIGNATURE_FILE}: ${field} ${why}`);
  };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail('(root)', 'must be an object');
  const s = value as Record<string, unknown>;
  if (s.format !== SIGNATURE_FORMAT) fail('format', `must be ${SIGNATURE_FORMAT}, got ${JSON.stringify(s.format)}`);
  if (s.algorithm !== 'ed25519') fail('algorithm', `must be "ed25519", got ${JSON.stringify(s.algorithm)}`);
  const base64 = /^[A-Za-z0-9+/]+={0,2}$/;
  if (typeof s.publicKey !== 'string' || !base64.test(s.publicKey)) fail('publicKey', 'must be base64 text');
  if (typeof s.signature !== 'string' || !base64.test(s.signature)) fail('signature', 'must be base64 text');
  return s as unknown as SignatureFile;
}
