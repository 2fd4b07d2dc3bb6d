// The splice engine: text outside every splice is copied as it was, overlaps are refused,
// and offsets map into the output.
import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { applySplices, mapOffset, SpliceOverlapError, type Splice } from '../../src/edits/splice.js';
import { removeStatement } from '../../src/edits/remove.js';

describe('applySplices', () => {
  it('replaces, inserts and deletes at original offsets, insertions before a replacement at the same offset', () => {
    const text = 'abcdefghij';
    const out = applySplices(text, [
      { start: 8, end: 10, text: 'XY' },
      { start: 2, end: 4, text: '' },
      { start: 2, end: 2, text: '<' },
      { start: 2, end: 2, text: '>' },
      { start: 6, end: 6, text: '|' },
    ]);
    expect(out).toBe('ab<>ef|ghXY');
  });

  it('refuses overlapping replacements and insertions inside a replacement', () => {
    expect(() => applySplices('abcdef', [{ start: 1, end: 4, text: '' }, { start: 3, end: 5, text: '' }])).toThrow(SpliceOverlapError);
    expect(() => applySplices('abcdef', [{ start: 1, end: 4, text: '' }, { start: 2, end: 2, text: 'x' }])).toThrow(SpliceOverlapError);
    expect(() => applySplices('abcdef', [{ start: 1, end: 4, text: '' }, { start: 1, end: 4, text: 'x' }])).toThrow(SpliceOverlapError);
    expect(applySplices('abcdef', [{ start: 1, end: 4, text: '' }, { start: 4, end: 4, text: 'x' }])).toBe('axef');
  });

  const spliced = fc.string({ minLength: 1, maxLength: 40 }).chain((text) =>
    fc.tuple(
      fc.constant(text),
      fc.uniqueArray(fc.nat(text.length), { maxLength: 8 }).chain((cuts) => {
        const sorted = [...cuts].sort((a, b) => a - b);
        // Disjoint ranges between consecutive cut points, every other pair.
        const pairs: Array<[number, number]> = [];
        for (let i = 0; i + 1 < sorted.length; i += 2) pairs.push([sorted[i]!, sorted[i + 1]!]);
        return fc.tuple(...pairs.map(([start, end]) => fc.string({ maxLength: 5 }).map((t): Splice => ({ start, end, text: t }))));
      }),
    ),
  );

  test.prop([spliced])('keeps every byte outside the splices and maps kept offsets onto the same character', ([text, splices]) => {
    const out = applySplices(text, splices);
    for (let i = 0; i < text.length; i++) {
      if (splices.some((s) => s.start <= i && i < s.end)) continue;
      expect(out[mapOffset(i, splices)]).toBe(text[i]);
    }
  });
});

describe('removeStatement', () => {
  it('takes the whole line when the statement is alone on it, in every line ending', () => {
    for (const eol of ['\n', '\r\n', '\r']) {
      const text = `a();${eol}  b();${eol}c();${eol}`;
      const s = removeStatement(text, text.indexOf('b'), text.indexOf('b') + 4);
      expect(applySplices(text, [s])).toBe(`a();${eol}c();${eol}`);
    }
  });

  it('takes only the statement and its spaces when it shares a line', () => {
    const text = 'a(); b(); c();\nd(); e();\n';
    expect(applySplices(text, [removeStatement(text, 5, 9)])).toBe('a(); c();\nd(); e();\n');
    expect(applySplices(text, [removeStatement(text, 20, 24)])).toBe('a(); b(); c();\nd();\n');
  });
});
