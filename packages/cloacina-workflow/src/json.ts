// The one codec for context values: what counts as JSON, deep copies, deep equality,
// encoding and decoding. Every backend and the model go through here, so SQLite,
// PostgreSQL and memory always agree on what a value is.
import { ContextError, safeMessage } from './errors.js';

export type JsonPrimitive = null | boolean | number | string;
export type JsonArray = JsonValue[];
export interface JsonObject {
  [key: string]: JsonValue;
}
export type JsonValue = JsonPrimitive | JsonArray | JsonObject;

/** Why `value` is not a storable JSON value, or undefined when it is. */
export interface JsonFault {
  /** `$` is the value itself; `$.a[2]` is index 2 of its property `a`. */
  path: string;
  reason: string;
}

// jsonb (PostgreSQL) cannot hold U+0000, and a lone surrogate cannot be encoded as
// UTF-8 at all, so both are refused everywhere to keep every backend in agreement.
const BAD_STRING = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The reason a string cannot be stored, or undefined. */
export function stringFault(text: string): string | undefined {
  const match = BAD_STRING.exec(text);
  if (match === null) return undefined;
  const code = match[0].charCodeAt(0).toString(16).padStart(4, '0');
  return code === '0000'
    ? `string contains U+0000 at index ${match.index}`
    : `string contains a lone surrogate U+${code.toUpperCase()} at index ${match.index}`;
}

/** How deep a value may nest; deeper values are refused (and never overflow the stack). */
export const MAX_JSON_DEPTH = 1000;

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'bigint') return `BigInt ${value}n`;
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return 'a symbol';
  return 'an object';
}

/** `a Date`, `a Map`: the constructor name of a prototype, read without running user code. */
function describePrototype(proto: unknown): string {
  if (proto === null || typeof proto !== 'object') return 'an object';
  const ctor = Object.getOwnPropertyDescriptor(proto, 'constructor')?.value as { name?: unknown } | undefined;
  const name = typeof ctor === 'function' ? Object.getOwnPropertyDescriptor(ctor, 'name')?.value : undefined;
  return typeof name === 'string' && name !== '' ? `a ${name}` : 'an object';
}

function isPlainPrototype(proto: unknown): boolean {
  return proto === null || proto === Object.prototype ||
    // A plain object from another realm has that realm's Object.prototype.
    (typeof proto === 'object' && Object.getPrototypeOf(proto) === null &&
      typeof Object.getOwnPropertyDescriptor(proto, 'hasOwnProperty')?.value === 'function');
}

function isArrayPrototype(proto: unknown): boolean {
  // Array.prototype is itself an array, in every realm.
  return proto === Array.prototype || proto === null || (Array.isArray(proto) && isPlainPrototype(Object.getPrototypeOf(proto)));
}

/** Thrown inside a walk; the walk adds the path. */
class Refusal {
  constructor(readonly reason: string) {}
}

function refuse(reason: string): never {
  throw new Refusal(reason);
}

/**
 * One pass over a value that validates it and, when `copy` is set, builds its copy from
 * the very same reads: every property is read once, through its descriptor, so a getter
 * or a Proxy that answers differently on a second read cannot slip anything past.
 */
class JsonWalk {
  /** Property names and indices from the root to where the walk is. */
  readonly #path: Array<string | number> = [];
  readonly #ancestors: object[];

  constructor(
    private readonly copy: boolean,
    private readonly root = '$',
    ancestors: readonly object[] = [],
  ) {
    this.#ancestors = [...ancestors];
  }

