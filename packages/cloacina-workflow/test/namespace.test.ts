import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { TaskNamespace } from 'cloacina-workflow';
import { validName } from './arbitraries.js';

describe('TaskNamespace', () => {
  test.prop([validName, validName, validName, validName])('parse and toString round-trip', (t, p, w, k) => {
    const ns = new TaskNamespace(t, p, w, k);
    const parsed = TaskNamespace.parse(ns.toString());
    expect(parsed.equals(ns)).toBe(true);
    expect([parsed.tenant, parsed.package, parsed.workflow, parsed.task]).toEqual([t, p, w, k]);
    expect(parsed.toString()).toBe(`${t}::${p}::${w}::${k}`);
  });

  it.each([
    ['too few parts', 'a::b::c', /4 parts.*found 3/],
    ['too many parts', 'a::b::c::d::e', /found 5/],
    ['an empty part', 'a::::c::d', /package must be a non-empty string/],
    ['a single colon', 'a::b:x::c::d', /package "b:x" is invalid/],
    ['whitespace', 'a::b::my flow::d', /workflow "my flow" is invalid/],
    ['a trailing separator', 'a::b::c::', /task must be a non-empty string/],
  ])('refuses %s with a message naming the part', (_name, text, message) => {
    expect(() => TaskNamespace.parse(text)).toThrow(message);
  });

  test.prop([fc.string({ maxLength: 30 })])('parse either round-trips or throws a TypeError', (text) => {
    let parsed: TaskNamespace | undefined;
    try {
      parsed = TaskNamespace.parse(text);
    } catch (error) {
      expect(error).toBeInstanceOf(TypeError);
      return;
    }
    expect(parsed.toString()).toBe(text);
  });

  it('is frozen and recognised by its brand', () => {
    const ns = TaskNamespace.parse('public::etl::nightly::load');
    expect(Object.isFrozen(ns)).toBe(true);
    expect(TaskNamespace.isTaskNamespace(ns)).toBe(true);
    expect(TaskNamespace.isTaskNamespace({ ...ns })).toBe(false);
    expect(JSON.stringify({ ns })).toBe('{"ns":"public::etl::nightly::load"}');
  });
});
