// package.json edits planned on real folders: every section and pin, byte-minimal splices,
// what is left for a hand edit, and runs on part of a package.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { discover } from '../../src/files/discover.js';
import { planManifests, type ManifestPlan, type SourceOutcome } from '../../src/manifest/plan.js';

let dir: string;
beforeEach(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'manifest-plan-')));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

/** Plans for a run on `paths` in which `runtime` files still import the runtime after migration. */
async function plan(paths: string[] = ['.'], outcomes: Record<string, Partial<SourceOutcome>> = {}): Promise<Map<string, ManifestPlan>> {
  const found = await discover(paths, dir);
  const results: SourceOutcome[] = found.sources.map((file) => ({ file, status: 'changed', usesRuntime: false, ...outcomes[file.slice(dir.length + 1)] }));
  const plans = await planManifests({ manifests: found.manifests, results, roots: found.roots, filesUnder: async (d) => (await discover([d], d)).sources });
  return new Map(plans.map((p) => [p.file.slice(dir.length + 1), p]));
}

const FLOW = "import { task } from 'cloacina';\nexport const a = task;\n";

describe('package.json edits', () => {
  it('edits every dependency section holding cloacina v1 (cloacina-workflow once outside peerDependencies), each in its own range style', async () => {
    write({
      'package.json':
        '{\n  "name": "lib",\n  "dependencies": {\n    "cloacina": "1.3.0"\n  },\n  "devDependencies": {\n    "cloacina": "~1.2.0",\n    "vitest": "4.0.0"\n  },\n' +
        '  "peerDependencies": {\n    "cloacina": "^1"\n  },\n  "optionalDependencies": {\n    "cloacina": "1.x"\n  }\n}\n',
      'src/a.ts': FLOW,
    });
    const p = (await plan()).get('package.json')!;
    expect(p.after).toBe(
      '{\n  "name": "lib",\n  "dependencies": {\n    "cloacina-workflow": "1.0.0"\n  },\n  "devDependencies": {\n    "vitest": "4.0.0"\n  },\n' +
        '  "peerDependencies": {\n    "cloacina-workflow": "^1"\n  },\n  "optionalDependencies": {\n  }\n}\n',
    );
    expect(p.review).toEqual([]);
  });

  it('keeps cloacina (moved to v2) beside cloacina-workflow in every section while the runtime is used', async () => {
    write({
      'package.json': '{"dependencies":{"cloacina":"^1.3.0"},"peerDependencies":{"cloacina":">=1.2.0 <2"}}',
      'src/a.ts': FLOW,
    });
    const p = (await plan(['.'], { 'src/a.ts': { usesRuntime: true } })).get('package.json')!;
    expect(p.after).toBe('{"dependencies":{"cloacina":"^2.0.0","cloacina-workflow":"^1.0.0"},"peerDependencies":{"cloacina":">=1.2.0 <2"}}');
    expect(p.review).toEqual([{ key: 'peerDependencies.cloacina', message: expect.stringContaining('a range style this tool does not rewrite') }]);
  });

  it('sees cloacina spelled with \\u escapes in a key, and edits that entry', async () => {
    write({ 'package.json': '{\n  "dependencies": {\n    "cloa\\u0063ina": "^1.3.0"\n  }\n}\n', 'src/a.ts': FLOW });
    const p = (await plan()).get('package.json')!;
    expect(p.changes.length).toBeGreaterThan(0);
    expect(JSON.parse(p.after)).toEqual({ dependencies: { 'cloacina-workflow': '^1.0.0' } });
    // Other escapes that spell no cloacina leave the manifest unplanned.
    write({ 'package.json': '{ "name": "caf\\u00e9", "dependencies": { "zod": "^3.0.0" } }\n' });
    expect((await plan()).get('package.json')).toBeUndefined();
  });

  it('moves a bundleDependencies entry to cloacina-workflow with the dependency, and reports pnpm patches of cloacina v1', async () => {
    write({
      'package.json':
        '{\n  "dependencies": { "cloacina": "^1.3.0", "zod": "^3.0.0" },\n  "bundleDependencies": ["zod", "cloacina"],\n' +
        '  "pnpm": { "patchedDependencies": { "cloacina@1.3.2": "patches/cloacina@1.3.2.patch", "zod@3.0.0": "patches/zod.patch" } }\n}\n',
      'src/a.ts': FLOW,
    });
    const p = (await plan()).get('package.json')!;
    expect(JSON.parse(p.after).bundleDependencies).toEqual(['zod', 'cloacina-workflow']);
    expect(p.changes).toContainEqual({ key: 'bundleDependencies[1]', from: 'cloacina', to: 'cloacina-workflow' });
    expect(p.review).toEqual([{ key: 'pnpm.patchedDependencies.cloacina@1.3.2', message: expect.stringContaining('patches cloacina v1') }]);
    // While the runtime stays (moved to v2), the bundled entry stays with it.
    const kept = (await plan(['.'], { 'src/a.ts': { usesRuntime: true } })).get('package.json')!;
    expect(JSON.parse(kept.after).bundleDependencies).toEqual(['zod', 'cloacina']);
  });

  it('changes only the bytes of the edited values: indentation, escapes, inline arrays, trailing spaces, BOM, CRLF, no final newline', async () => {
    const before =
      '\uFEFF{\r\n\t"name": "caf\\u00e9",\r\n\t"keywords": ["a",  "b"],   \r\n\t"dependencies": {\r\n\t\t"cloacina":   "^1.3.0",   \r\n\t\t"zod": "\\u005e3.0.0"\r\n\t},\r\n\t"scripts": {"up": "cloacina run"}\r\n}';
    write({ 'package.json': before, 'src/a.ts': FLOW });
    const p = (await plan()).get('package.json')!;
    expect(p.after).toBe(
      '\uFEFF{\r\n\t"name": "caf\\u00e9",\r\n\t"keywords": ["a",  "b"],   \r\n\t"dependencies": {\r\n\t\t"cloacina":   "^2.0.0",   \r\n\t\t"cloacina-workflow":   "^1.0.0",\r\n\t\t"zod": "\\u005e3.0.0"\r\n\t},\r\n\t"scripts": {"up": "cloacina run"}\r\n}',
    );
  });

  it('carries peerDependenciesMeta.cloacina over to cloacina-workflow', async () => {
    write({
      'package.json': '{\n  "peerDependencies": { "cloacina": "^1.3.0" },\n  "peerDependenciesMeta": {\n    "cloacina": { "optional": true }\n  }\n}\n',
      'src/a.ts': FLOW,
    });
    expect((await plan()).get('package.json')!.after).toBe(
      '{\n  "peerDependencies": { "cloacina-workflow": "^1.0.0" },\n  "peerDependenciesMeta": {\n    "cloacina-workflow": { "optional": true }\n  }\n}\n',
    );
    expect((await plan(['.'], { 'src/a.ts': { usesRuntime: true } })).get('package.json')!.after).toBe(
      '{\n  "peerDependencies": { "cloacina": "^2.0.0", "cloacina-workflow": "^1.0.0" },\n  "peerDependenciesMeta": {\n    "cloacina": { "optional": true },\n    "cloacina-workflow": { "optional": true }\n  }\n}\n',
    );
  });

  it('writes an added member with the spacing of a compact one-line object (json.dumps style)', async () => {
    write({ 'package.json': '{"name": "x", "dependencies": {"cloacina": "^1.3.0"}}', 'src/a.ts': FLOW });
    expect((await plan(['.'], { 'src/a.ts': { usesRuntime: true } })).get('package.json')!.after).toBe(
      '{"name": "x", "dependencies": {"cloacina": "^2.0.0", "cloacina-workflow": "^1.0.0"}}',
    );
  });

  it('keeps cloacina for npm scripts that run the cloacina command', async () => {
    write({ 'package.json': '{ "scripts": { "pack": "tsc && cloacina pack dist" }, "dependencies": { "cloacina": "^1.0.0" } }', 'src/a.ts': FLOW });
    expect((await plan()).get('package.json')!.after).toBe(
      '{ "scripts": { "pack": "tsc && cloacina pack dist" }, "dependencies": { "cloacina": "^2.0.0", "cloacina-workflow": "^1.0.0" } }',
    );
    write({ 'package.json': '{ "scripts": { "migrate": "cloacina-migrate ." }, "dependencies": { "cloacina": "^1.0.0" } }' });
    expect((await plan()).get('package.json')!.after).toBe('{ "scripts": { "migrate": "cloacina-migrate ." }, "dependencies": { "cloacina-workflow": "^1.0.0" } }');
  });

  it('keeps cloacina (moved to v2) while an override refers to it as $cloacina', async () => {
    write({ 'package.json': '{ "dependencies": { "cloacina": "^1.0.0" }, "overrides": { "foo": { "cloacina": "$cloacina" } } }', 'src/a.ts': FLOW });
    expect((await plan()).get('package.json')!.after).toBe(
      '{ "dependencies": { "cloacina": "^2.0.0", "cloacina-workflow": "^1.0.0" }, "overrides": { "foo": { "cloacina": "$cloacina" } } }',
    );
  });

  it('moves overrides, resolutions and pnpm.overrides pins to v2, and reports pins of some versions only', async () => {
    write({
      'package.json':
        '{\n  "dependencies": { "cloacina": "^1.3.0" },\n  "overrides": { "cloacina": "1.3.0", "foo": { "cloacina": "~1.3.0" }, "bar": { "cloacina": { ".": "1.3.0" } }, "baz": "$cloacina" },\n' +
        '  "resolutions": { "**/cloacina": "1.3.0", "cloacina@1": "1.3.0" },\n  "pnpm": { "overrides": { "a>cloacina": "^1.0.0", "cloacina@<2": "1.3.0" } }\n}\n',
      'src/a.ts': FLOW,
    });
    const p = (await plan()).get('package.json')!;
    expect(p.after).toBe(
      '{\n  "dependencies": { "cloacina": "^2.0.0", "cloacina-workflow": "^1.0.0" },\n  "overrides": { "cloacina": "2.0.0", "foo": { "cloacina": "~2.0.0" }, "bar": { "cloacina": { ".": "2.0.0" } }, "baz": "$cloacina" },\n' +
        '  "resolutions": { "**/cloacina": "2.0.0", "cloacina@1": "1.3.0" },\n  "pnpm": { "overrides": { "a>cloacina": "^2.0.0", "cloacina@<2": "1.3.0" } }\n}\n',
    );
    expect(p.review.map((n) => n.key)).toEqual(['resolutions.cloacina@1', 'pnpm.overrides.cloacina@<2']);
  });

  it.each([
    ['file:../cloacina', 'a local path'],
    ['link:../cloacina', 'a local path'],
    ['github:colliery-io/cloacina#v1', 'a git or URL dependency'],
    ['git+https://example.com/cloacina.git', 'a git or URL dependency'],
    ['npm:cloacina@^1.3.0', 'an npm: alias'],
    ['latest', 'not a version range'],
  ])('reports %s for a hand edit and leaves the file as it is', async (range, why) => {
    const text = `{\n  "dependencies": {\n    "cloacina": ${JSON.stringify(range)}\n  }\n}\n`;
    write({ 'package.json': text, 'src/a.ts': FLOW });
    const p = (await plan()).get('package.json')!;
    expect(p.after).toBe(text);
    expect(p.review).toEqual([{ key: 'dependencies.cloacina', message: expect.stringContaining(why) }]);
  });

  it('reports a section given twice (npm reads only the last) and edits nothing in that manifest', async () => {
    const text = '{"dependencies":{"cloacina":"^1.0.0"},"dependencies":{"left-pad":"1.0.0"},"pnpm":{"overrides":{},"overrides":{"cloacina":"1.0.0"}}}\n';
    write({ 'package.json': text, 'src/a.ts': FLOW });
    const p = (await plan()).get('package.json')!;
    expect(p.after).toBe(text);
    expect(p.review.map((n) => n.key)).toEqual(['dependencies', 'pnpm.overrides']);
  });

  it('reports an alias of cloacina under another name', async () => {
    write({ 'package.json': '{ "dependencies": { "cl": "npm:cloacina@^1.3.0" } }', 'src/a.ts': FLOW });
    expect((await plan()).get('package.json')!.review).toEqual([{ key: 'dependencies.cl', message: expect.stringContaining('an alias of cloacina') }]);
  });

  it('reports JSON with comments (or otherwise not JSON) with its line and column', async () => {
    const text = '{\n  // the runtime\n  "dependencies": { "cloacina": "^1.3.0" }\n}\n';
    write({ 'package.json': text, 'src/a.ts': FLOW });
    const p = (await plan()).get('package.json')!;
    expect(p.after).toBe(text);
    expect(p.review).toEqual([{ message: 'not valid JSON (line 2, column 3: a comment (JSON has none)); edit it by hand' }]);
    write({ 'package.json': '{ "dependencies": { "cloacina": "^1.3.0", } }' });
    expect((await plan()).get('package.json')!.review[0]!.message).toContain('line 1, column 41: a trailing comma');
  });

  it('writes workspace: ranges only when the workspace has a cloacina-workflow package', async () => {
    write({
      'package.json': '{ "private": true, "workspaces": ["packages/*"] }',
      'packages/app/package.json': '{ "name": "app", "dependencies": { "cloacina": "workspace:*" } }',
      'packages/app/a.ts': FLOW,
    });
    const without = (await plan()).get('packages/app/package.json')!;
    expect(without.after).toBe(without.before);
    expect(without.review).toEqual([{ key: 'dependencies.cloacina', message: expect.stringContaining('the workspace has no cloacina-workflow package') }]);
    write({ 'packages/cloacina-workflow/package.json': '{ "name": "cloacina-workflow", "version": "1.0.0" }' });
    expect((await plan()).get('packages/app/package.json')!.after).toBe('{ "name": "app", "dependencies": { "cloacina-workflow": "workspace:*" } }');
  });

  it('resolves a pnpm catalog: range in pnpm-workspace.yaml when the whole workspace is migrated', async () => {
    const yaml = "packages:\n  - 'packages/*'\n\ncatalog:\n  cloacina: ^1.3.0   # runtime\n  zod: ^3.0.0\ncatalogs:\n  old:\n    'cloacina': '~1.2.0'\n";
    write({
      'pnpm-workspace.yaml': yaml,
      'package.json': '{ "private": true }',
      'packages/a/package.json': '{ "dependencies": { "cloacina": "catalog:" } }',
      'packages/a/a.ts': FLOW,
      'packages/b/package.json': '{ "dependencies": { "cloacina": "catalog:old" } }',
      'packages/b/b.ts': FLOW,
    });
    const plans = await plan(['.'], { 'packages/b/b.ts': { usesRuntime: true } });
    expect(plans.get('packages/a/package.json')!.after).toBe('{ "dependencies": { "cloacina-workflow": "catalog:" } }');
    expect(plans.get('packages/b/package.json')!.after).toBe('{ "dependencies": { "cloacina": "catalog:old", "cloacina-workflow": "catalog:old" } }');
    expect(plans.get('pnpm-workspace.yaml')!.after).toBe(
      "packages:\n  - 'packages/*'\n\ncatalog:\n  cloacina: ^2.0.0   # runtime\n  cloacina-workflow: ^1.0.0\n  zod: ^3.0.0\ncatalogs:\n  old:\n    'cloacina': '~2.0.0'\n    cloacina-workflow: '~1.0.0'\n",
    );
    // A run on one package of the workspace leaves the shared catalog alone, and says so.
    const partial = await plan(['packages/a']);
    expect(partial.get('pnpm-workspace.yaml')).toBeUndefined();
    expect(partial.get('packages/a/package.json')!.review).toEqual([{ key: 'dependencies.cloacina', message: expect.stringContaining('shared by every package of the workspace') }]);
  });

  it('reports a catalog written in a YAML form it does not edit, with the line', async () => {
    write({
      'pnpm-workspace.yaml': 'packages: [packages/*]\ncatalog: { cloacina: ^1.3.0 }\n',
      'package.json': '{ "dependencies": { "cloacina": "catalog:" } }',
      'a.ts': FLOW,
    });
    const p = (await plan()).get('package.json')!;
    expect(p.after).toBe(p.before);
    expect(p.review[0]!.message).toContain('pnpm-workspace.yaml line 2: a value in a YAML form this tool does not edit ({)');
  });

  it('does not bump cloacina on a run over part of a package while files outside it still use v1, and names them', async () => {
    write({
      'package.json': '{\n  "dependencies": {\n    "cloacina": "^1.3.0"\n  }\n}\n',
      'src/flows/a.ts': FLOW,
      'src/legacy/b.ts': "import { task } from 'cloacina';\nexport const b = task({ id: 'b' }, (ctx) => ctx.getWithDependencies('x'));\n",
      // A marker quoting a removed method is not a use.
      'src/done/c.ts': "import { task } from 'cloacina-workflow';\n// TODO(cloacina-migrate): removed setDependencyLoader(): ...\nexport const c = task;\n",
    });
    const p = (await plan(['src/flows'])).get('package.json')!;
    expect(p.after).toBe('{\n  "dependencies": {\n    "cloacina": "^1.3.0",\n    "cloacina-workflow": "^1.0.0"\n  }\n}\n');
    expect(p.review).toEqual([{ key: 'cloacina', message: expect.stringContaining(`${join(dir, 'src/legacy/b.ts')} (getWithDependencies())`) }]);
    expect(p.review[0]!.message).not.toContain('c.ts');
    // Once nothing outside uses v1 or names the runtime, the same partial run moves it.
    write({ 'src/legacy/b.ts': "import { task } from 'cloacina-workflow';\nexport const b = task;\n" });
    expect((await plan(['src/flows'])).get('package.json')!.after).toBe('{\n  "dependencies": {\n    "cloacina-workflow": "^1.0.0"\n  }\n}\n');
  });

  it('does not bump cloacina while a module the migrated code imports, ignored by .gitignore (generated code), still uses v1, and names it', async () => {
    write({
      '.gitignore': 'src/generated/\n',
      'package.json': '{ "dependencies": { "cloacina": "^1.3.0" } }',
      'src/flow.ts': "import { task } from 'cloacina';\nimport { readInput } from './generated/steps.js';\nexport const t = task({ id: 't' }, (ctx) => ctx.set('v', readInput(ctx)));\n",
      'src/generated/steps.ts': "// @generated\nexport const readInput = (ctx: any) => ctx.getWithDependencies('input');\n",
    });
    const p = (await plan()).get('package.json')!;
    expect(p.after).toBe('{ "dependencies": { "cloacina": "^1.3.0", "cloacina-workflow": "^1.0.0" } }');
    expect(p.review).toEqual([{ key: 'cloacina', message: expect.stringContaining(`${join(dir, 'src/generated/steps.ts')} (getWithDependencies())`) }]);
  });

  it('does not bump cloacina while a file of the package was left unwritten with v1 code', async () => {
    write({
      'package.json': '{ "dependencies": { "cloacina": "^1.3.0" } }',
      'src/a.ts': "import { task } from 'cloacina';\nexport const b = task({ id: 'b' }, (ctx) => ctx.loadFromDependenciesAndCache('x'));\n",
    });
    const p = (await plan(['.'], { 'src/a.ts': { status: 'not-written' } })).get('package.json')!;
    expect(p.after).toBe('{ "dependencies": { "cloacina": "^1.3.0", "cloacina-workflow": "^1.0.0" } }');
    expect(p.review[0]!.message).toContain('loadFromDependenciesAndCache()');
  });

  it('changes nothing on a second run', async () => {
    write({
      'package.json': '{\n  "dependencies": { "cloacina": "^1.3.0" },\n  "peerDependencies": { "cloacina": "*" },\n  "overrides": { "cloacina": "1.3.0" }\n}\n',
      'src/a.ts': FLOW,
    });
    const first = (await plan(['.'], { 'src/a.ts': { usesRuntime: true } })).get('package.json')!;
    expect(first.after).not.toBe(first.before);
    write({ 'package.json': first.after });
    const second = (await plan(['.'], { 'src/a.ts': { usesRuntime: true } })).get('package.json')!;
    expect(second.changes).toEqual([]);
    expect(second.after).toBe(first.after);
  });
});