  run(value: unknown): { value: JsonValue } | JsonFault {
    try {
      return { value: this.#value(value) };
    } catch (thrown) {
      const reason =
        thrown instanceof Refusal
          ? thrown.reason
          : thrown instanceof RangeError && /call stack/i.test(safeMessage(thrown))
            ? 'the value nests too deeply'
            : `reading it threw: ${safeMessage(thrown)}`;
      return { path: formatPath(this.root, this.#path), reason };
    }
  }

  #value(value: unknown): JsonValue {
    switch (typeof value) {
      case 'string': {
        const reason = stringFault(value);
        return reason === undefined ? value : refuse(reason);
      }
      case 'boolean':
        return value;
      case 'number':
        return Number.isFinite(value) && !Object.is(value, -0) ? value : refuse(`${describe(value)} is not a JSON number`);
      case 'object':
        if (value === null) return null;
        break;
      default:
        return refuse(`${describe(value)} is not a JSON value`);
    }
    if (this.#ancestors.includes(value)) refuse('the value contains a cycle');
    if (this.#ancestors.length >= MAX_JSON_DEPTH) refuse(`the value nests deeper than ${MAX_JSON_DEPTH} levels`);
    this.#ancestors.push(value);
    const proto = Object.getPrototypeOf(value);
    const result = Array.isArray(value)
      ? this.#array(value, proto)
      : isPlainPrototype(proto)
        ? this.#object(value)
        : refuse(`${describePrototype(proto)} is not a plain object`);
    this.#ancestors.pop();
    return result;
  }

  #object(value: object): JsonObject {
    const out: JsonObject | undefined = this.copy ? {} : undefined;
    for (const key of Reflect.ownKeys(value)) {
      if (typeof key === 'symbol') refuse('symbol-keyed properties are not JSON');
      this.#path.push(key);
      const descriptor = Reflect.getOwnPropertyDescriptor(value, key);
      if (descriptor === undefined || !descriptor.enumerable) {
        this.#path.pop();
        continue;
      }
      const keyReason = stringFault(key);
      if (keyReason !== undefined) refuse(`property name: ${keyReason}`);
      if (!('value' in descriptor)) refuse('accessor properties are not JSON');
      const item = this.#value(descriptor.value);
      if (out !== undefined) defineMember(out, key, item);
      this.#path.pop();
    }
    return out ?? (value as JsonObject);
  }

  #array(value: unknown[], proto: unknown): JsonArray {
    if (!isArrayPrototype(proto)) refuse(`${describePrototype(proto)} is not a plain array`);
    const keys = Reflect.ownKeys(value);
    const length: unknown = Reflect.getOwnPropertyDescriptor(value, 'length')?.value;
    // Only a Proxy can report such a length.
    if (typeof length !== 'number' || !Number.isSafeInteger(length) || length < 0) refuse('the array reports an invalid length');
    // Every index and `length` are own keys of a dense array: fewer keys means a hole.
    if (keys.length < length + 1) {
      const present = new Set(keys);
      let hole = 0;
      while (present.has(String(hole))) hole++;
      this.#path.push(hole);
      refuse('sparse array hole is not JSON');
    }
    const out: JsonArray | undefined = this.copy ? [] : undefined;
    for (let i = 0; i < length; i++) {
      this.#path.push(i);
      const descriptor = Reflect.getOwnPropertyDescriptor(value, i);
      if (descriptor === undefined) refuse('sparse array hole is not JSON');
      if (!('value' in descriptor)) refuse('accessor properties are not JSON');
      const item = this.#value(descriptor.value);
      if (out !== undefined) out.push(item);
      this.#path.pop();
    }
    if (keys.length > length + 1) this.#arrayExtras(value, keys, length);
    return out ?? (value as JsonArray);
  }

  /** Refuses symbol keys and enumerable named properties on an array (JSON would drop them). */
  #arrayExtras(value: unknown[], keys: ReadonlyArray<string | symbol>, length: number): void {
    for (const key of keys) {
      if (typeof key === 'symbol') refuse('symbol-keyed properties are not JSON');
      if (key === 'length' || isIndexBelow(key, length)) continue;
      if (Reflect.getOwnPropertyDescriptor(value, key)?.enumerable) refuse('array with extra named properties is not JSON');
    }
  }
}

function isIndexBelow(key: string, length: number): boolean {
  const n = Number(key);
  return Number.isInteger(n) && n >= 0 && n < length && String(n) === key;
}

function formatPath(root: string, path: ReadonlyArray<string | number>): string {
  let out = root;
  for (const part of path) {
    out += typeof part === 'number' ? `[${part}]` : /^[A-Za-z_$][\w$]*$/.test(part) ? `.${part}` : `[${JSON.stringify(part)}]`;
  }
  return out;
}

/**
 * Finds the first part of `value` that would not survive a JSON round trip. `path` names
 * `value` in the fault (default `$`); `seen` holds objects that contain it (a cycle back to
 * one of them is a fault).
 */
export function findJsonFault(value: unknown, path = '$', seen: object[] = []): JsonFault | undefined {
  const result = new JsonWalk(false, path, seen).run(value);
  return 'reason' in result ? result : undefined;
}

/**
 * Validates `value` and returns a private deep copy made in the same pass; throws
 * ContextError(InvalidValue) naming the key and the path of the first fault.
 */
export function copyValidJson(key: string, value: unknown): JsonValue {
  const result = new JsonWalk(true).run(value);
  if ('reason' in result) throw valueError(key, result);
  return result.value;
}

function valueError(key: string, fault: JsonFault): ContextError {
  return new ContextError(
    'InvalidValue',
    `context key ${JSON.stringify(key)}: value at ${fault.path} is refused: ${fault.reason}`,
    { key, path: fault.path },
  );
}

/**
 * The own enumerable entries of the plain object a context is built from, each read
 * once through its descriptor; the values are validated when they are stored.
 */
export function readRecord(read: () => unknown): Array<[string, unknown]> {
  const refuseRecord = (reason: string, key?: string): never => {
    throw key === undefined
      ? new ContextError('InvalidValue', `a context is built from a plain object of keys to values: ${reason}`)
      : new ContextError('InvalidValue', `context key ${JSON.stringify(key)}: value at $ is refused: ${reason}`, { key, path: '$' });
  };
  try {
    const source = read();
    if (typeof source !== 'object' || source === null) return refuseRecord(`got ${describe(source)}`);
    if (Array.isArray(source)) return refuseRecord('got an array');
    const proto = Object.getPrototypeOf(source);
    if (!isPlainPrototype(proto)) return refuseRecord(`got ${describePrototype(proto)}`);
    const entries: Array<[string, unknown]> = [];
    for (const key of Reflect.ownKeys(source)) {
      if (typeof key === 'symbol') return refuseRecord('symbol-keyed properties are not context keys');
      const descriptor = Reflect.getOwnPropertyDescriptor(source, key);
      if (descriptor === undefined || !descriptor.enumerable) continue;
      if (!('value' in descriptor)) return refuseRecord('accessor properties are not JSON', key);
      entries.push([key, descriptor.value]);
    }
    return entries;
  } catch (thrown) {
    if (thrown instanceof ContextError) throw thrown;
    throw new ContextError('InvalidValue', `a context's initial object cannot be read: ${safeMessage(thrown)}`, { cause: thrown });
  }
}

/** Throws ContextError(InvalidValue) naming the key and the path when `value` is not JSON. */
export function assertJsonValue(key: string, value: unknown): asserts value is JsonValue {
  const fault = findJsonFault(value);
  if (fault !== undefined) throw valueError(key, fault);
}

/** Throws ContextError(InvalidKey) for a key that cannot be stored. */
export function assertContextKey(key: unknown): asserts key is string {
  if (typeof key !== 'string') {
    throw new ContextError('InvalidKey', `context keys are strings, got ${describe(key)}`);
  }
  if (key === '') throw new ContextError('InvalidKey', 'context key must not be empty', { key });
  const reason = stringFault(key);
  if (reason !== undefined) {
    throw new ContextError('InvalidKey', `context key ${JSON.stringify(key)}: ${reason}`, { key });
  }
}

/** Sets an own enumerable property, even one named `__proto__`. */
export function defineMember(target: JsonObject, key: string, value: JsonValue): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A deep copy of an already validated JSON value. */
export function copyJson<T extends JsonValue>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => copyJson(item)) as T;
  const copy: JsonObject = {};
  for (const key of Object.keys(value)) defineMember(copy, key, copyJson((value as JsonObject)[key]!));
  return copy as T;
}

/** Deep equality of JSON values; object key order does not matter. */
export function jsonEqual(a: JsonValue, b: JsonValue): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as JsonArray;
    return a.length === other.length && a.every((item, i) => jsonEqual(item, other[i]!));
  }
  const left = a as JsonObject;
  const right = b as JsonObject;
  const keys = Object.keys(left);
  if (keys.length !== Object.keys(right).length) return false;
  return keys.every((key) => Object.hasOwn(right, key) && jsonEqual(left[key]!, right[key]!));
}

/** Encodes a JSON value to text; the inverse of decodeJson. */
export function encodeJson(value: JsonValue): string {
  return JSON.stringify(value);
}

/** Decodes text to a JSON value, refusing anything the codec would not have written. */
export function decodeJson(text: string, what = 'stored JSON'): JsonValue {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ContextError('Decode', `${what} is not valid JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const fault = findJsonFault(value);
  if (fault !== undefined) {
    throw new ContextError('Decode', `${what}: value at ${fault.path} is refused: ${fault.reason}`, {
      path: fault.path,
    });
  }
  return value as JsonValue;
}

/** Freezes a value and everything inside it; returns it. */
export function deepFreeze<V>(value: V): V {
  if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
    Object.freeze(value);
  }
  return value;
}
