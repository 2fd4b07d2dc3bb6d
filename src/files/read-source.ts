// Reads a source file once and sorts it: text that mentions cloacina (valid UTF-8, so it
// can be rewritten without loss), a file that never mentions it (its bytes are searched,
// never decoded), or one in another encoding, which is reported and never rewritten.
import { readFileSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';

export type SourceRead =
  | { kind: 'text'; text: string }
  | { kind: 'unrelated' }
  | { kind: 'not-utf8'; reason: string }
  /** Gone since it was listed, or a folder (a link to one): nothing to migrate. */
  | { kind: 'absent' };

const NEEDLE = Buffer.from('cloacina');

function utf16(bytes: Buffer): string | undefined {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return Buffer.from(bytes.subarray(2)).swap16().toString('utf16le');
  return undefined;
}

export function readSource(path: string): SourceRead {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR') return { kind: 'absent' };
    throw error;
  }
  const wide = bytes.length % 2 === 0 ? utf16(bytes) : undefined;
  if (wide !== undefined) {
    return wide.includes('cloacina') ? { kind: 'not-utf8', reason: 'UTF-16 encoded; only UTF-8 files are migrated: convert it or migrate it by hand' } : { kind: 'unrelated' };
  }
  if (bytes.indexOf(NEEDLE) === -1) return { kind: 'unrelated' };
  if (!isUtf8(bytes)) return { kind: 'not-utf8', reason: 'not valid UTF-8 (another encoding, such as Latin-1?); only UTF-8 files are migrated: convert it or migrate it by hand' };
  return { kind: 'text', text: bytes.toString('utf8') };
}
