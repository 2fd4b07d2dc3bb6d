// The committed API reports (api/*.api.md) match the built packages, cloacina-workflow
// keeps every API of its last 1.x release, and the extractor and the comparison catch
// removed exports, changed signatures and added exports on a small package of their own.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compareReports } from '../../scripts/api/compare.mjs';
import { extractReports } from '../../scripts/api/extract.mjs';
import { currentReports, minorRuleViolations, releasedForm, staleReports } from '../../scripts/api/reports.mjs';

describe('the committed API reports', () => {
  const current = currentReports();

  it('cover every entry point and equal what the built packages declare', () => {
    expect([...current.keys()]).toEqual(['cloacina-workflow', 'cloacina-workflow/testing', 'cloacina', 'cloacina/legacy']);
    const stale = staleReports(current);
    // On failure: run `npm run api:update` and commit the reports with the change.
    expect(stale.map((s) => `${s.file}: ${s.problem}\n${(s.diff ?? []).join('\n')}`)).toEqual([]);
  });

  it('cloacina-workflow 1.x only adds to the API of its last release', () => {
    expect(minorRuleViolations(current)).toEqual([]);
  });

  it('keep the removed v1 Context methods out of the v2 entry points and in cloacina/legacy', () => {
    const removed = ['loadFromDependenciesAndCache', 'getWithDependencies', 'setDependencyLoader', 'setExecutionScope', 'executionScope'];
    for (const specifier of ['cloacina-workflow', 'cloacina']) {
      for (const method of removed) expect(current.get(specifier)).not.toContain(`${method}(`);
    }
    for (const method of removed) expect(current.get('cloacina/legacy')).toContain(`    ${method}(`);
  });
});

