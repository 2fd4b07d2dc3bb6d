// The one codec for context values: what counts as JSON, deep copies, deep equality,
// encoding and decoding. Every backend and the model go through here, so SQLite,
// PostgreSQL and memory always agree on what a value is.
import { ContextError } from './errors.js';

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

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'bigint') return `BigInt ${value}n`;
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return 'a symbol';
  const ctor = (value as object).constructor;
  return ctor && typeof ctor.name === 'string' && ctor.name !== '' ? `a ${ctor.name}` : 'an object';
}

function memberPath(path: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

function isPlainPrototype(proto: unknown): boolean {
  return proto === null || proto === Object.prototype ||
    // A plain object from another realm has that realm's Object.prototype.
    (typeof proto === 'object' && Object.getPrototypeOf(proto) === null &&
      typeof (proto as { hasOwnProperty?: unknown }).hasOwnProperty === 'function');
}

/** Finds the first part of `value` that would not survive a JSON round trip. */
export function findJsonFault(value: unknown, path = '$', seen: object[] = []): JsonFault | undefined {
  switch (typeof value) {
    case 'string': {
      const reason = stringFault(value);
      return reason === undefined ? undefined : { path, reason };
    }
    case 'boolean':
      return undefined;
    case 'number':
      if (Number.isFinite(value) && !Object.is(value, -0)) return undefined;
      return { path, reason: `${describe(value)} is not a JSON number` };
    case 'object':
      break;
    default:
      return { path, reason: `${describe(value)} is not a JSON value` };
  }
  if (value === null) return undefined;
  if (seen.includes(value)) return { path, reason: 'the value contains a cycle' };
  seen.push(value);
  try {
    if (Array.isArray(value)) return arrayFault(value, path, seen);
    if (!isPlainPrototype(Object.getPrototypeOf(value))) {
      return { path, reason: `${describe(value)} is not a plain object` };
    }
    if (Object.getOwnPropertySymbols(value).length > 0) {
      return { path, reason: 'symbol-keyed properties are not JSON' };
    }
    for (const key of Object.keys(value)) {
      const at = memberPath(path, key);
      const keyReason = stringFault(key);
      if (keyReason !== undefined) return { path: at, reason: `property name: ${keyReason}` };
      const descriptor = Object.getOwnPropertyDescriptor(value, key)!;
      if (!('value' in descriptor)) return { path: at, reason: 'accessor properties are not JSON' };
      const fault = findJsonFault(descriptor.value, at, seen);
      if (fault) return fault;
    }
    return undefined;
  } finally {
    seen.pop();
  }
}

function arrayFault(value: unknown[], path: string, seen: object[]): JsonFault | undefined {
  const extra = Object.keys(value).length !== value.length;
  for (let i = 0; i < value.length; i++) {
    if (!(i in value)) return { path: `${path}[${i}]`, reason: 'sparse array hole is not JSON' };
    const fault = findJsonFault(value[i], `${path}[${i}]`, seen);
    if (fault) return fault;
  }
  if (extra) return { path, reason: 'array with extra named properties is not JSON' };
  return undefined;
}

/** Throws ContextError(InvalidValue) naming the key and the path when `value` is not JSON. */
export function assertJsonValue(key: string, value: unknown): asserts value is JsonValue {
  const fault = findJsonFault(value);
  if (fault === undefined) return;
  throw new ContextError(
    'InvalidValue',
    `context key ${JSON.stringify(key)}: value at ${fault.path} is refused: ${fault.reason}`,
    { key, path: fault.path },
  );
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
