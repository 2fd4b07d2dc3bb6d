// A minimal ustar writer and a strict reader. The writer is deterministic (fixed times,
// owners and modes, entries sorted by name) so the same input packs to the same bytes. The reader refuses anything a package has no business holding.

const BLOCK = 512;

export interface TarEntry {
  name: string;
  data: Uint8Array;
}

export class ArchiveError extends Error {
  override name = 'ArchiveError';
}

function writeString(block: Uint8Array, offset: number, length: number, value: string): void {
  const bytes = new TextEncoder().encode(value);
  if (bytes.length > length) throw new ArchiveError(`tar field too long: ${value}`);
  block.set(bytes, offset);
}

function writeOctal(block: Uint8Array, offset: number, length: number, value: number): void {
  writeString(block, offset, length, value.toString(8).padStart(length - 1, '0') + '\0');
}

function header(name: string, size: number): Uint8Array {
  const block = new Uint8Array(BLOCK);
  writeString(block, 0, 100, name);
  writeOctal(block, 100, 8, 0o644);
  writeOctal(block, 108, 8, 0);
  writeOctal(block, 116, 8, 0);
  writeOctal(block, 124, 12, size);
  writeOctal(block, 136, 12, 0);
  block.fill(0x20, 148, 156); // checksum field counts as spaces
  block[156] = 0x30; // '0': regular file
  writeString(block, 257, 6, 'ustar\0');
  writeString(block, 263, 2, '00');
  let sum = 0;
  for (const byte of block) sum += byte;
  writeString(block, 148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
  return block;
}

/** Regular files only, sorted by name (code units), so the caller's order cannot change the bytes. */
export function writeTar(entries: readonly TarEntry[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const sorted = [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of sorted) {
    parts.push(header(entry.name, entry.data.length), entry.data);
    const pad = (BLOCK - (entry.data.length % BLOCK)) % BLOCK;
    if (pad > 0) parts.push(new Uint8Array(pad));
  }
  parts.push(new Uint8Array(BLOCK * 2));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export interface TarLimits {
  maxEntries: number;
  maxEntryBytes: number;
}

function readString(block: Uint8Array, offset: number, length: number): string {
  const slice = block.subarray(offset, offset + length);
  const end = slice.indexOf(0);
  return new TextDecoder().decode(end < 0 ? slice : slice.subarray(0, end));
}

function readOctal(block: Uint8Array, offset: number, length: number, field: string, name: string): number {
  const text = readString(block, offset, length).trim();
  if (!/^[0-7]*$/.test(text)) throw new ArchiveError(`entry ${JSON.stringify(name)}: malformed ${field} field`);
  return text === '' ? 0 : parseInt(text, 8);
}

const TYPES: Record<string, string> = { '1': 'a hard link', '2': 'a symbolic link', '3': 'a device', '4': 'a device', '5': 'a directory', '6': 'a FIFO' };

/** Reads regular files; refuses links, escaping or absolute paths, duplicates and oversized entries. */
export function readTar(archive: Uint8Array, limits: TarLimits): TarEntry[] {
  const entries: TarEntry[] = [];
  const seen = new Set<string>();
  let offset = 0;
  for (;;) {
    if (offset + BLOCK > archive.length) throw new ArchiveError('archive has no end-of-archive marker (it is truncated)');
    const block = archive.subarray(offset, offset + BLOCK);
    if (block.every((b) => b === 0)) break;
    const prefix = readString(block, 345, 155);
    const base = readString(block, 0, 100);
    const name = prefix ? `${prefix}/${base}` : base;
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i]!;
    if (readOctal(block, 148, 8, 'checksum', name) !== sum) throw new ArchiveError(`entry ${JSON.stringify(name)}: header checksum mismatch`);
    const type = String.fromCharCode(block[156]!);
    if (TYPES[type]) throw new ArchiveError(`entry ${JSON.stringify(name)} is ${TYPES[type]}; packages hold regular files only`);
    if (type !== '0' && type !== '\0') throw new ArchiveError(`entry ${JSON.stringify(name)} has unsupported type ${JSON.stringify(type)}`);
    checkPath(name);
    if (seen.has(name)) throw new ArchiveError(`entry ${JSON.stringify(name)} appears twice`);
    seen.add(name);
    const size = readOctal(block, 124, 12, 'size', name);
    if (size > limits.maxEntryBytes) throw new ArchiveError(`entry ${JSON.stringify(name)} is ${size} bytes, over the ${limits.maxEntryBytes}-byte limit`);
    const start = offset + BLOCK;
    if (start + size > archive.length) throw new ArchiveError(`entry ${JSON.stringify(name)} is truncated`);
    entries.push({ name, data: archive.slice(start, start + size) });
    if (entries.length > limits.maxEntries) throw new ArchiveError(`archive holds more than ${limits.maxEntries} entries`);
    offset = start + Math.ceil(size / BLOCK) * BLOCK;
  }
  // Only zeros may follow the end marker (tar pads to its record size); anything else would be
  // stored with the package without being part of it.
  const hidden = archive.subarray(offset).findIndex((b) => b !== 0);
  if (hidden >= 0) throw new ArchiveError(`archive holds data after its end-of-archive marker (a non-zero byte at tar offset ${offset + hidden}); refusing it`);
  return entries;
}

function checkPath(name: string): void {
  if (name === '' || name.startsWith('/') || /^[A-Za-z]:/.test(name) || name.includes('\\')) {
    throw new ArchiveError(`entry ${JSON.stringify(name)} has an absolute or non-portable path`);
  }
  if (name.split('/').some((part) => part === '..' || part === '.' || part === '')) {
    throw new ArchiveError(`entry ${JSON.stringify(name)} escapes the archive or is not a plain relative path`);
  }
}
