// Reads files while git is still listing the rest of the tree. Listing the untracked files of
// a repository walks its whole working tree in a git process, which takes a good part of a run
// over a large checkout; the tracked files are known well before that and can be read
// meanwhile, so the walk and the reading overlap instead of following each other.
import { readSource, type SourceRead } from './read-source.js';

/** Files read between two turns of the event loop, in which git's answer is noticed. */
const BATCH = 64;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export class ReadAhead {
  readonly #relevant: (text: string) => boolean;
  readonly #enough: number;
  readonly #reads = new Map<string, SourceRead>();
  #candidates = 0;

  /**
   * `relevant` as for readSource. Reading ahead stops at `enough` files that may need
   * migrating: from then on the run hands them to workers while it reads, which is quicker.
   */
  constructor(relevant: (text: string) => boolean, enough: number) {
    this.#relevant = relevant;
    this.#enough = enough;
  }

  /** Reads `files`, in order, until `until` settles or enough candidates are found. */
  async readWhile(files: readonly string[], until: Promise<unknown>): Promise<void> {
    let settled = false;
    const stop = () => {
      settled = true;
    };
    until.then(stop, stop);
    for (let i = 0; i < files.length && !settled && this.#candidates < this.#enough; i++) {
      const file = files[i]!;
      if (this.#reads.has(file)) continue;
      try {
        const read = readSource(file, this.#relevant);
        this.#reads.set(file, read);
        if (read.kind !== 'unrelated' && read.kind !== 'absent') this.#candidates++;
      } catch {
        // Not kept: the run reads it again and reports the error itself.
      }
      if (i % BATCH === BATCH - 1) await nextTurn();
    }
  }

  /** What reading `file` gave, if it was read ahead (once: the text is not kept after). */
  take(file: string): SourceRead | undefined {
    const read = this.#reads.get(file);
    if (read !== undefined) this.#reads.delete(file);
    return read;
  }

  /** How many files were read ahead and not yet taken. */
  get size(): number {
    return this.#reads.size;
  }
}
