// Edits of a JSON text as splices: each replaces one range of the text, and every byte
// outside the ranges is kept (indentation, escapes, key order, trailing spaces, newlines).
import type { JsonMember, JsonNode, JsonObject } from './json-text.js';

export interface Splice {
  start: number;
  end: number;
  text: string;
}

/** `text` with every splice applied; the splices must not overlap. */
export function applySplices(text: string, splices: readonly Splice[]): string {
  const sorted = [...splices].sort((a, b) => a.start - b.start || a.end - b.end);
  let out = '';
  let at = 0;
  for (const s of sorted) {
    if (s.start < at) throw new Error(`overlapping edits at offset ${s.start}`);
    out += text.slice(at, s.start) + s.text;
    at = s.end;
  }
  return out + text.slice(at);
}

/** The value `node` replaced by the JSON string `value`. */
export function replaceValue(node: JsonNode, value: string): Splice {
  return { start: node.start, end: node.end, text: JSON.stringify(value) };
}

/** The member `m` becomes `"key": "value"`, keeping the spacing around its colon. */
export function renameMember(text: string, m: JsonMember, key: string, value: string): Splice {
  return { start: m.keyStart, end: m.value.end, text: `${JSON.stringify(key)}${text.slice(m.keyEnd, m.value.start)}${JSON.stringify(value)}` };
}

/** The whitespace before the member's key (after the previous comma or brace). */
function leadingSpace(text: string, m: JsonMember): string {
  let i = m.keyStart;
  while (i > 0 && /\s/.test(text[i - 1]!)) i--;
  return text.slice(i, m.keyStart);
}

/**
 * A new member `"key": <json>` right after `m` (`json` is the value's JSON text), laid out
 * like `m`: on a line of its own when `m` has one (any spaces trailing `m`'s line stay
 * there), else on the same line.
 */
export function insertAfter(text: string, m: JsonMember, key: string, json: string): Splice[] {
  const member = `${JSON.stringify(key)}${text.slice(m.keyEnd, m.value.start)}${json}`;
  let space = leadingSpace(text, m);
  // The first member inline after `{` shows no comma spacing: follow the colon's instead
  // (`{"a": 1}` as json.dumps writes it becomes `{"a": 1, "b": 2}`; `{"a":1}` becomes `{"a":1,"b":2}`).
  if (space === '' && text[m.keyStart - 1] === '{' && /[ \t]/.test(text.slice(m.keyEnd, m.value.start))) space = ' ';
  let at = m.value.end;
  while (text[at] === ' ' || text[at] === '\t') at++;
  const comma = text[at] === ',';
  if (comma) at++;
  const lineEnd = /^[ \t]*(?=\r?\n)/.exec(text.slice(at));
  const end = lineEnd ? at + lineEnd[0].length : comma ? at : m.value.end;
  if (comma) return [{ start: end, end, text: `${space}${member},` }];
  return [
    { start: m.value.end, end: m.value.end, text: ',' },
    { start: end, end, text: `${space}${member}` },
  ];
}

/** The member at `index` of `object` removed with its comma and its line's indentation. */
export function removeMember(text: string, object: JsonObject, index: number): Splice {
  const m = object.members[index]!;
  const next = object.members[index + 1];
  if (next !== undefined) return { start: m.keyStart, end: next.keyStart, text: '' };
  const previous = object.members[index - 1];
  if (previous !== undefined) return { start: previous.value.end, end: m.value.end, text: '' };
  return { start: m.keyStart - leadingSpace(text, m).length, end: m.value.end, text: '' };
}
