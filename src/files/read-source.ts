// Reads a source file once and sorts it: text that may need migrating (valid UTF-8, so it
// can be rewritten without loss), a file that cannot (most are told by a search of their
// bytes, never decoded), or one in another encoding, which is reported and never rewritten.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { REMOVED_METHODS } from '../analysis/names.js';

export type SourceRead =
  | { kind: 'text'; text: string }
  | { kind: 'unrelated' }
  | { kind: 'not-utf8'; reason: string }
  /** Gone since it was listed, or a folder (a link to one): nothing to migrate. */
  | { kind: 'absent' };

/** Most files read: one object for all of them rather than one each. */
const UNRELATED: SourceRead = Object.freeze({ kind: 'unrelated' });

/** Parts shared by the words below: three searches of each file's bytes instead of six. */
const SHARED_PARTS = ['cloacina', 'Dependenc', 'xecutionScope'];
/** The words that make a file relevant: cloacina, and each removed method. */
const WORDS = ['cloacina', ...REMOVED_METHODS];

/** What every file is searched for first: each word holds one of these, or is one of them. */
export const NEEDLES: readonly string[] = [...SHARED_PARTS, ...WORDS.filter((word) => !SHARED_PARTS.some((part) => word.includes(part)))];
const NEEDLE_BYTES = NEEDLES.map((needle) => Buffer.from(needle));
const WORD_BYTES = WORDS.map((word) => Buffer.from(word));

/**
 * Whether the bytes hold one of the words (ASCII, so a byte search is exact in UTF-8 and
 * Latin-1 alike). Most files hold no needle and are told by three searches; the few that do
 * (a bundle that says "Dependencies") are searched for each word before anything is decoded.
 */
function holdsWord(bytes: Buffer): boolean {
  return NEEDLE_BYTES.some((needle) => bytes.indexOf(needle) !== -1) && WORD_BYTES.some((word) => bytes.indexOf(word) !== -1);
}

function utf16(bytes: Buffer): string | undefined {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return Buffer.from(bytes.subarray(2)).swap16().toString('utf16le');
  return undefined;
}

/**
 * One buffer every small file is read into. Nearly every file listed is unrelated and is
 * dropped after a byte search, so reading it into a fresh buffer would only make garbage
 * (on a large checkout the collector then costs a tenth of the run). It holds most source
 * files and no more: the first time each page of it is written costs a page fault.
 */
const shared = Buffer.allocUnsafeSlow(256 * 1024);

/** Reads from `fd` at `position` into `bytes` until it is full or the file ends; how many bytes were read. */
function readInto(fd: number, bytes: Buffer, position: number): number {
  let length = 0;
  for (let n; length < bytes.length && (n = readSync(fd, bytes, length, bytes.length - length, position + length)) > 0; ) length += n;
  return length;
}

/** The bytes of `path`: a view of the shared buffer when it fits (valid until the next call). */
function readBytes(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const length = readInto(fd, shared, 0);
    if (length < shared.length) return shared.subarray(0, length);
    // Larger: read whole into a buffer of its size, again from the start (cheaper than
    // copying what was read), growing it if the file grows meanwhile.
    let bytes = Buffer.allocUnsafeSlow(fstatSync(fd).size + 1);
    let read = readInto(fd, bytes, 0);
    while (read === bytes.length) {
      const grown = Buffer.allocUnsafeSlow(bytes.length * 2);
      bytes.copy(grown, 0, 0, read);
      bytes = grown;
      read += readInto(fd, bytes.subarray(read), read);
    }
    return bytes.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

/** Reads `path`; `relevant` tells, from the text, whether the file may need migrating. */
export function readSource(path: string, relevant: (text: string) => boolean): SourceRead {
  let bytes: Buffer;
  try {
    bytes = readBytes(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR') return { kind: 'absent' };
    throw error;
  }
  const wide = bytes.length % 2 === 0 ? utf16(bytes) : undefined;
  if (wide !== undefined) {
    return relevant(wide) ? { kind: 'not-utf8', reason: 'UTF-16 encoded; only UTF-8 files are migrated: convert it or migrate it by hand' } : UNRELATED;
  }
  if (!holdsWord(bytes)) return UNRELATED;
  if (!isUtf8(bytes)) {
    // Every byte as one character: enough to tell whether it names cloacina or a removed method.
    return relevant(bytes.toString('latin1'))
      ? { kind: 'not-utf8', reason: 'not valid UTF-8 (another encoding, such as Latin-1?); only UTF-8 files are migrated: convert it or migrate it by hand' }
      : UNRELATED;
  }
  const text = bytes.toString('utf8');
  return relevant(text) ? { kind: 'text', text } : UNRELATED;
}
