// A strict JSON reader that keeps where every value and key sits in the text, so that an
// edit can replace exactly one value and keep every other byte. A leading byte-order mark
// is allowed; comments, trailing commas and anything else JSON.parse refuses are errors
// naming their line and column.

export type JsonNode = JsonObject | JsonArray | JsonScalar;

export interface JsonObject {
  kind: 'object';
  start: number;
  end: number;
  members: JsonMember[];
}

export interface JsonArray {
  kind: 'array';
  start: number;
  end: number;
  items: JsonNode[];
}

export interface JsonScalar {
  kind: 'string' | 'number' | 'literal';
  start: number;
  end: number;
  /** The decoded value of a string; the source text of a number or literal. */
  value: string;
}

export interface JsonMember {
  key: string;
  keyStart: number;
  keyEnd: number;
  value: JsonNode;
}

export class JsonTextError extends Error {
  override name = 'JsonTextError';
  constructor(
    readonly line: number,
    readonly column: number,
    what: string,
  ) {
    super(`line ${line}, column ${column}: ${what}`);
  }
}

/** Line and column (both from 1) of `offset` in `text`. */
export function positionOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

export function parseJsonText(text: string): JsonNode {
  const reader = new Reader(text);
  reader.pos = text.startsWith('\uFEFF') ? 1 : 0;
  reader.space();
  const root = reader.value();
  reader.space();
  if (reader.pos < text.length) reader.fail('text after the end of the JSON value');
  return root;
}

const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

class Reader {
  pos = 0;
  constructor(private readonly text: string) {}

  fail(what: string, at = this.pos): never {
    const { line, column } = positionOf(this.text, at);
    throw new JsonTextError(line, column, what);
  }

  space(): void {
    const text = this.text;
    for (;;) {
      const c = text.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) this.pos++;
      else if (c === 0x2f && (text[this.pos + 1] === '/' || text[this.pos + 1] === '*')) this.fail('a comment (JSON has none)');
      else return;
    }
  }

  value(): JsonNode {
    const c = this.text[this.pos];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return this.string();
    const start = this.pos;
    const literal = /^(?:true|false|null)/.exec(this.text.slice(start, start + 5));
    if (literal) {
      this.pos += literal[0].length;
      return { kind: 'literal', start, end: this.pos, value: literal[0] };
    }
    const number = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(this.text.slice(start, start + 400));
    if (number) {
      this.pos += number[0].length;
      return { kind: 'number', start, end: this.pos, value: number[0] };
    }
    return this.fail(c === undefined ? 'unexpected end of the text' : `unexpected ${JSON.stringify(c)}`);
  }

  string(): JsonScalar {
    const text = this.text;
    const start = this.pos++;
    let value = '';
    for (;;) {
      const c = text[this.pos];
      if (c === undefined) this.fail('a string that never ends', start);
      if (c === '"') break;
      if (c === '\\') {
        const e = text[this.pos + 1];
        if (e === 'u') {
          const hex = text.slice(this.pos + 2, this.pos + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('a bad \\u escape');
          value += String.fromCharCode(parseInt(hex, 16));
          this.pos += 6;
        } else if (e !== undefined && ESCAPES[e] !== undefined) {
          value += ESCAPES[e];
          this.pos += 2;
        } else {
          this.fail('a bad escape');
        }
      } else if (c < ' ') {
        this.fail('a control character inside a string');
      } else {
        value += c;
        this.pos++;
      }
    }
    this.pos++;
    return { kind: 'string', start, end: this.pos, value };
  }

  object(): JsonObject {
    const start = this.pos++;
    const members: JsonMember[] = [];
    this.space();
    if (this.text[this.pos] === '}') return { kind: 'object', start, end: ++this.pos, members };
    for (let comma = -1; ; ) {
      this.space();
      if (this.text[this.pos] === '}' && comma >= 0) this.fail('a trailing comma', comma);
      if (this.text[this.pos] !== '"') this.fail('expected a key in double quotes');
      const key = this.string();
      this.space();
      if (this.text[this.pos] !== ':') this.fail('expected ":"');
      this.pos++;
      this.space();
      members.push({ key: key.value, keyStart: key.start, keyEnd: key.end, value: this.value() });
      this.space();
      const c = this.text[this.pos++];
      if (c === '}') return { kind: 'object', start, end: this.pos, members };
      if (c !== ',') this.fail('expected "," or "}"', this.pos - 1);
      comma = this.pos - 1;
    }
  }

  array(): JsonArray {
    const start = this.pos++;
    const items: JsonNode[] = [];
    this.space();
    if (this.text[this.pos] === ']') return { kind: 'array', start, end: ++this.pos, items };
    for (let comma = -1; ; ) {
      this.space();
      if (this.text[this.pos] === ']' && comma >= 0) this.fail('a trailing comma', comma);
      items.push(this.value());
      this.space();
      const c = this.text[this.pos++];
      if (c === ']') return { kind: 'array', start, end: this.pos, items };
      if (c !== ',') this.fail('expected "," or "]"', this.pos - 1);
      comma = this.pos - 1;
    }
  }
}

/** The member `key` of `node` when `node` is an object; the last one if repeated (as JSON.parse). */
export function member(node: JsonNode | undefined, key: string): JsonMember | undefined {
  if (node?.kind !== 'object') return undefined;
  for (let i = node.members.length - 1; i >= 0; i--) if (node.members[i]!.key === key) return node.members[i];
  return undefined;
}

/** The plain value of a node (as JSON.parse would give it). */
export function plain(node: JsonNode): unknown {
  switch (node.kind) {
    case 'object':
      return Object.fromEntries(node.members.map((m) => [m.key, plain(m.value)]));
    case 'array':
      return node.items.map(plain);
    case 'string':
      return node.value;
    case 'number':
      return Number(node.value);
    case 'literal':
      return node.value === 'null' ? null : node.value === 'true';
  }
}
