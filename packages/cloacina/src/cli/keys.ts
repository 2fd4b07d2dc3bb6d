// Key files of package signing: PEM text checked to be the Ed25519 key wanted, with errors
// that name the file.
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';

export function readKeyFile(file: string, kind: 'private' | 'public'): string {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read key file ${file}: ${(error as Error).message}`);
  }
  let key: KeyObject;
  try {
    key = kind === 'private' ? createPrivateKey(pem) : createPublicKey(pem);
  } catch (error) {
    throw new Error(`${file} is not a PEM ${kind} key: ${(error as Error).message}`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${file} holds a ${key.asymmetricKeyType} key; package signing uses Ed25519 keys (cloacina keygen)`);
  return pem;
}
