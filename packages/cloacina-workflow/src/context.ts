import { brand, brandedHasInstance, hasBrand, stamp } from './brand.js';
import { ContextError } from './errors.js';
import {
  assertContextKey,
  copyJson,
  copyValidJson,
  decodeJson,
  deepFreeze,
  defineMember,
  encodeJson,
  readRecord,
  type JsonObject,
  type JsonValue,
} from './json.js';

const CONTEXT = brand('Context');

/**
 * The JSON data a task reads and writes. Values are validated and copied on the way in
 * and copied on the way out, so a task can never store something a database would
 * change, nor alter the context behind its back.
 */
export class Context<T extends JsonValue = JsonValue> {
  // A Map keeps insertion order and has no trouble with keys such as "__proto__".
  readonly #entries = new Map<string, T>();

  // NoInfer: `new Context({ count: 0 })` is a Context<JsonValue>, not a Context<0> that
  // refuses `set('count', 1)`. Name T explicitly to narrow it; a Context argument keeps its T.
  constructor(initial?: Readonly<Record<string, NoInfer<T>>> | Context<T>) {
    stamp(this, CONTEXT);
    if (initial === undefined) return;
    // A context of this copy holds valid private values: copying them is enough.
    if (typeof initial === 'object' && initial !== null && #entries in initial) {
      for (const [key, value] of initial.#entries) this.#entries.set(key, copyJson(value));
      return;
    }
    const entries = readRecord(() => (isContext(initial) ? initial.toJSON() : initial));
    for (const [key, value] of entries) this.set(key, value as T);
  }

  static [Symbol.hasInstance] = brandedHasInstance(Context, CONTEXT);

  /** Adds a new key; throws ContextError(KeyExists) when it is already there. */
  insert(key: string, value: T): void {
    assertContextKey(key);
    if (this.#entries.has(key)) {
      throw new ContextError('KeyExists', `context key ${JSON.stringify(key)} already exists`, { key });
    }
    this.#store(key, value);
  }

  /** Replaces an existing key; throws ContextError(KeyNotFound) when it is absent. */
  update(key: string, value: T): void {
    assertContextKey(key);
    if (!this.#entries.has(key)) {
      throw new ContextError('KeyNotFound', `context key ${JSON.stringify(key)} does not exist`, { key });
    }
    this.#store(key, value);
  }

  /** Inserts or replaces. */
  set(key: string, value: T): void {
    assertContextKey(key);
    this.#store(key, value);
  }

  /** A copy of the value, or undefined when the key is absent. */
  get(key: string): T | undefined {
    const value = this.#entries.get(key);
    return value === undefined ? undefined : copyJson(value);
  }

  /** A copy of the value; throws ContextError(KeyNotFound) when the key is absent. */
  getRequired(key: string): T {
    const value = this.#entries.get(key);
    if (value === undefined) {
      throw new ContextError('KeyNotFound', `required context key ${JSON.stringify(key)} is missing`, { key });
    }
    return copyJson(value);
  }

  has(key: string): boolean {
    return this.#entries.has(key);
  }

  /** Removes a key and returns its value, or undefined when it was absent. */
  remove(key: string): T | undefined {
    const value = this.#entries.get(key);
    this.#entries.delete(key);
    return value === undefined ? undefined : copyJson(value);
  }

  keys(): string[] {
    return [...this.#entries.keys()];
  }

  get size(): number {
    return this.#entries.size;
  }

  /** A deeply frozen snapshot of the whole context. */
  data(): Readonly<Record<string, T>> {
    return deepFreeze(this.toJSON()) as Readonly<Record<string, T>>;
  }

  clone(): Context<T> {
    const copy = new Context<T>();
    for (const [key, value] of this.#entries) copy.#entries.set(key, copyJson(value));
    return copy;
  }

  /** A plain object with a copy of every entry, in insertion order. */
  toJSON(): Record<string, T> {
    const out: JsonObject = {};
    for (const [key, value] of this.#entries) defineMember(out, key, copyJson(value));
    return out as Record<string, T>;
  }

  /** The context as JSON text, through the shared codec. */
  encode(): string {
    return encodeJson(this.toJSON());
  }

  /** Builds a context from a plain object (as toJSON gives) or from encoded JSON text. */
  static fromJSON<T extends JsonValue = JsonValue>(source: string | Readonly<Record<string, NoInfer<T>>>): Context<T> {
    const data = typeof source === 'string' ? decodeJson(source, 'encoded context') : source;
    if (data === null || typeof data !== 'object' || Array.isArray(data)) {
      throw new ContextError('Decode', 'a context is a JSON object of keys to values');
    }
    return new Context<T>(data as Record<string, T>);
  }

  #store(key: string, value: T): void {
    // Validated and copied in one pass: the value is read once. The copy is private:
    // every way out (get, remove, clone, toJSON) copies again.
    this.#entries.set(key, copyValidJson(key, value) as T);
  }
}

/** True for a Context from any copy of cloacina-workflow. */
export function isContext(value: unknown): value is Context {
  return hasBrand(value, CONTEXT);
}
