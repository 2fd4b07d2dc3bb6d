// Shared generators for the authoring package's properties.
import { fc } from '@fast-check/vitest';
import type { JsonValue } from 'cloacina-workflow';

/** Strings a context can hold: any code point sequence but U+0000 and lone surrogates. */
export const storableString = fc
  .string({ unit: 'binary', maxLength: 12 })
  .map((s) => s.replace(/\u0000/g, ''));

/** JSON values a context accepts (fc.jsonValue includes -0, which the codec refuses). */
export const storableJson: fc.Arbitrary<JsonValue> = fc
  .jsonValue({ maxDepth: 3, stringUnit: 'binary' })
  .map((v) => JSON.parse(JSON.stringify(v).replace(/\\u0000/g, '')) as JsonValue);

/** Context keys, including hostile ones. */
export const contextKey = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'a', 'b', 'key.with.dots', 'ключ'),
  storableString.filter((s) => s.length > 0),
);

/** Task-id style names: no colon, no whitespace or control characters. */
export const validName = fc
  .string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 10 })
  .filter((s) => /^[^\s:\u0000-\u001f\u007f]+$/.test(s));