describe('extracting and comparing reports', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cloacina-api-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A package `demo` at `version` with the given index.d.ts and extra.d.ts: its folder and reports. */
  function demoPackage(version: string, index: string, extra = 'export {};\n'): { pkg: string; reports: Map<string, string> } {
    const pkg = join(dir, `demo-${Math.random().toString(36).slice(2)}`);
    mkdirSync(pkg);
    writeFileSync(
      join(pkg, 'package.json'),
      JSON.stringify({
        name: 'demo',
        version,
        exports: { '.': { types: './index.d.ts' }, './extra': { types: './extra.d.ts' }, './package.json': './package.json' },
      }),
    );
    writeFileSync(join(pkg, 'index.d.ts'), index);
    writeFileSync(join(pkg, 'extra.d.ts'), extra);
    // No lib and no @types: the demo needs neither, and the program loads in a blink.
    return { pkg, reports: extractReports([pkg], { noLib: true, types: [] }) };
  }
  const demo = (version: string, index: string, extra?: string) => demoPackage(version, index, extra).reports;

  const base = `
/** Adds. */
export declare function add(a: number, b: number): number;
interface Shape { sides: number }
export interface Options { name: string; shape?: Shape }
export type Kind = 'a' | 'b';
export declare class Box {
  #private;
  constructor(size: number);
  /** @deprecated use open() */
  unwrap(): string;
  open(): string;
}
export {};
`;

  it('prints declarations sorted by name, keeps @deprecated, lists referenced unexported types', () => {
    const report = demo('1.0.0', base).get('demo')!;
    const code = report.slice(report.indexOf('```ts'));
    expect(code.indexOf('export declare class Box')).toBeLessThan(code.indexOf('export type Kind'));
    expect(code.indexOf('export type Kind')).toBeLessThan(code.indexOf('export interface Options'));
    expect(code).toContain('/** @deprecated */\n    unwrap(): string;');
    expect(code).not.toContain('Adds.');
    expect(code).toContain('// Not exported, but part of the API through the declarations above.\n\ninterface Shape {');
    expect(code).not.toMatch(/export \{\s*\}/);
    expect(demo('1.0.0', base).get('demo')).toBe(report); // deterministic
  });

  it('a re-export of another entry point is one line naming it', () => {
    const reports = demo('1.0.0', base, "export { add as plus, Box } from './index.js';\n");
    expect(reports.get('demo/extra')).toContain("export { Box } from 'demo';\n\nexport { add as plus } from 'demo';");
  });

  it('a removed export is a break', () => {
    const before = demo('1.0.0', base).get('demo')!;
    const after = demo('1.1.0', base.replace(/^export type Kind.*$/m, '')).get('demo')!;
    expect(after).not.toBe(before);
    expect(compareReports(before, after).breaks).toEqual(['Kind: export removed']);
  });

  it('a changed signature is a break, naming the member', () => {
    const before = demo('1.0.0', base).get('demo')!;
    const changed = compareReports(before, demo('1.1.0', base.replace('add(a: number, b: number)', 'add(a: number, b: string)')).get('demo')!);
    expect(changed.breaks).toEqual([expect.stringMatching(/^add: \(overload\) changed \(was: .*b: number.*now: .*b: string/)]);
    const member = compareReports(before, demo('1.1.0', base.replace('open(): string;', 'open(): number;')).get('demo')!);
    expect(member.breaks).toEqual(['Box: open changed (was: open(): string; now: open(): number)']);
    const removedMember = compareReports(before, demo('1.1.0', base.replace(/^\s*\/\*\* @deprecated use open\(\) \*\/\n\s*unwrap\(\): string;$/m, '')).get('demo')!);
    expect(removedMember.breaks).toEqual(['Box: unwrap removed (was: /** @deprecated */ unwrap(): string)']);
  });

  it('a change to an unexported type the API mentions is a break', () => {
    const before = demo('1.0.0', base).get('demo')!;
    const after = demo('1.1.0', base.replace('sides: number', 'sides: string')).get('demo')!;
    expect(compareReports(before, after).breaks).toEqual([expect.stringMatching(/^Shape \(not exported\): sides changed/)]);
  });

  it('added exports, overloads, union members, class members and optional members are additions', () => {
    const before = demo('1.0.0', base).get('demo')!;
    const grown = base
      .replace("'a' | 'b'", "'a' | 'b' | 'c'")
      .replace('open(): string;', 'open(): string;\n  close(): void;')
      .replace('name: string;', 'name: string; label?: string;')
      .concat('export declare function add(a: string, b: string): string;\nexport declare const VERSION: string;\n');
    const { breaks, additions } = compareReports(before, demo('1.1.0', grown).get('demo')!);
    expect(breaks).toEqual([]);
    expect(additions).toEqual(
      expect.arrayContaining([
        'VERSION: export added',
        expect.stringMatching(/^add: \(overload\) added/),
        expect.stringMatching(/^Kind: \(union member\) added \('c'\)/),
        expect.stringMatching(/^Box: close added/),
        expect.stringMatching(/^Options: label added/),
      ]),
    );
    expect(additions).toHaveLength(5);
  });

  it('optional parameters added at the end are additions; anything else about parameters breaks', () => {
    const before = demo('1.0.0', base).get('demo')!;
    const compare = (from: string, to: string) => compareReports(before, demo('1.1.0', base.replace(from, to)).get('demo')!);
    const optional = compare('add(a: number, b: number)', 'add(a: number, b: number, c?: number, ...rest: number[])');
    expect(optional.breaks).toEqual([]);
    expect(optional.additions).toEqual([expect.stringMatching(/^add: \(overload\) gained optional parameters/)]);
    expect(compare('open(): string;', 'open(mode?: string): string;').breaks).toEqual([]);
    expect(compare('add(a: number, b: number)', 'add(a: number, b: number, c: number)').breaks).toEqual([expect.stringMatching(/^add: \(overload\) changed/)]);
    expect(compare('add(a: number, b: number)', 'add(a: number, c?: number)').breaks).toEqual([expect.stringMatching(/^add: \(overload\) changed/)]);
    expect(compare('add(a: number, b: number): number', 'add(a: number, b: number, c?: number): string').breaks).toEqual([
      expect.stringMatching(/^add: \(overload\) changed/),
    ]);
  });

  it('a new required interface member or a lost union member is a break', () => {
    const before = demo('1.0.0', base).get('demo')!;
    const after = demo('1.1.0', base.replace('name: string;', 'name: string; id: string;').replace("'a' | 'b'", "'a'")).get('demo')!;
    expect(compareReports(before, after).breaks).toEqual([
      "Kind: (union member) removed (was: 'b')",
      'Options: new required member id (id: string) breaks code that builds this object',
    ]);
  });

  it('the minor rule holds within a major and lets a new major break', () => {
    const released = join(dir, 'released');
    mkdirSync(released);
    writeFileSync(join(released, 'demo.api.md'), releasedForm(demo('1.0.0', base).get('demo')!, '1.0.0'));
    const breaking = base.replace(/^export type Kind.*$/m, '');
    const violationsAt = (version: string) => {
      const { pkg, reports } = demoPackage(version, breaking);
      return minorRuleViolations(reports, { packageDirs: [pkg], releasedDir: released, guarded: ['demo'] });
    };
    expect(violationsAt('1.4.0')).toEqual([{ specifier: 'demo', releasedVersion: '1.0.0', version: '1.4.0', breaks: ['Kind: export removed'] }]);
    expect(violationsAt('2.0.0')).toEqual([]);
  });
});
